"""dj-stripe mirrors what our service made in Stripe (the emulator), through its own sync."""

from io import StringIO

from django.core.management import call_command
from djstripe import models as djstripe_models
from rest_framework.test import APIClient

from billing.stripe_account import stripe_account_setup
from tests.factories import PRO_PLAN


def test_djstripe_syncs_customers_products_prices_and_payment_intents(api: APIClient, db):
    stripe_account_setup(base_url="https://pay.example.com")
    customer = api.post(
        "/v1/customers", {"external_id": "u", "payment_method": "pm_card_visa"}, format="json"
    ).json()
    plan = api.post("/v1/plans", PRO_PLAN, format="json").json()
    payment = api.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 1200, "currency": "usd"},
        format="json",
    ).json()

    output = StringIO()
    call_command(
        "djstripe_sync_models",
        "Customer",
        "Product",
        "Price",
        "PaymentIntent",
        stdout=output,
        stderr=output,
    )

    mirrored_customer = djstripe_models.Customer.objects.get(id=customer["provider_customer_id"])
    assert "failed" not in output.getvalue(), output.getvalue()
    assert mirrored_customer.metadata["customer_id"] == customer["id"]
    assert djstripe_models.Product.objects.filter(id=plan["provider_product_id"]).exists()
    mirrored_price = djstripe_models.Price.objects.get(id=plan["base"]["provider_price_id"])
    assert mirrored_price.unit_amount == 2000
    mirrored_intent = djstripe_models.PaymentIntent.objects.get(id=payment["provider_payment_id"])
    assert mirrored_intent.stripe_data["amount"] == 1200
    assert mirrored_intent.stripe_data["status"] == "succeeded"
