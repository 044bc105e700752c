"""Load test on loopback: applicants through login → draft → form → upload → submit, while
reviewers decide (verify) the submitted applications. Bounded: each applicant makes one
journey, reviewers stop when every applicant is done or at the deadline."""

from __future__ import annotations

import queue
import re
import time

from bench.client import TIMEOUT, Recorder, input_value, log_in, run_threads, token_of
from bench.world import PASSWORD

#: every applicant and reviewer logs in in the same second: p95 of those logins
LOGIN_P95_MS = 3000
STEPS = ("login", "draft", "form", "upload", "submit", "review_page", "decide")
ANSWERS = {"similar_aid_this_year": "tidak", "sanitation_adequate": "tidak",
           "resident_santri": "120", "toilet_count": "4"}


def applicant(base, email, org_id, files, recorder: Recorder, submitted: queue.Queue,
              deadline: float):
    def journey():
        session = log_in(base, email, PASSWORD, recorder)
        if session is None or time.monotonic() > deadline:
            return
        token = token_of(session, base)
        started = recorder.timed("draft", lambda: session.post(
            f"{base}/portal/program/sanitren/mulai", data={"csrf_token": token,
                                                           "lembaga": org_id},
            allow_redirects=False, timeout=TIMEOUT), expect=(302,))
        found = re.search(r"/permohonan/(\d+)/", started.headers["Location"]) if started else None
        if not found:
            recorder.fail("draft: no application in the redirect")
            return
        url = f"{base}/portal/permohonan/{found.group(1)}"
        steps = (
            ("form", lambda: session.post(f"{url}/isian", data={"csrf_token": token, **ANSWERS},
                                          allow_redirects=False, timeout=TIMEOUT)),
            ("upload", lambda: session.post(
                f"{url}/dokumen", data={"csrf_token": token},
                files={f"doc-{kind}": (name, content) for kind, name, content in files},
                allow_redirects=False, timeout=TIMEOUT)),
            ("submit", lambda: session.post(f"{url}/kirim", data={"csrf_token": token},
                                            allow_redirects=False, timeout=TIMEOUT)),
        )
        for step, call in steps:
            if time.monotonic() > deadline or recorder.timed(step, call, (302,)) is None:
                return
        submitted.put(int(found.group(1)))
    return journey


def reviewer(base, email, checklist, recorder: Recorder, submitted: queue.Queue,
             deadline: float):
    def work():
        session = log_in(base, email, PASSWORD, recorder)
        if session is None:
            return
        while time.monotonic() < deadline:
            application_id = submitted.get()
            if application_id is None:
                submitted.put(None)  # let the other reviewers stop too
                return
            decide(base, session, application_id, checklist, recorder)
    return work


def decide(base, session, application_id, checklist, recorder: Recorder) -> None:
    url = f"{base}/staf/permohonan/{application_id}"
    page = recorder.timed("review_page", lambda: session.get(url, timeout=TIMEOUT), (200,))
    if page is None:
        return
    data = {"verify-csrf_token": input_value(page.text, "verify-csrf_token"),
            "verify-seen_version": input_value(page.text, "verify-seen_version"),
            **{f"verify-{name}": "y" for name in checklist}}
    recorder.timed("decide", lambda: session.post(f"{url}/aksi/verify", data=data,
                                                  allow_redirects=False, timeout=TIMEOUT),
                   (302,))


def run_load(base: str, users: dict, seconds: float) -> dict:
    recorder, submitted = Recorder(), queue.Queue()
    deadline = time.monotonic() + seconds
    journeys = [applicant(base, email, org, users["files"], recorder, submitted, deadline)
                for email, org in users["applicants"]]
    reviewers = [reviewer(base, email, users["checklist"], recorder, submitted, deadline)
                 for email in users["reviewers"]]
    started = time.perf_counter()
    import threading

    review_threads = [threading.Thread(target=r, daemon=True) for r in reviewers]
    for thread in review_threads:
        thread.start()
    run_threads(journeys, deadline)
    submitted.put(None)
    for thread in review_threads:
        thread.join(max(0.1, deadline - time.monotonic() + 30))
    elapsed = time.perf_counter() - started
    requests_made = sum(len(v) for v in recorder.latencies.values())
    return {
        "applicants": len(journeys), "reviewers": len(reviewers),
        "seconds": round(elapsed, 1), "requests": requests_made,
        "requests_per_second": round(requests_made / elapsed, 1),
        "submitted": recorder.summary("submit")["count"],
        "decided": recorder.summary("decide")["count"],
        "errors": len(recorder.errors), "error_samples": recorder.errors[:10],
        "steps": {step: recorder.summary(step) for step in STEPS},
        "login_target": f"p95 <= {LOGIN_P95_MS} ms for {len(journeys) + len(reviewers)} logins "
                        "started at once",
        "met": not recorder.errors and recorder.summary("submit")["count"] == len(journeys)
        and recorder.summary("decide")["count"] == len(journeys)
        and recorder.summary("login")["p95_ms"] <= LOGIN_P95_MS,
    }
