"""The bare baseline the benchmarks compare with answers what it is asked (no gunicorn here).

A template the real app changes can break the bare page: the bench then fails at start-up
(``base.html`` calling a helper only the real app defines), so the bare app is rendered here."""

from __future__ import annotations

from bench.baseline import Row, create_app, db


def test_the_bare_app_renders_the_base_template_and_inserts(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'bare.db'}")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    page = client.get("/page")
    assert page.status_code == 200, page.get_data(as_text=True)[-500:]
    assert "<main" in page.get_data(as_text=True) and "Set-Cookie" not in page.headers
    assert client.post("/insert", data={"payload": "x"}).status_code == 201
    assert client.post("/round-trips", data={"n": "3"}).status_code == 201
    with app.app_context():
        assert db.session.query(Row).count() == 2
