from rest_framework.test import APIClient


def test_healthz_answers_ok(anonymous_client: APIClient):
    response = anonymous_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_the_broker(anonymous_client: APIClient, db, settings):
    response = anonymous_client.get("/readyz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    if settings.REDIS_URL:
        assert checks["broker"] == "ok"
    else:
        assert checks["broker"].startswith("in-process")


def test_readyz_reports_an_unreachable_broker(anonymous_client: APIClient, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = anonymous_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_openapi_schema_documents_the_customer_routes(anonymous_client: APIClient, db):
    response = anonymous_client.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert "/v1/customers" in schema["paths"]
    assert "/v1/customers/{id}" in schema["paths"]
    assert "ApiKeyAuth" in schema["components"]["securitySchemes"]


def test_api_docs_page_renders(anonymous_client: APIClient, db):
    response = anonymous_client.get("/api/docs/")

    assert response.status_code == 200
    assert b"redoc" in response.content.lower()


def test_prometheus_metrics_are_exposed(anonymous_client: APIClient, db):
    response = anonymous_client.get("/metrics")

    assert response.status_code == 200
    assert b"django_http_requests_total" in response.content


def test_the_suite_runs_with_the_test_settings_and_in_place_tasks():
    import os

    from config.celery import app as celery_app

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.test"
    assert celery_app.conf.task_always_eager is True
