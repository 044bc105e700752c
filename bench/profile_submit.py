"""Profile the submit request in-process with pyinstrument (not a benchmark; a diagnosis).

    .venv/bin/python -m bench.profile_submit [--count 40] [--html out.html]
"""

from __future__ import annotations

import argparse
import re

from pyinstrument import Profiler

from bench.world import PASSWORD, BenchDatabase, open_sanitren, submit_drafts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--html")
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
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for application_id in ids:
            response = client.post(f"/portal/permohonan/{application_id}/kirim",
                                   data={"csrf_token": token})
            assert response.status_code == 302, response.status_code
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        if args.html:
            with open(args.html, "w") as handle:
                handle.write(profiler.output_html())


if __name__ == "__main__":
    main()
