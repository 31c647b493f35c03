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


def _sample(body: str, name: str, **labels: str) -> float:
    """The value of the series `name` with exactly these labels, 0 if absent."""
    wanted = sorted(f'{key}="{value}"' for key, value in labels.items())
    for line in body.splitlines():
        series, _, value = line.rpartition(" ")
        if (
            series.startswith(name + "{")
            and sorted(series[len(name) + 1 : -1].split(",")) == wanted
        ):
            return float(value)
    return 0.0


def test_prometheus_metrics_count_requests_by_route_method_and_status(
    anonymous_client: APIClient, api: APIClient
):
    labels = {"route": "app", "method": "GET", "status": "200"}
    before = _sample(
        anonymous_client.get("/metrics").content.decode(), "http_requests_total", **labels
    )

    assert api.get("/v1/app").status_code == 200
    assert api.get("/v1/customers/cus_missing").status_code == 404
    response = anonymous_client.get("/metrics")

    assert response.status_code == 200
    body = response.content.decode()
    assert _sample(body, "http_requests_total", **labels) == before + 1
    missing = {"route": "customer-detail", "method": "GET", "status": "404"}
    assert _sample(body, "http_requests_total", **missing) >= 1
    assert _sample(body, "http_request_duration_seconds_count", route="app") >= 1
    assert "cus_missing" not in body


def test_the_suite_runs_with_the_test_settings_and_in_place_tasks():
    import os

    from config.celery import app as celery_app

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.test"
    assert celery_app.conf.task_always_eager is True
