from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.services import Actor
from tenants.models import ApiKey, App
from tenants.services import app_create

TEST_OPERATOR = Actor.staff("pytest")


@dataclass
class Tenant:
    app: App
    api_key: ApiKey
    raw_key: str
    client: APIClient


def _tenant(name: str) -> Tenant:
    app, api_key, raw_key = app_create(name=name, actor=TEST_OPERATOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return Tenant(app=app, api_key=api_key, raw_key=raw_key, client=client)


@pytest.fixture
def tenant(db: Any) -> Tenant:
    return _tenant("Acme CRM")


@pytest.fixture
def other_tenant(db: Any) -> Tenant:
    return _tenant("Globex Analytics")


@pytest.fixture
def api(tenant: Tenant) -> APIClient:
    return tenant.client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()
