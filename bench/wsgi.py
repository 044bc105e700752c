"""The real application for gunicorn in the benchmarks: ``gunicorn bench.wsgi:app``.

Configured from the environment like production (the runner sets DATABASE_URL, REDIS_URL, keys,
UPLOAD_DIR, and a login limit high enough for hundreds of simulated users on one address).
"""

from app import create_app

app = create_app()
