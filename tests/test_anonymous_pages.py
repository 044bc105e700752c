"""A visitor who is not signed in: template pages start no session and touch no database."""

import sqlalchemy as sa


def statements_during(call):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        response = call()
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    return response, seen


def test_home_page_for_a_visitor_starts_no_session_and_queries_nothing(client):
    response, statements = statements_during(lambda: client.get("/"))
    assert response.status_code == 200
    assert statements == []
    assert "Set-Cookie" not in response.headers
    assert 'name="csrf_token"' not in response.get_data(as_text=True)


def test_visitor_switches_language_with_the_get_form(client, compiled_catalog):
    response, statements = statements_during(
        lambda: client.get("/bahasa?lang=en&next=/program"))
    assert response.status_code == 302 and response.headers["Location"] == "/program"
    assert statements == []
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/bahasa?lang=id&next=/")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_other_sites_and_languages(client):
    response = client.get("/bahasa?lang=xx&next=https://contoh.example/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
