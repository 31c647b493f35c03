"""One app per payment provider, behind the same API: the `paying_tenant` fixture (tests/
conftest.py) runs a test once with a Stripe app and once with a PayPal app, so the guarantees
the API makes for payments and subscriptions (idempotency under retries, outages injected at
the provider's emulator, webhooks duplicated and reordered, cross-app 404, audit) are asserted
once, for both: tests/billing/test_payment_guarantees.py and test_subscription_guarantees.py.

Each `PayingTenant` absorbs what legitimately differs between providers and nothing else:

- `customer()` makes a customer who can pay (Stripe: a saved test card; PayPal: none needed,
  the payer approves each order), `declining_customer()` one whose payment is declined,
  `acting_customer()` one whose payment waits on them (Stripe: a 3-D Secure card paid with a
  `return_url`; PayPal: any payer), `saved_customer()` one with a saved payment method to
  charge off session (Stripe: the card saved with the customer; PayPal: a payer vaulted by
  approving a first payment), `bare_customer()` one with nothing saved.
- `pay()` posts `/v1/payments` with what the provider needs (PayPal: a `return_url`);
  `complete()` does what the customer does next (PayPal: approves the order on the emulator's
  page by posting its form over HTTP) and delivers the provider's webhooks to our endpoint;
  `paid()` is both, checked to have succeeded.
- `plan()` makes a fixed-price monthly plan with a trial (all PayPal's plans can be);
  `subscriber()` a customer who can subscribe (Stripe: a test card, on the app's test clock
  so that renewals can be run); `subscription_post()` posts `/v1/subscriptions` (PayPal: with
  a `return_url`), `subscription_complete()` does what the subscriber does next (PayPal:
  approves the subscription on the emulator's page over HTTP) and delivers the new webhooks;
  `subscribe()` is both. `renew_failing()` makes the next payment fall due and be declined
  (Stripe: the card switched to a failing one and the test clock moved past the period's end;
  PayPal: the payer set to decline and the emulator's clock moved to the next billing),
  `renew_paying()` has what is due paid (Stripe: the open renewal invoice paid with a working
  card; PayPal: the payer pays again at the next cycle); `subscriptions_at_provider()`,
  `subscription_create_keys()` and `ended_at_provider()` read the provider's side.
- `outage()` makes the provider's emulator fail every call (more than the SDKs' own retries);
  `events()`, `deliver()` sign and post the provider's events to our endpoint again, as a
  provider's redelivery does (`deliver_fresh()` those not delivered yet);
  `payments_at_provider()` / `refunds_at_provider()` count what the provider made;
  `refund_at_provider()` refunds there, not through us.

Webhooks reach our endpoints in-process (Django's test client), signed as each emulator signs
them; the emulators' own deliveries go nowhere (`UNREACHABLE_BASE_URL`), so a test decides
when, how often and in which order each event arrives.

To parametrise another suite the same way, add its verbs to both classes with the provider
differences inside, and write the tests against `paying_tenant` only; a test of something one
provider cannot do stays in that provider's own module (tests/billing/test_paypal_*.py,
test_payments_api.py, test_subscriptions_*.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import requests
from django.core.management import call_command
from django.test import Client
from djstripe.models import WebhookEndpoint
from rest_framework.test import APIClient

from billing.providers.stripe import stripe_client
from billing.stripe_account import stripe_account_setup
from paypal_emulator.api import canonical
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from paypal_emulator.subscriptions import clock_now
from stripe_emulator.server import EmulatorServer
from tenants.models import ApiKey, App
from tests.factories import UNREACHABLE_BASE_URL, Tenant, deliver, tenant_make
from tests.stripe_emulator.raw_http import raw_request

RETURN_URL = "https://shop.example/orders/42/paid"
PROVIDERS = ("stripe", "paypal")
# More failed calls than the SDKs retry on their own: the request itself gives up.
OUTAGE_CALLS = 20


class PayingTenant:
    provider: str
    tenant: Tenant

    @property
    def client(self) -> APIClient:
        return self.tenant.client

    @property
    def app(self) -> App:
        return self.tenant.app

    def _customer(self, external_id: str, **fields: Any) -> str:
        response = self.client.post(
            "/v1/customers", {"external_id": external_id, **fields}, format="json"
        )
        assert response.status_code == 201, response.content
        return str(response.json()["id"])

    def customer(self, external_id: str = "payer") -> str:
        raise NotImplementedError

    def declining_customer(self, external_id: str = "declined-payer") -> str:
        raise NotImplementedError

    def acting_customer(self, external_id: str = "acting-payer") -> str:
        raise NotImplementedError

    def saved_customer(self, external_id: str = "saved-payer") -> str:
        raise NotImplementedError

    def bare_customer(self, external_id: str = "bare-payer") -> str:
        return self._customer(external_id)

    def payment_body(
        self, customer: str, amount: int = 2000, currency: str = "usd", **extra: Any
    ) -> dict[str, Any]:
        return {"customer": customer, "amount": amount, "currency": currency, **extra}

    def pay(self, customer: str, amount: int = 2000, currency: str = "usd", **headers: Any) -> Any:
        return self.client.post(
            "/v1/payments", self.payment_body(customer, amount, currency), format="json", **headers
        )

    def complete(self, payment: dict[str, Any], *, deliver_webhooks: bool = True) -> dict[str, Any]:
        """What the customer does after `POST /v1/payments` (nothing, authenticate, approve),
        then the provider's new webhooks delivered (unless `deliver_webhooks` is false: they
        were lost); answers the payment as our API has it then."""
        if payment.get("status") == "requires_action":
            self._act(payment)
        if deliver_webhooks:
            self.deliver_fresh()
        answer: dict[str, Any] = self.client.get(f"/v1/payments/{payment['id']}").json()
        return answer

    def _act(self, payment: dict[str, Any]) -> None:
        raise NotImplementedError

    def paid(self, amount: int = 2000, customer: str | None = None) -> dict[str, Any]:
        created = self.pay(customer or self.customer(), amount)
        assert created.status_code == 201, created.content
        payment = self.complete(created.json())
        assert payment["status"] == "succeeded", payment
        return payment

    @contextmanager
    def outage(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    def events(self) -> list[Any]:
        """Every event the provider has sent so far, oldest first."""
        raise NotImplementedError

    def deliver(self, event: Any) -> int:
        """Posts one event to our endpoint, signed as the provider signs it; answers the
        status our endpoint answered."""
        raise NotImplementedError

    def deliver_all(self, events: list[Any] | None = None) -> list[int]:
        return [self.deliver(event) for event in (self.events() if events is None else events)]

    def payments_at_provider(self) -> int:
        raise NotImplementedError

    def refunds_at_provider(self) -> int:
        raise NotImplementedError

    def refund_at_provider(self, payment: dict[str, Any], amount: int) -> str:
        """Refunds `amount` of the payment at the provider itself (its dashboard, say);
        answers the provider's refund id."""
        raise NotImplementedError

    # Subscriptions ---------------------------------------------------------------------------

    def plan(self, code: str = "pro", amount: int = 2000, trial_period_days: int = 14) -> dict:
        """A fixed-price monthly plan with a trial: what both providers can sell."""
        response = self.client.post(
            "/v1/plans",
            {
                "code": code,
                "name": code.title(),
                "currency": "usd",
                "base": {"amount": amount, "interval": "month"},
                "trial_period_days": trial_period_days,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        answer: dict[str, Any] = response.json()
        return answer

    def subscriber(self, external_id: str = "subscriber") -> str:
        """A customer whose renewals a test can run (Stripe: on the app's test clock)."""
        return self.customer(external_id)

    def subscription_body(self, customer: str, plan: dict, **extra: Any) -> dict[str, Any]:
        return {"customer": customer, "plan": plan["id"], **extra}

    def subscription_post(self, customer: str, plan: dict, **headers: Any) -> Any:
        return self.client.post(
            "/v1/subscriptions", self.subscription_body(customer, plan), format="json", **headers
        )

    def subscription_complete(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """What the subscriber does after `POST /v1/subscriptions` (nothing, or approve it on
        the provider's page), then the provider's new webhooks delivered; answers the
        subscription as our API has it then."""
        if subscription.get("approval_url"):
            self._approve_subscription(subscription)
        return self.subscription_settled(subscription)

    def subscription_settled(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """The provider's new webhooks delivered; the subscription as our API has it then."""
        self.deliver_fresh()
        answer: dict[str, Any] = self.client.get(f"/v1/subscriptions/{subscription['id']}").json()
        return answer

    def subscribe(self, customer: str, plan: dict) -> dict[str, Any]:
        created = self.subscription_post(customer, plan)
        assert created.status_code == 201, created.content
        return self.subscription_complete(created.json())

    def _approve_subscription(self, subscription: dict[str, Any]) -> None:
        raise NotImplementedError

    def renew_failing(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """The subscription's next payment falls due and is declined; answers it then."""
        raise NotImplementedError

    def renew_paying(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """The subscriber pays what the failed renewal left due; answers it then."""
        raise NotImplementedError

    def subscriptions_at_provider(self) -> int:
        raise NotImplementedError

    def subscription_create_keys(self) -> set[str]:
        """The idempotency keys our subscription creates sent the provider, one per attempt
        (Stripe's `Idempotency-Key`, PayPal's `PayPal-Request-Id`)."""
        raise NotImplementedError

    def ended_at_provider(self, subscription: dict[str, Any]) -> bool:
        raise NotImplementedError

    def deliver_fresh(self) -> None:
        """Delivers, once each, the events the provider sent since the last delivery."""
        fresh = self.events()[self._delivered :]
        self._delivered += len(fresh)
        for event in fresh:
            assert self.deliver(event) == 200


class StripePayingTenant(PayingTenant):
    provider = "stripe"

    def __init__(self, *, tenant: Tenant, stripe: EmulatorServer) -> None:
        self.tenant, self.emulator = tenant, stripe
        stripe_account_setup(base_url=UNREACHABLE_BASE_URL)
        self.endpoint = WebhookEndpoint.objects.get()
        self._delivered = 0
        self._acting: set[str] = set()
        self._clock: dict[str, Any] | None = None

    def customer(self, external_id: str = "payer") -> str:
        return self._customer(external_id, payment_method="pm_card_visa")

    def declining_customer(self, external_id: str = "declined-payer") -> str:
        return self._customer(external_id, payment_method="pm_card_chargeCustomerFail")

    def saved_customer(self, external_id: str = "saved-payer") -> str:
        return self.customer(external_id)

    def acting_customer(self, external_id: str = "acting-payer") -> str:
        customer = self._customer(external_id, payment_method="pm_card_threeDSecure2Required")
        self._acting.add(customer)
        return customer

    def payment_body(
        self, customer: str, amount: int = 2000, currency: str = "usd", **extra: Any
    ) -> dict[str, Any]:
        if customer in self._acting:
            extra.setdefault("return_url", RETURN_URL)
        return super().payment_body(customer, amount, currency, **extra)

    def _act(self, payment: dict[str, Any]) -> None:
        # The customer passes 3-D Secure on the page `redirect_url` leads to.
        status, body, _ = raw_request(
            self.emulator,
            "POST",
            f"/_emulator/payment_intents/{payment['provider_payment_id']}/authenticate",
        )
        assert status == 200, body

    @contextmanager
    def outage(self) -> Iterator[None]:
        self.emulator.set_faults(status=500, count=OUTAGE_CALLS)
        try:
            yield
        finally:
            self.emulator.clear_faults()

    def events(self) -> list[dict[str, Any]]:
        return self.emulator.events()

    def deliver(self, event: dict[str, Any]) -> int:
        return int(deliver(self.endpoint, event).status_code)

    def _objects(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.emulator.state.objects.values() if o.get("object") == kind]

    def payments_at_provider(self) -> int:
        return len(self._objects("payment_intent"))

    def refunds_at_provider(self) -> int:
        return len(self._objects("refund"))

    def subscriber(self, external_id: str = "subscriber") -> str:
        if self._clock is None:
            made = self.client.post(
                "/v1/test-clocks", {"frozen_time": "2030-01-01T00:00:00Z"}, format="json"
            )
            assert made.status_code == 201, made.content
            self._clock = made.json()
        return self._customer(
            external_id, payment_method="pm_card_visa", test_clock=self._clock["id"]
        )

    def _approve_subscription(self, subscription: dict[str, Any]) -> None:
        raise AssertionError(f"A Stripe subscription with a card needs no approval: {subscription}")

    def _card_set(self, subscription: dict[str, Any], payment_method: str) -> None:
        changed = self.client.patch(
            f"/v1/customers/{subscription['customer']}",
            {"payment_method": payment_method},
            format="json",
        )
        assert changed.status_code == 200, changed.content

    def _advance_to(self, moment: datetime) -> None:
        assert self._clock is not None, "renewals need a subscriber() on the test clock"
        advanced = self.client.post(
            f"/v1/test-clocks/{self._clock['id']}/advance",
            {"frozen_time": moment.isoformat().replace("+00:00", "Z")},
            format="json",
        )
        assert advanced.status_code == 200, advanced.content

    def renew_failing(self, subscription: dict[str, Any]) -> dict[str, Any]:
        # The card on file now fails every charge; the clock moves past the period's end.
        self._card_set(subscription, "pm_card_chargeCustomerFail")
        period_end = datetime.fromisoformat(subscription["current_period_end"])
        self._advance_to(period_end + timedelta(hours=1))
        return self.subscription_settled(subscription)

    def renew_paying(self, subscription: dict[str, Any]) -> dict[str, Any]:
        # A working card again, and the open renewal invoice paid with it.
        self._card_set(subscription, "pm_card_visa")
        [renewal] = self.client.get(
            "/v1/invoices", {"customer": subscription["customer"], "status": "open"}
        ).json()["data"]
        paid = self.client.post(
            f"/v1/invoices/{renewal['id']}/pay", {"payment_method": "pm_card_visa"}, format="json"
        )
        assert paid.status_code == 200, paid.content
        return self.subscription_settled(subscription)

    def subscriptions_at_provider(self) -> int:
        return len(self._objects("subscription"))

    def subscription_create_keys(self) -> set[str]:
        return {
            str(request["idempotency_key"])
            for request in self.emulator.requests()
            if (request["method"], request["path"]) == ("POST", "/v1/subscriptions")
        }

    def ended_at_provider(self, subscription: dict[str, Any]) -> bool:
        stored = self.emulator.state.objects[subscription["provider_subscription_id"]]
        return bool(stored["status"] == "canceled")

    def refund_at_provider(self, payment: dict[str, Any], amount: int) -> str:
        refund = stripe_client().v1.refunds.create(
            {"payment_intent": payment["provider_payment_id"], "amount": amount}
        )
        return str(refund["id"])


class PayPalPayingTenant(PayingTenant):
    provider = "paypal"

    def __init__(self, *, tenant: Tenant, paypal: PayPalEmulatorServer, webhook_id: str) -> None:
        self.tenant, self.emulator, self.webhook_id = tenant, paypal, webhook_id
        self._delivered = 0
        self._payers: dict[str, str] = {}

    def customer(self, external_id: str = "payer") -> str:
        customer = self._customer(external_id)
        self._payers[customer] = "buyer"
        return customer

    def declining_customer(self, external_id: str = "declined-payer") -> str:
        customer = self._customer(external_id)
        self._payers[customer] = "declined"
        return customer

    def acting_customer(self, external_id: str = "acting-payer") -> str:
        return self.customer(external_id)

    def saved_customer(self, external_id: str = "saved-payer") -> str:
        # The payer approving a first payment is vaulted for the next ones.
        customer = self.customer(external_id)
        self.paid(customer=customer)
        return customer

    def payment_body(
        self, customer: str, amount: int = 2000, currency: str = "usd", **extra: Any
    ) -> dict[str, Any]:
        return super().payment_body(customer, amount, currency, return_url=RETURN_URL, **extra)

    def _act(self, payment: dict[str, Any]) -> None:
        paypal_approve(payment["redirect_url"], self._payers.get(payment["customer"], "buyer"))

    @contextmanager
    def outage(self) -> Iterator[None]:
        # Payments (/v2/) and subscriptions (/v1/billing/) fail; signing in still works.
        self.emulator.set_faults(status=500, count=OUTAGE_CALLS, path_prefix="/v2/")
        self.emulator.set_faults(status=500, count=OUTAGE_CALLS, path_prefix="/v1/billing/")
        try:
            yield
        finally:
            self.emulator.clear_faults()

    def events(self) -> list[dict[str, Any]]:
        return self.emulator.events()

    def deliver(self, event: dict[str, Any]) -> int:
        body = canonical(event)
        headers = self.emulator.api.signed_headers(self.webhook_id, body, self.emulator.url)
        answer = Client().post(
            "/webhooks/paypal/", data=body, content_type="application/json", headers=headers
        )
        return int(answer.status_code)

    def payments_at_provider(self) -> int:
        return len(self.emulator.api.orders)

    def refunds_at_provider(self) -> int:
        return len(self.emulator.api.refunds)

    def subscription_body(self, customer: str, plan: dict, **extra: Any) -> dict[str, Any]:
        return super().subscription_body(customer, plan, return_url=RETURN_URL, **extra)

    def _approve_subscription(self, subscription: dict[str, Any]) -> None:
        paypal_subscription_approve(subscription["approval_url"])

    def _advance_to_next_billing(self, subscription: dict[str, Any]) -> None:
        entry = self.emulator.api.subscriptions[subscription["provider_subscription_id"]]
        self.emulator.advance_clock(
            seconds=entry["_next_billing"] - clock_now(self.emulator.api) + 60
        )

    def renew_failing(self, subscription: dict[str, Any]) -> dict[str, Any]:
        # The payer's funding now declines; the emulator's clock runs the due cycle.
        self.emulator.subscription_payer_set(subscription["provider_subscription_id"], "declined")
        self._advance_to_next_billing(subscription)
        return self.subscription_settled(subscription)

    def renew_paying(self, subscription: dict[str, Any]) -> dict[str, Any]:
        # The payer pays again; PayPal collects at the next cycle.
        self.emulator.subscription_payer_set(subscription["provider_subscription_id"], "buyer")
        self._advance_to_next_billing(subscription)
        return self.subscription_settled(subscription)

    def subscriptions_at_provider(self) -> int:
        return len(self.emulator.api.subscriptions)

    def subscription_create_keys(self) -> set[str]:
        return {
            str(request["paypal_request_id"])
            for request in self.emulator.requests()
            if (request["method"], request["path"]) == ("POST", "/v1/billing/subscriptions")
        }

    def ended_at_provider(self, subscription: dict[str, Any]) -> bool:
        stored = self.emulator.api.subscriptions[subscription["provider_subscription_id"]]
        return bool(stored["status"] == "CANCELLED")

    def refund_at_provider(self, payment: dict[str, Any], amount: int) -> str:
        order = self.emulator.api.orders[payment["provider_payment_id"]]
        token = requests.post(
            f"{self.emulator.url}/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
            timeout=5,
        ).json()["access_token"]
        currency = order["purchase_units"][0]["amount"]["currency_code"]
        made = requests.post(
            f"{self.emulator.url}/v2/payments/captures/{order['_captures'][-1]}/refund",
            json={"amount": {"currency_code": currency, "value": f"{amount / 100:.2f}"}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def paypal_approve(redirect_url: str, payer: str = "buyer") -> str:
    """The payer's browser on PayPal's page, as plain HTTP: opens it, submits its form as the
    given sandbox payer; answers where PayPal sends the browser back."""
    page = requests.get(redirect_url, timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)">', page.text)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert action and token and f'value="{payer}"' in page.text, page.text
    answer = requests.post(
        redirect_url.split("/checkoutnow")[0] + action.group(1),
        data={"token": token.group(1), "payer": payer},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["Location"])


def paypal_subscription_approve(approval_url: str, payer: str = "buyer") -> str:
    """The subscriber's browser on PayPal's approval page, as plain HTTP: picks a sandbox payer
    and agrees; answers where PayPal sends the browser back."""
    page = requests.get(approval_url, timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)">', page.text)
    token = re.search(r'name="ba_token" value="([^"]+)"', page.text)
    assert action and token and f'value="{payer}"' in page.text, page.text
    answer = requests.post(
        approval_url.split("/webapps")[0] + action.group(1),
        data={"ba_token": token.group(1), "payer": payer},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["Location"])


def paypal_configure(settings: Any, paypal: PayPalEmulatorServer) -> None:
    """Points our PayPal provider at the emulator."""
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal.url
    settings.PAYPAL_MAX_NETWORK_RETRIES = 2


def paypal_tenant_make(name: str) -> Tenant:
    """A PayPal app, made as an operator makes one: `manage.py create_app --provider paypal`."""
    output = StringIO()
    call_command("create_app", name, "--provider", "paypal", "--json", stdout=output)
    created = json.loads(output.getvalue())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created['api_key']}")
    app = App.objects.get(name=name)
    return Tenant(
        app=app,
        api_key=ApiKey.objects.all_tenants().get(app=app),
        raw_key=created["api_key"],
        client=client,
    )


def paying_tenant_make(
    provider: str,
    *,
    name: str,
    settings: Any,
    stripe: EmulatorServer,
    paypal: PayPalEmulatorServer,
) -> PayingTenant:
    if provider == "stripe":
        return StripePayingTenant(tenant=tenant_make(name), stripe=stripe)
    paypal_configure(settings, paypal)
    # A listener that receives nothing (the tests deliver), registered so that PayPal's
    # signature check knows our webhook id.
    settings.PAYPAL_WEBHOOK_ID = paypal.add_webhook(f"{UNREACHABLE_BASE_URL}/webhooks/paypal/")
    return PayPalPayingTenant(
        tenant=paypal_tenant_make(name), paypal=paypal, webhook_id=settings.PAYPAL_WEBHOOK_ID
    )


def paypal_app_browsed(
    settings: Any, paypal_emulator: PayPalEmulatorServer, live_server: Any, name: str
) -> APIClient:
    """A PayPal app made by `create_app --provider paypal` whose webhooks the emulator delivers
    to the live server, for a browser to approve its payer's orders and subscriptions; answers
    the app's API client."""
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    settings.PAYPAL_WEBHOOK_ID = paypal_emulator.add_webhook(f"{live_server.url}/webhooks/paypal/")
    output = StringIO()
    call_command("create_app", name, "--provider", "paypal", "--json", stdout=output)
    shop = APIClient()
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {json.loads(output.getvalue())['api_key']}")
    return shop
