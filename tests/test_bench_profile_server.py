"""The server profile's arithmetic: py-spy's collapsed stacks → milliseconds per request."""

from __future__ import annotations

from bench.profile_server import analyse, frame_name

WORKER = ('process 11:"python -m gunicorn";Thread.run (threading.py:982);'
          "ThreadWorker.handle (/v/lib/python3.11/site-packages/gunicorn/workers/gthread.py:553);"
          "Flask.wsgi_app (/v/lib/python3.11/site-packages/flask/app.py:1511);"
          "Flask.full_dispatch_request (/v/lib/python3.11/site-packages/flask/app.py:917)")
SESSION = (";_before_request (/work/main/app/web.py:98);"
           "load_session_user (/work/main/app/accounts/sessions.py:48)")
VIEW = (";Flask.dispatch_request (/v/lib/python3.11/site-packages/flask/app.py:902);"
        "form_step (/checkout/app/portal/apply_views.py:140)")
AUDIT = (";update_answers (/checkout/app/applications/operations.py:131);"
         "record (/checkout/app/audit/operations.py:120)")


def test_library_frames_keep_their_package_and_ours_their_package_path():
    assert frame_name("run (/v/lib/python3.11/site-packages/gunicorn/app/base.py:72)") == (
        "run", "lib:gunicorn/app/base.py")
    assert frame_name("record (/any/clone/app/audit/operations.py:120)") == (
        "record", "app/audit/operations.py")
    assert frame_name("<module> (<frozen runpy>)") == ("<module>", "<frozen runpy>")


def test_samples_become_milliseconds_per_request_by_part_and_function():
    lines = [f"{WORKER}{SESSION} 50", f"{WORKER}{VIEW}{AUDIT} 30",
             f"{WORKER}{VIEW};update_answers (/c/app/applications/operations.py:120) 20",
             f"{WORKER} 10", 'process 10:"gunicorn master";Arbiter.run (x.py:1) 5', "garbage"]
    result = analyse(lines, requests=10, rate=100)
    # 115 samples at 100 per second over 10 requests: 115 ms
    assert result["gil_ms"] == 115.0
    assert result["parts_ms"] == {
        "session user (Flask-Login loader)": 50.0, "view: audit event": 30.0,
        "view: save": 20.0, "Flask and extensions around the view": 10.0,
        "idle loop, master": 5.0}
    functions = result["app_functions_ms"]
    assert functions["form_step (app/portal/apply_views.py)"] == 50.0
    assert functions["record (app/audit/operations.py)"] == 30.0
    assert functions["update_answers (app/applications/operations.py)"] == 50.0
    assert not any("lib:" in name for name in functions)
