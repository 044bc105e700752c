def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["redis"] == "not_configured"


def test_healthz_reports_unreachable_redis(app, db_session):
    from app import create_app
    from tests.conftest import make_config
    from tests.support.services import free_port

    broken = create_app(
        make_config(
            app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"
        )
    )
    response = broken.test_client().get("/healthz")
    # degraded, not down: the load balancer keeps the node, monitoring sees the state
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["redis"] == "unreachable"


def test_healthz_reports_reachable_redis(app):
    from app import create_app
    from tests.conftest import make_config
    from tests.support import services

    services.need("Redis", services.redis_available())
    ok = create_app(
        make_config(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=services.REDIS_URL)
    )
    response = ok.test_client().get("/healthz")
    assert response.json["redis"] == "ok"
