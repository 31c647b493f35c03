"""The one place the tests build state: every helper a test module or conftest shares lives here
(one module for the whole suite, not one per app), so no test module imports from another.
Apart only: tests/stripe_emulator/raw_http.py, for the emulator's tests that run without Django,
and tests/billing/ledger_provider.py, a provider the registry tests plug in.

State is built through the API (`/v1/…` with a tenant's client, as an app would) or through the
public services, never as ORM rows. The `customer_make`, `plan_make`, `metric_make` and
`subscribe` helpers each have one signature: the tenant's `APIClient` first, then keywords.
Tests of services that take models (grace, the admin) use the `*_record` helpers, which call the
same services with an `App` and answer the model: one helper per object, one signature each.

`OBJECT_FACTORIES` makes one object of each tenant-owned model that a `/v1/` route points at,
for the cross-tenant walk; a new resource adds its model there, or that test fails and says so."""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import requests
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from djstripe.models import WebhookEndpoint
from rest_framework.test import APIClient

from audit.services import audit_event_record
from backoffice.services import app_create
from billing import clocks
from billing.checkout import checkout_session_create
from billing.coupons import coupon_create, promotion_code_create
from billing.credits import credit_grant_create
from billing.invoices import invoice_sync_from_provider
from billing.models import CreditGrant, Customer, Subscription
from billing.payments import payment_create, refund_create
from billing.providers.base import SubscriptionResult
from billing.providers.base import SubscriptionStatus as ProviderSubscriptionStatus
from billing.providers.stripe import stripe_client
from billing.services import customer_create
from billing.stripe_account import stripe_webhook_path
from billing.subscription_webhook_sync import subscription_sync_from_provider
from billing.subscriptions import subscription_create
from catalog.features import feature_create
from catalog.metrics import metric_create
from catalog.models import Metric, Plan
from catalog.services import plan_create
from grace.models import GracePeriod, GraceReason
from grace.services import grace_period_open
from notifications.models import AppEvent, WebhookDelivery, WebhookDeliveryStatus
from notifications.services import webhook_endpoint_create
from stripe_emulator.server import EmulatorServer
from tenants.actors import STRIPE, SYSTEM, Actor
from tenants.models import ApiKey, App
from usage.alerts import usage_alert_create
from usage.overrides import entitlement_override_create

FACTORY_ACTOR = Actor.staff("factory")
TEST_OPERATOR = Actor.staff("pytest")
OPERATOR = Actor.staff("admin-tests")

# A fixed instant for the grace tests' windows and expiries.
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# Where the end-to-end tests' test clocks start.
CLOCK_START = datetime(2030, 1, 1, tzinfo=UTC)

DAY_SECONDS = 86_400

PRO_PLAN = {
    "code": "pro",
    "name": "Pro",
    "currency": "usd",
    "base": {"amount": 2000, "interval": "month"},
    "trial_period_days": 14,
}

# Nothing listens there: the emulator's own deliveries fail fast, and the tests deliver.
UNREACHABLE_BASE_URL = "http://127.0.0.1:9"


# Tenants: an app and its key, as `manage.py create_app` makes them.


@dataclass
class Tenant:
    app: App
    api_key: ApiKey
    raw_key: str
    client: APIClient


