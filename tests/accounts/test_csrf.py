from tests.conftest import csrf_from
from tests.support.factories import PASSWORD, create_applicant


def test_login_without_csrf_token_is_refused(client, db_session):
    user = create_applicant()
    response = client.post("/masuk", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.get_data(as_text=True)


def test_foreign_csrf_token_is_refused(app, client, db_session):
    user = create_applicant()
    other = app.test_client()
    foreign = csrf_from(other, "/masuk")
    client.get("/masuk")
    response = client.post(
        "/masuk", data={"csrf_token": foreign, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 400


def test_registration_without_csrf_saves_nothing(client, db_session):
    response = client.post("/daftar", data={"full_name": "X Y Z", "email": "x@contoh.id"})
    assert response.status_code == 400
