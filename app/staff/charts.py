"""Charts drawn on the server as inline SVG: no JavaScript, no external service, CSP-safe.

Colours are presentation attributes (not ``style``), so the strict ``style-src 'self'`` holds.
Each chart is an ``role="img"`` with a title and a description; the page shows the same numbers
in a table for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count

from markupsafe import Markup

BAR = "#00695c"
BAR_ALT = "#b45309"
TRACK = "#e3f1ee"
TEXT = "#1b1f23"
ROW = 26
LABEL_W = 170
WIDTH = 480
_ids = count(1)


def _fmt_default(value: int) -> str:
    return f"{value:,}".replace(",", ".")


SVG_OPEN = Markup(
    '<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
    'aria-labelledby="chart-{n}-t chart-{n}-d" xmlns="http://www.w3.org/2000/svg" '
    'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="14">'
    '<title id="chart-{n}-t">{title}</title><desc id="chart-{n}-d">{desc}</desc>'
)
LABEL = Markup('<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{fill}">{text}</text>')
RECT = Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"{extra}/>')


def _frame(height: int, title: str, desc: str, body: list[Markup]) -> Markup:
    """Every value goes through ``Markup.format``, which escapes it."""
    head = SVG_OPEN.format(width=WIDTH, height=height, n=next(_ids), title=title, desc=desc)
    box = Markup('<div class="chart-box" tabindex="0">')  # scrolls on a phone: keyboard-reachable
    return box + head + Markup("").join(body) + Markup("</svg></div>")


def _text(x: int, y: int, text: str, anchor: str = "start") -> Markup:
    return LABEL.format(x=x, y=y, anchor=anchor, fill=TEXT, text=text)


def _rect(x: int, y: int, w: int, h: int, fill: str, stroke: str | None = None) -> Markup:
    extra = Markup(' stroke="{}"').format(stroke) if stroke else Markup("")
    return RECT.format(x=x, y=y, w=w, h=h, fill=fill, extra=extra)


def bar_chart(
    items: Sequence[tuple[str, int]],
    title: str,
    *,
    fmt: Callable[[int], str] = _fmt_default,
    secondary: Sequence[int] | None = None,
) -> Markup:
    """Horizontal bars, one per (label, value); ``secondary`` draws a second, thinner bar."""
    top = max([v for _, v in items] + list(secondary or []) + [1])
    span = WIDTH - LABEL_W - 60
    body: list[Markup] = []
    for i, (label, value) in enumerate(items):
        y = i * ROW + 4
        width = round(span * value / top)
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(_text(LABEL_W - 8, y + 15, short, anchor="end"))
        body.append(_rect(LABEL_W, y + 2, span, 18, TRACK))
        body.append(_rect(LABEL_W, y + 2, width, 18, BAR))
        if secondary is not None:
            body.append(_rect(LABEL_W, y + 14, round(span * secondary[i] / top), 6, BAR_ALT))
        body.append(_text(LABEL_W + width + 6, y + 15, fmt(value)))
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in items)
    return _frame(max(len(items), 1) * ROW + 8, title, desc, body)


def progress_bar(
    used: int, total: int | None, title: str, *, fmt: Callable[[int], str] = _fmt_default
) -> Markup:
    """One bar: ``used`` of ``total`` (e.g. budget reserved against the ceiling)."""
    total = total or 0
    share = min(used / total, 1) if total else 0
    width = round((WIDTH - 2) * share)
    text = f"{fmt(used)} / {fmt(total)} ({round(share * 100)}%)"
    body = [
        _rect(1, 1, WIDTH - 2, 28, TRACK, stroke=BAR),
        _rect(1, 1, width, 28, BAR),
        _text(4, 48, text),
    ]
    return _frame(56, title, text, body)