def tenant_make(name: str) -> Tenant:
    app, api_key, raw_key = app_create(name=name, actor=TEST_OPERATOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return Tenant(app=app, api_key=api_key, raw_key=raw_key, client=client)


def multiple_subscriptions_allow(tenant: Tenant) -> None:
    """Lets the app's customers hold several live subscriptions, as an operator ticks
    `allow_multiple_subscriptions` on the app's admin page (no API sets it)."""
    tenant.app.allow_multiple_subscriptions = True
    tenant.app.save(update_fields=["allow_multiple_subscriptions", "updated_at"])


# Catalog, customers and subscriptions, through the API.


def plan_make(api: APIClient, code: str = "pro", **fields: Any) -> dict[str, Any]:
    body = {
        "code": code,
        "name": code.title(),
        "currency": "usd",
        "base": {"amount": 2000, "interval": "month"},
        **fields,
    }
    response = api.post("/v1/plans", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def metric_make(
    api: APIClient, code: str = "api_calls", *, aggregation: str = "sum", unit: str = ""
) -> dict[str, Any]:
    body = {
        "code": code,
        "name": code.replace("_", " ").title(),
        "aggregation": aggregation,
        "unit": unit,
    }
    response = api.post("/v1/metrics", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def customer_make(
    api: APIClient, *, external_id: str = "user-1", payment_method: str | None = "pm_card_visa"
) -> dict[str, Any]:
    body: dict[str, Any] = {"external_id": external_id}
    if payment_method:
        body["payment_method"] = payment_method
    response = api.post("/v1/customers", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def subscribe(
    api: APIClient, customer: dict, plan: dict, idempotency_key: str | None = None, **fields: Any
) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    return api.post(
        "/v1/subscriptions",
        {"customer": customer["id"], "plan": plan["id"], **fields},
        format="json",
        **headers,
    )


def subscription_make(
    api: APIClient,
    customer: dict[str, Any],
    *,
    plan: dict[str, Any] | None = None,
    quotas: dict[str, int] | None = None,
    included: dict[str, int] | None = None,
    grace_period_days: int = 7,
    code: str = "pro",
    status: str | None = None,
    period_start: datetime | None = None,
    period_end: datetime | None = None,
) -> Subscription:
    """`customer`'s subscription through `POST /v1/subscriptions` (Stripe is the emulator), to
    `plan` or else a new monthly plan `code` with `quotas` and a metered component (unit amount 1)
    with each metric's `included` quantity.

    Then its `status` (default: what Stripe answered) and its current period (default: began a
    day ago, so events of the last hours count in it; `period_end` 30 days after
    `period_start`), which Stripe's own clock cannot give now, are applied as Stripe's webhooks
    apply them, through `subscription_sync_from_provider`."""
    if plan is None:
        plan = plan_make(
            api,
            code,
            quotas=quotas or {},
            grace_period_days=grace_period_days,
            metered=[
                {"metric": metric, "unit_amount": 1, "included_quantity": quantity}
                for metric, quantity in (included or {}).items()
            ],
        )
    response = subscribe(api, customer, plan)
    assert response.status_code == 201, response.content
    subscription = Subscription.objects.all_tenants().get(pk=response.json()["id"])
    return subscription_state_apply(
        subscription, status=status, period_start=period_start, period_end=period_end
    )


def subscription_state_apply(
    subscription: Subscription,
    *,
    status: str | None = None,
    period_start: datetime | None = None,
    period_end: datetime | None = None,
) -> Subscription:
    """Applies a `status` (default: the one held) and a current period (default: began a day
    ago; `period_end` 30 days after `period_start`) as Stripe's webhooks apply them."""
    period_start = period_start or timezone.now() - timedelta(days=1)
    subscription_sync_from_provider(
        result=SubscriptionResult(
            status=ProviderSubscriptionStatus(status or subscription.status),
            provider_reference=subscription.provider_subscription_id,
            trial_end=subscription.trial_end,
            current_period_start=period_start,
            current_period_end=period_end or period_start + timedelta(days=30),
            cancel_at_period_end=subscription.cancel_at_period_end,
            canceled_at=subscription.canceled_at,
        ),
        provider_state_at=timezone.now(),
        metadata={},
    )
    subscription.refresh_from_db()
    return subscription


def trial_subscription_make(
    api: APIClient, *, card: str = "pm_card_visa", grace_period_days: int = 7
) -> dict[str, Any]:
    plan = plan_make(api, trial_period_days=3, grace_period_days=grace_period_days)
    customer = customer_make(api, payment_method=card)
    subscription = subscribe(api, customer, plan).json()
    assert subscription["status"] == "trialing"
    return subscription


# The same objects as models, through the services, for tests of services that take models.


def customer_record(app: App, external_id: str = "user-1", **fields: str) -> Customer:
    return customer_create(app=app, actor=OPERATOR, external_id=external_id, **fields)


def metric_record(app: App, code: str = "api_calls") -> Metric:
    return metric_create(app=app, actor=OPERATOR, code=code, name=code.replace("_", " ").title())


def plan_record(
    app: App,
    code: str = "pro",
    *,
    amount: int = 2900,
    interval: str = "month",
    currency: str = "usd",
    grace_period_days: int = 7,
) -> Plan:
    return plan_create(
        app=app,
        actor=OPERATOR,
        code=code,
        name=code.title(),
        currency=currency,
        grace_period_days=grace_period_days,
        base={"amount": amount, "interval": interval, "interval_count": 1},
    )


def subscription_record(
    app: App, customer: Customer, plan: Plan, status: str | None = None
) -> Subscription:
    """`customer` subscribed to `plan` through the service (Stripe is the emulator), paying with
    `pm_card_visa`; then `status` (default: what Stripe answered) applied as Stripe's webhooks
    apply it."""
    subscription = subscription_create(
        app=app, actor=OPERATOR, customer=customer.pk, plan=plan.pk, payment_method="pm_card_visa"
    )
    return subscription_state_apply(subscription, status=status)


def past_due_subscription_record(
    app: App, customer: Customer, *, grace_period_days: int = 7, code: str = "pro"
) -> Subscription:
    """A subscription whose renewal failed: a new plan `code` with `grace_period_days`, the
    subscription then `past_due` as Stripe's webhooks report it."""
    plan = plan_record(app, code, grace_period_days=grace_period_days)
    return subscription_record(app, customer, plan, status="past_due")


# Grace periods, opened as billing's and usage's reactions open them.


def payment_failed_open(
    app: App, subscription: Subscription, **options: Any
) -> tuple[GracePeriod, bool]:
    return grace_period_open(
        app=app,
        actor=STRIPE,
        customer=subscription.customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
        **options,
    )


def over_quota_open(
    app: App, customer: Customer, metric: Metric, **options: Any
) -> tuple[GracePeriod, bool]:
    return grace_period_open(
        app=app,
        actor=SYSTEM,
        customer=customer,
        reason=GraceReason.OVER_QUOTA,
        metric=metric,
        **options,
    )


# Usage events, as an app reports them.


def now_utc() -> datetime:
    return datetime.now(UTC)


def event(
    event_id: str,
    *,
    customer: str = "user-1",
    metric: str = "api_calls",
    quantity: Any = 1,
    timestamp: datetime | str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event_id,
        "customer": customer,
        "metric": metric,
        "quantity": quantity,
    }
    if timestamp is not None:
        body["timestamp"] = (
            timestamp.isoformat().replace("+00:00", "Z")
            if isinstance(timestamp, datetime)
            else timestamp
        )
    return body


# The app's webhook endpoints, through the API.


def endpoint_create(
    client: APIClient, *, url: str, enabled_events: list[str] | None = None, **fields: Any
) -> dict[str, Any]:
    response = client.post(
        "/v1/webhook-endpoints",
        {"url": url, "enabled_events": enabled_events or ["*"], **fields},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def deliveries_of(client: APIClient, endpoint_id: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries{query}")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def failed_delivery_record(app: App, *, error: str = "HTTP 500 from the app") -> WebhookDelivery:
    """A delivery that gave up, as a row: reaching that state for real takes the retry
    schedule's days."""
    endpoint = webhook_endpoint_create(
        app=app, actor=OPERATOR, url="https://receiver.example/hooks", enabled_events=["*"]
    )
    event = AppEvent.objects.create(app=app, event_type="payment.failed", data={"id": "pay_x"})
    return WebhookDelivery.objects.create(
        app=app,
        endpoint=endpoint,
        event=event,
        status=WebhookDeliveryStatus.FAILED,
        attempt_count=8,
        last_response_status=500,
        last_error=error,
    )


# What Stripe (the emulator) holds and sends.


def stripe_subscriptions(stripe: EmulatorServer) -> list[dict[str, Any]]:
    return [obj for obj in stripe.state.objects.values() if obj.get("object") == "subscription"]


def stripe_items(stripe: EmulatorServer, subscription_id: str) -> list[dict[str, Any]]:
    return [
        obj
        for obj in stripe.state.objects.values()
        if obj.get("object") == "subscription_item" and obj["subscription"] == subscription_id
    ]


def events_of(stripe: EmulatorServer, event_type: str, object_id: str) -> list[dict[str, Any]]:
    return [
        event
        for event in stripe.events(event_type)
        if event["data"]["object"]["id"] == object_id
        or (event["data"]["object"].get("parent") or {})
        .get("subscription_details", {})
        .get("subscription")
        == object_id
    ]


def signature_header(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """`Stripe-Signature` as Stripe makes it: HMAC-SHA256 of `t.body` with the endpoint secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def deliver(
    endpoint: WebhookEndpoint,
    event: dict[str, Any],
    *,
    secret: str | None = None,
    timestamp: int | None = None,
) -> Any:
    """Delivers `event` signed to dj-stripe's endpoint through Django's test client."""
    body = json.dumps(event).encode()
    header = signature_header(body, secret or endpoint.secret, timestamp)
    return Client().post(
        stripe_webhook_path(endpoint),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def settle(stripe: EmulatorServer) -> None:
    """Waits until the emulator has delivered every webhook (and each has been answered)."""
    assert stripe.wait_for_webhooks(timeout_seconds=30), "webhook deliveries did not finish"
    failed = [delivery for delivery in stripe.webhook_deliveries() if not delivery["succeeded"]]
    assert failed == [], f"webhooks our endpoint did not accept: {failed}"


class Clocked:
    """A test clock of the app, moved through our API as an app moves one on real Stripe: the
    end-to-end tests put their customers on one instead of moving the emulator's own clock."""

    def __init__(self, tenant: Tenant, stripe: EmulatorServer) -> None:
        self.tenant, self.stripe = tenant, stripe
        response = tenant.client.post(
            "/v1/test-clocks", {"frozen_time": _iso(CLOCK_START)}, format="json"
        )
        assert response.status_code == 201, response.content
        self.clock = response.json()

    def customer(
        self, *, external_id: str = "user-1", payment_method: str = "pm_card_visa"
    ) -> dict[str, Any]:
        response = self.tenant.client.post(
            "/v1/customers",
            {
                "external_id": external_id,
                "payment_method": payment_method,
                "test_clock": self.clock["id"],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    def now(self) -> int:
        return int(datetime.fromisoformat(self.clock["frozen_time"]).timestamp())

    def advance(self, seconds: int) -> None:
        target = datetime.fromtimestamp(self.now() + seconds, tz=UTC)
        response = self.tenant.client.post(
            f"/v1/test-clocks/{self.clock['id']}/advance",
            {"frozen_time": _iso(target)},
            format="json",
        )
        assert response.status_code == 200, response.content
        settle(self.stripe)
        self.clock = self.tenant.client.get(f"/v1/test-clocks/{self.clock['id']}").json()
        assert self.clock["status"] == "ready"
        assert self.clock["frozen_time"] == _iso(target)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def signed_post(
    base_url: str,
    endpoint: WebhookEndpoint,
    body: bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
) -> requests.Response:
    """POSTs `body` to our endpoint over HTTP with a `Stripe-Signature` built as Stripe builds it:
    HMAC-SHA256 of `t.body` with the endpoint's secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        (secret or endpoint.secret).encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return requests.post(
        base_url + stripe_webhook_path(endpoint),
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": f"t={timestamp},v1={digest}",
        },
        timeout=30,
    )


def event_body(event: dict[str, Any]) -> bytes:
    return json.dumps(event, indent=2).encode()


# The provider's hosted checkout page, as a customer's browser submits it.

CHECKOUT_SUCCESS_URL = "https://app.example/thanks?session={CHECKOUT_SESSION_ID}"


def checkout_page_submit(url: str, card_number: str) -> requests.Response:
    """Types a test card number into the hosted page's form and submits it (no redirect
    followed: the answer is the page, or the 303 to the success URL)."""
    return requests.post(
        url,
        data={"card_number": card_number, "card_expiry": "12 / 34", "card_cvc": "123"},
        allow_redirects=False,
        timeout=30,
    )


def checkout_page_authenticate(url: str, *, succeed: bool = True) -> requests.Response:
    """Answers the page's 3-D Secure challenge as the customer would."""
    return requests.post(
        url + "/authenticate",
        data={"decision": "complete" if succeed else "fail"},
        allow_redirects=False,
        timeout=30,
    )


# The `/v1/` routes that take an id, for the walks over every route.


def _v1_routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _v1_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append((prefix + str(pattern.pattern), pattern.callback))
    return [(route, callback) for route, callback in routes if route.lstrip("^").startswith("v1/")]


def routes_with_ids() -> list[tuple[str, Any]]:
    return [
        (route, callback)
        for route, callback in _v1_routes(get_resolver().url_patterns)
        if "<pk>" in route or "(?P<pk>" in route
    ]


def route_fill(route: str, object_id: str) -> str:
    path = route.replace("(?P<pk>[^/.]+)", object_id).replace("<pk>", object_id)
    path = path.replace("(?P<metric>[^/.]+)", "api_calls").replace("<metric>", "api_calls")
    path = path.replace("(?P<payment_method_id>[^/.]+)", "pm_card_visa")
    # /customers/{id}/entitlement-overrides/{override}: the customer is another app's, so no
    # override of it is reachable whatever the id (tests/usage/test_entitlements_features*.py
    # also walks another app's override under one's own customer).
    path = path.replace("(?P<override>[^/.]+)", "eo_missing")
    if "(?P<credit_grant_id>" in path:
        grant = CreditGrant.objects.all_tenants().filter(customer_id=object_id).first()
        path = path.replace("(?P<credit_grant_id>[^/.]+)", grant.pk if grant else "cg_missing")
    return "/" + path.replace("^", "").replace("$", "")


# One object of each tenant-owned model behind a `/v1/` id route, through the services.


class FactoryAuditAction(StrEnum):
    """Test-only action types: no service records them."""

    FACTORY = "FACTORY"


def customer_factory(app: App) -> Any:
    # /customers/{id}/entitlements/{metric} is walked with the metric `api_calls`, and
    # /customers/{id}/credit-grants/{grant} with the customer's own grant.
    metric_create(app=app, actor=FACTORY_ACTOR, code="api_calls", name="API calls")
    customer = customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-customer")
    credit_grant_create(
        app=app, actor=FACTORY_ACTOR, customer_reference=customer.pk, amount=100, currency="usd"
    )
    return customer


def credit_grant_factory(app: App) -> Any:
    customer = customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-credited")
    return credit_grant_create(
        app=app, actor=FACTORY_ACTOR, customer_reference=customer.pk, amount=500, currency="usd"
    )


def test_clock_factory(app: App) -> Any:
    return clocks.test_clock_create(
        app=app, actor=FACTORY_ACTOR, frozen_time=datetime(2030, 1, 1, tzinfo=UTC)
    )


def audit_event_factory(app: App) -> Any:
    with transaction.atomic():
        return audit_event_record(
            app=app,
            actor=FACTORY_ACTOR,
            action_type=FactoryAuditAction.FACTORY,
            target_type="nothing",
        )


def webhook_endpoint_factory(app: App) -> Any:
    return webhook_endpoint_create(
        app=app, actor=FACTORY_ACTOR, url="https://factory.example/hooks", enabled_events=["*"]
    )


def grace_period_factory(app: App) -> Any:
    customer = customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-grace-customer")
    grace_period, _ = grace_period_open(
        app=app, actor=FACTORY_ACTOR, customer=customer, reason=GraceReason.PAYMENT_FAILED
    )
    return grace_period


def plan_factory(app: App) -> Any:
    return plan_create(
        app=app,
        actor=FACTORY_ACTOR,
        code="factory-plan",
        name="Factory plan",
        currency="usd",
        base={"amount": 1000, "interval": "month", "interval_count": 1},
    )


def metric_factory(app: App) -> Any:
    return metric_create(app=app, actor=FACTORY_ACTOR, code="factory_metric", name="Factory metric")


def payment_factory(app: App) -> Any:
    customer = customer_create(
        app=app, actor=FACTORY_ACTOR, external_id="factory-payer", payment_method="pm_card_visa"
    )
    return payment_create(
        app=app, actor=FACTORY_ACTOR, customer=customer.pk, amount=1000, currency="usd"
    )


def refund_factory(app: App) -> Any:
    payment = payment_factory(app)
    return refund_create(app=app, actor=FACTORY_ACTOR, payment_id=payment.pk, amount=100)


def subscription_factory(app: App) -> Any:
    customer = customer_create(
        app=app,
        actor=FACTORY_ACTOR,
        external_id="factory-subscriber",
        payment_method="pm_card_visa",
    )
    plan = plan_create(
        app=app,
        actor=FACTORY_ACTOR,
        code="factory-subscription-plan",
        name="Factory subscription plan",
        currency="usd",
        base={"amount": 1000, "interval": "month", "interval_count": 1},
    )
    return subscription_create(app=app, actor=FACTORY_ACTOR, customer=customer.pk, plan=plan.pk)


def usage_alert_factory(app: App) -> Any:
    metric = metric_create(
        app=app, actor=FACTORY_ACTOR, code="factory_alerted_metric", name="Factory alerted"
    )
    return usage_alert_create(
        app=app, actor=FACTORY_ACTOR, metric=metric.code, threshold={"percent_of_quota": 80}
    )


def feature_factory(app: App) -> Any:
    return feature_create(
        app=app, actor=FACTORY_ACTOR, code="factory_feature", name="Factory", type="boolean"
    )


def entitlement_override_factory(app: App) -> Any:
    customer = customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-overridden")
    feature = feature_create(
        app=app, actor=FACTORY_ACTOR, code="factory_overridden", name="Factory", type="static"
    )
    return entitlement_override_create(
        app=app, actor=FACTORY_ACTOR, customer_reference=customer.pk, feature=feature.code, value=5
    )


def checkout_session_factory(app: App) -> Any:
    return checkout_session_create(
        app=app,
        actor=FACTORY_ACTOR,
        mode="setup",
        external_id="factory-checkout-customer",
        success_url="https://factory.example/done",
    )


def invoice_factory(app: App) -> Any:
    """The first invoice of a subscription, mirrored as its webhook would mirror it."""
    subscription = subscription_factory(app)
    [invoice] = (
        stripe_client()
        .v1.invoices.list({"subscription": subscription.provider_subscription_id})
        .data
    )
    return invoice_sync_from_provider(
        invoice_object={"id": invoice.id, "customer": invoice.customer}
    )


def coupon_factory(app: App) -> Any:
    return coupon_create(app=app, actor=FACTORY_ACTOR, percent_off=Decimal(10), duration="once")


def promotion_code_factory(app: App) -> Any:
    return promotion_code_create(
        app=app, actor=FACTORY_ACTOR, coupon=coupon_factory(app).pk, code="FACTORY"
    )


OBJECT_FACTORIES: dict[str, Callable[[App], Any]] = {
    "catalog.Metric": metric_factory,
    "billing.Customer": customer_factory,
    "catalog.Plan": plan_factory,
    "billing.Payment": payment_factory,
    "billing.Refund": refund_factory,
    "billing.CreditGrant": credit_grant_factory,
    "billing.Subscription": subscription_factory,
    "audit.AuditEvent": audit_event_factory,
    "grace.GracePeriod": grace_period_factory,
    "notifications.WebhookEndpoint": webhook_endpoint_factory,
    "billing.TestClock": test_clock_factory,
    "usage.UsageAlert": usage_alert_factory,
    "billing.CheckoutSession": checkout_session_factory,
    "billing.Invoice": invoice_factory,
    "catalog.Feature": feature_factory,
    "usage.EntitlementOverride": entitlement_override_factory,
    "billing.Coupon": coupon_factory,
    "billing.PromotionCode": promotion_code_factory,
}
