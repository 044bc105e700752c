"""At 375 px, in Chromium, over the demo data, as each role on its main pages:

- no element sticks out of the page: anything wider than the screen wraps or scrolls inside its
  own box (a badge "Verifikasi administrasi (Ke…" cut off, a table running to 475 px);
- every tap target is at least 24 x 24 px (WCAG 2.2, 2.5.8), links inside a sentence excepted
  as the criterion allows;
- chart labels are at least 12 px high as drawn.
"""

from __future__ import annotations

import pytest

from app.demo import DEMO_PASSWORD
from tests.support.browser import PHONE, live_server, screenshot

pytestmark = pytest.mark.browser

#: e-mail → the pages that role works on most ({id} is filled with a demo application's id)
PAGES = {
    "pesantren@demo.sibantu.id": ["/portal", "/portal/permohonan/{id}", "/kotak-masuk",
                                  "/program/sanitren", "/portal/lembaga/{org}"],
    "verifikator.kemenag@demo.sibantu.id": ["/staf/antrean", "/staf/permohonan/{id}",
                                            "/staf/dasbor"],
    "bendahara.bpkad@demo.sibantu.id": ["/staf/keuangan", "/staf/dasbor"],
    "auditor.inspektorat@demo.sibantu.id": ["/audit/", "/audit/permohonan/{id}"],
    "admin@demo.sibantu.id": ["/admin/", "/admin/pengguna", "/admin/program"],
    "operator.desa@demo.sibantu.id": ["/portal/operator"],
    "operator.sekolah@demo.sibantu.id": ["/staf/sekolah", "/staf/permohonan/{school}"],
    None: ["/", "/transparansi/", "/masuk"],
}

#: elements sticking out of the page: wider than the viewport and not inside a scroll box
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || getComputedStyle(el).visibility === 'hidden') continue;
    const cut = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
                && el.clientWidth > 0 && !['svg', 'table', 'tbody', 'tr'].includes(el.localName)
                && getComputedStyle(el).display !== 'inline';
    if ((r.right > width + 1 || r.left < -1) && !scrolls(el) || cut)
      out.push(`${el.localName}.${el.className} "${(el.textContent || '').trim().slice(0, 40)}" ` +
               `${Math.round(r.left)}..${Math.round(r.right)}${cut ? ' (content cut)' : ''}`);
  }
  return out.slice(0, 10);
}"""

#: tap targets smaller than 24 x 24 (links inside running text are exempt)
TARGETS_JS = """() => {
  const out = [];
  const inSentence = a => {
    const parent = a.parentElement; if (!parent) return false;
    return parent.textContent.trim().length > a.textContent.trim().length + 2
           && getComputedStyle(a).display === 'inline'; };
  const targets = document.querySelectorAll(
    'a[href], button, select, summary, input:not([type=hidden]), label[for]');
  for (const el of targets) {
    if (el.closest('.visually-hidden, .skip-link')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (el.localName === 'a' && inSentence(el)) continue;
    if (el.localName === 'label') {
      const input = document.getElementById(el.htmlFor);
      if (!input || !['radio', 'checkbox'].includes(input.type)) continue;
    }
    const text = (el.textContent || el.value || '').trim().slice(0, 30);
    if (r.width < 23.5 || r.height < 23.5)
      out.push(`${el.localName}.${el.className} "${text}" ` +
               `${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return out.slice(0, 10);
}"""

#: chart label heights as drawn (font size times the SVG's scale)
CHART_JS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t =>
    parseFloat(getComputedStyle(t).fontSize) * scale).filter(px => px < 11.95)
    .map(px => `${px.toFixed(1)} px`).slice(0, 1);
})"""


@pytest.fixture(scope="module")
def demo_site(template_url, backend):
    from tests.conftest import committing_app_context
    from tests.support import services

    services.need("PostgreSQL", backend == "postgresql")
    with committing_app_context(template_url, backend, LOGIN_RATE_LIMIT="100 per minute") as app:
        result = app.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        with live_server(app) as url:
            yield url


def _fill(path: str) -> str:
    return path.format(id=2, org=1, school=13)  # 13: the demo scholarship at school confirmation


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("email", list(PAGES), ids=lambda e: (e or "anonymous").split("@")[0])
def test_main_pages_fit_a_phone(browser, demo_site, email):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    try:
        if email:
            _log_in(page, demo_site, email)
        for path in PAGES[email]:
            response = page.goto(demo_site + _fill(path))
            assert response.status < 400, (path, response.status)
            for element in page.query_selector_all("details:not([open]) > summary"):
                element.click()  # folded parts are measured too
            name = f"375-{(email or 'anonymous').split('@')[0]}{path.replace('/', '-')}"
            screenshot(page, name.replace("{", "").replace("}", ""))
            problems += [f"{path}: overflow {p}" for p in page.evaluate(OVERFLOW_JS)]
            problems += [f"{path}: small target {p}" for p in page.evaluate(TARGETS_JS)]
            problems += [f"{path}: chart label {p}" for p in page.evaluate(CHART_JS)]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
