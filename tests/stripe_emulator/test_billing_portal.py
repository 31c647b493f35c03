"""The customer portal: configurations and sessions through the SDK, and the portal's HTML forms
submitted over plain HTTP as a customer's browser would."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import stripe

from stripe_emulator.server import EmulatorServer

RETURN_URL = "https://app.example/account"


def _declared_attributes(resource_class: Any) -> set[str]:
    names: set[str] = set()
    for klass in resource_class.__mro__:
        names |= set(vars(klass).get("__annotations__", {}))
    return {name for name in names if name[0].islower()}


def _catalog(client: stripe.StripeClient) -> tuple[str, list[str]]:
    product = client.v1.products.create(params={"name": "Pro"})
    prices = [
        client.v1.prices.create(
            params={
                "product": product.id,
                "currency": "usd",
                "unit_amount": amount,
                "recurring": {"interval": "month"},
            }
        ).id
        for amount in (1000, 3000)
    ]
    return product.id, prices


def _configuration(client: stripe.StripeClient, product: str, prices: list[str]) -> str:
    return client.v1.billing_portal.configurations.create(
        params={
            "business_profile": {"headline": "Acme CRM billing"},
            "features": {
                "payment_method_update": {"enabled": True},
                "invoice_history": {"enabled": True},
                "subscription_cancel": {"enabled": True, "mode": "at_period_end"},
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price"],
                    "products": [{"product": product, "prices": prices}],
                    "proration_behavior": "create_prorations",
                },
            },
            "metadata": {"app_id": "app_1"},
        }
    ).id


@pytest.fixture
def portal(stripe_client: stripe.StripeClient) -> dict[str, Any]:
    """A customer with a subscription to the first price, and a portal session for them."""
    product, prices = _catalog(stripe_client)
    customer = stripe_client.v1.customers.create(
        params={
            "email": "ada@example.com",
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": prices[0]}]}
    )
    session = stripe_client.v1.billing_portal.sessions.create(
        params={
            "customer": customer.id,
            "configuration": _configuration(stripe_client, product, prices),
            "return_url": RETURN_URL,
        }
    )
    return {
        "customer": customer.id,
        "subscription": subscription.id,
        "prices": prices,
        "session": session,
    }


def _submit(url: str, form: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url, data=form or {}, allow_redirects=False, timeout=10)


def _form_action(page_html: str, label: str) -> str:
    """The action of the form whose button says `label`, as a browser would submit it."""
    for form in re.findall(r"<form method=post action='([^']+)'>(.*?)</form>", page_html):
        if label in form[1]:
            return form[0]
    raise AssertionError(f"no form with {label!r}")


def _absolute(session: Any, path: str) -> str:
    base = re.match(r"^(http://[^/]+)", session.url)
    assert base is not None
    return base.group(1) + path


def test_configuration_and_session_have_every_attribute_stripe_declares(
    portal: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    session = portal["session"].to_dict()
    configuration = stripe_client.v1.billing_portal.configurations.retrieve(
        session["configuration"]
    ).to_dict()

    assert set(session) == _declared_attributes(stripe.billing_portal.Session)
    assert set(configuration) == _declared_attributes(stripe.billing_portal.Configuration)
    assert session["id"].startswith("bps_") and session["return_url"] == RETURN_URL
    assert (
        configuration["features"]["subscription_update"]["products"][0]["prices"]
        == (portal["prices"])
    )


def test_the_portal_page_shows_the_plan_the_card_and_the_invoices(
    portal: dict[str, Any],
) -> None:
    page = requests.get(portal["session"].url, timeout=10)

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Acme CRM billing" in page.text
    assert "10.00 USD / month" in page.text
    assert "Visa •••• 4242" in page.text
    assert "https://invoice.stripe.com/i/emulator/" in page.text


def test_switching_plan_in_the_portal_changes_the_subscriptions_price(
    portal: dict[str, Any], stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    page = requests.get(portal["session"].url, timeout=10).text

    answer = _submit(
        _absolute(portal["session"], _form_action(page, "Update plan")),
        {"price": portal["prices"][1]},
    )

    assert answer.status_code == 303
    subscription = stripe_client.v1.subscriptions.retrieve(portal["subscription"])
    assert subscription["items"].data[0].price.id == portal["prices"][1]
    [updated] = stripe_emulator.events("customer.subscription.updated")
    assert "items" in updated["data"]["previous_attributes"]


def test_a_price_the_configuration_does_not_offer_is_refused(
    portal: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    product = stripe_client.v1.products.create(params={"name": "Secret"})
    other = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 1,
            "recurring": {"interval": "month"},
        }
    )
    path = f"/pages/portal/{portal['session'].id}/subscriptions/{portal['subscription']}/update"

    answer = _submit(_absolute(portal["session"], path), {"price": other.id})

    assert answer.status_code == 400
    subscription = stripe_client.v1.subscriptions.retrieve(portal["subscription"])
    assert subscription["items"].data[0].price.id == portal["prices"][0]


def test_cancelling_in_the_portal_cancels_at_period_end_and_renewing_undoes_it(
    portal: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    page = requests.get(portal["session"].url, timeout=10).text

    _submit(_absolute(portal["session"], _form_action(page, "Cancel plan")))
    canceled = stripe_client.v1.subscriptions.retrieve(portal["subscription"])
    page = requests.get(portal["session"].url, timeout=10).text
    _submit(_absolute(portal["session"], _form_action(page, "Renew plan")))
    renewed = stripe_client.v1.subscriptions.retrieve(portal["subscription"])

    assert canceled.cancel_at_period_end is True and canceled.status == "active"
    assert renewed.cancel_at_period_end is False


def test_a_new_card_typed_in_the_portal_becomes_the_default(
    portal: dict[str, Any], stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    page = requests.get(portal["session"].url, timeout=10).text
    card_form = _absolute(portal["session"], _form_action(page, "Add payment method"))

    declined = _submit(
        card_form,
        {"card_number": "4000 0000 0000 0002", "card_expiry": "12/40", "card_cvc": "123"},
    )
    invalid = _submit(card_form, {"card_number": "1234", "card_expiry": "12/40", "card_cvc": "123"})
    accepted = _submit(
        card_form,
        {"card_number": "5555555555554444", "card_expiry": "12/40", "card_cvc": "123"},
    )

    assert (declined.status_code, invalid.status_code, accepted.status_code) == (402, 400, 303)
    assert "declined" in declined.text
    customer = stripe_client.v1.customers.retrieve(portal["customer"])
    default = customer.invoice_settings.default_payment_method
    assert isinstance(default, str)
    method = stripe_client.v1.payment_methods.retrieve(default)
    assert method.card is not None and method.card.last4 == "4444"
    assert method.customer == portal["customer"]
    assert stripe_emulator.events("customer.updated")
    assert stripe_emulator.events("payment_method.attached")


def test_a_card_that_asks_for_authentication_is_set_up_after_the_challenge(
    portal: dict[str, Any], stripe_client: stripe.StripeClient
) -> None:
    page = requests.get(portal["session"].url, timeout=10).text
    challenge = _submit(
        _absolute(portal["session"], _form_action(page, "Add payment method")),
        {"card_number": "4000002500003155", "card_expiry": "12/40", "card_cvc": "123"},
    )

    completed = _submit(
        _absolute(portal["session"], _form_action(challenge.text, "Complete authentication")),
        {"outcome": "succeed"},
    )

    assert challenge.status_code == 200 and "Authenticate" in challenge.text
    assert completed.status_code == 303
    customer = stripe_client.v1.customers.retrieve(portal["customer"])
    method = stripe_client.v1.payment_methods.retrieve(
        str(customer.invoice_settings.default_payment_method)
    )
    assert method.card is not None and method.card.last4 == "3155"


def test_the_return_link_sends_the_customer_back_to_the_return_url(
    portal: dict[str, Any],
) -> None:
    page = requests.get(portal["session"].url, timeout=10).text
    link = re.search(r"<a id=return href='([^']+)'", page)
    assert link is not None

    back = requests.get(
        _absolute(portal["session"], link.group(1)), allow_redirects=False, timeout=10
    )

    assert back.status_code == 303
    assert back.headers["Location"] == RETURN_URL


def test_stripe_refuses_a_session_without_configuration_or_a_bad_configuration(
    stripe_client: stripe.StripeClient,
) -> None:
    product, prices = _catalog(stripe_client)
    customer = stripe_client.v1.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as no_default:
        stripe_client.v1.billing_portal.sessions.create(params={"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as no_products:
        stripe_client.v1.billing_portal.configurations.create(
            params={"features": {"subscription_update": {"enabled": True}}}
        )
    with pytest.raises(stripe.InvalidRequestError) as bad_url:
        stripe_client.v1.billing_portal.sessions.create(
            params={
                "customer": customer.id,
                "configuration": _configuration(stripe_client, product, prices),
                "return_url": "javascript:alert(1)",
            }
        )

    assert "default configuration" in str(no_default.value)
    assert no_products.value.param == "features[subscription_update]"
    assert bad_url.value.param == "return_url"


def test_a_configuration_is_updated_listed_and_its_events_sent(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    product, prices = _catalog(stripe_client)
    configuration = _configuration(stripe_client, product, prices)

    updated = stripe_client.v1.billing_portal.configurations.update(
        configuration,
        params={"features": {"subscription_update": {"enabled": False}}},
    )
    listed = stripe_client.v1.billing_portal.configurations.list()

    assert updated.features.subscription_update.enabled is False
    assert [item.id for item in listed.data] == [configuration]
    assert stripe_emulator.events("billing_portal.configuration.created")
    assert stripe_emulator.events("billing_portal.configuration.updated")
