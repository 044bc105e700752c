"""Profile the submit request in-process with pyinstrument (not a benchmark; a diagnosis).

    .venv/bin/python -m bench.profile_submit [--count 40] [--html out.html] [--what draft]

``--what draft`` profiles the form save (``/isian``) instead, ``--what page`` the home page as a
visitor who is not signed in. The statements of one request are printed first.
"""

from __future__ import annotations

import argparse
import re

import sqlalchemy as sa
from pyinstrument import Profiler

from bench.load import ANSWERS
from bench.world import PASSWORD, BenchDatabase, open_sanitren, submit_drafts

REQUESTS = {
    "submit": lambda client, token, a: client.post(f"/portal/permohonan/{a}/kirim",
                                                   data={"csrf_token": token}),
    "draft": lambda client, token, a: client.post(f"/portal/permohonan/{a}/isian",
                                                  data={"csrf_token": token, **ANSWERS}),
    "page": lambda client, token, a: client.get("/"),
}


def statements_of(app, call) -> list[str]:
    from app.extensions import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--html")
    parser.add_argument("--what", choices=sorted(REQUESTS), default="submit")
    args = parser.parse_args()
    with BenchDatabase() as database:
        app = database.app
        open_sanitren(app)
        [(email, ids)] = submit_drafts(app, 1, args.count)
        client = app.test_client()
        page = client.get("/masuk").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/masuk", data={"csrf_token": token, "email": email, "password": PASSWORD})
        page = client.get("/").get_data(as_text=True)  # the login rotated the session
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        request = REQUESTS[args.what]
        visitor = app.test_client()
        first, *ids = ids
        for statement in statements_of(app, lambda: request(
                visitor if args.what == "page" else client, token, first)):
            print("SQL:", " ".join(statement.split())[:160])
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for application_id in ids:
            response = request(visitor if args.what == "page" else client, token,
                               application_id)
            assert response.status_code in (200, 302), response.status_code
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        if args.html:
            with open(args.html, "w") as handle:
                handle.write(profiler.output_html())


if __name__ == "__main__":
    main()
