"""Coupons, promotion codes and the discounts they make on subscriptions' invoices."""

from __future__ import annotations

import pytest
import requests
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


def _monthly_price(client: stripe.StripeClient, amount: int = 2000) -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": amount,
            "recurring": {"interval": "month"},
        }
    )


def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )


def _subscribe(
    client: stripe.StripeClient, price: stripe.Price, discount: dict[str, str]
) -> stripe.Subscription:
    return client.v1.subscriptions.create(
        params={
            "customer": _customer(client).id,
            "items": [{"price": price.id}],
            "discounts": [discount],  # type: ignore[list-item]
            "expand": ["latest_invoice"],
        }
    )


def test_a_coupon_is_created_listed_renamed_and_deleted(
    stripe_client: stripe.StripeClient,
) -> None:
    coupon = stripe_client.v1.coupons.create(
        params={
            "percent_off": 20,
            "duration": "repeating",
            "duration_in_months": 3,
            "max_redemptions": 5,
            "metadata": {"app_id": "a"},
        }
    )

    renamed = stripe_client.v1.coupons.update(coupon.id, params={"name": "Spring"})
    listed = stripe_client.v1.coupons.list()
    deleted = stripe_client.v1.coupons.delete(coupon.id)

    assert coupon.percent_off == 20 and coupon.amount_off is None
    assert coupon.duration_in_months == 3 and coupon.times_redeemed == 0 and coupon.valid
    assert coupon.metadata.to_dict() == {"app_id": "a"}
    assert renamed.name == "Spring"
    assert [listed_coupon.id for listed_coupon in listed.data] == [coupon.id]
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.coupons.retrieve(coupon.id)
    assert missing.value.http_status == 404


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"percent_off": 10, "amount_off": 500, "currency": "usd"}, "amount_off"),
        ({"amount_off": 500}, "currency"),
        ({"percent_off": 120}, "percent_off"),
        ({"percent_off": 10, "duration": "repeating"}, "duration_in_months"),
        ({"percent_off": 10, "duration": "once", "duration_in_months": 2}, "duration_in_months"),
    ],
)
def test_a_coupon_with_inconsistent_terms_is_refused(
    stripe_client: stripe.StripeClient, params: dict[str, object], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.coupons.create(params=params)  # type: ignore[arg-type]

    assert refused.value.http_status == 400
    assert refused.value.param == param


def test_a_promotion_code_takes_the_pinned_versions_promotion_shape_and_lists_by_code(
    stripe_client: stripe.StripeClient,
) -> None:
    coupon = stripe_client.v1.coupons.create(params={"amount_off": 500, "currency": "usd"})

    code = stripe_client.v1.promotion_codes.create(
        params={
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "code": "SPRING-5",
            "max_redemptions": 2,
            "restrictions": {"first_time_transaction": True},
        }
    )
    found = stripe_client.v1.promotion_codes.list(params={"code": "spring-5", "active": True})
    deactivated = stripe_client.v1.promotion_codes.update(code.id, params={"active": False})

    assert code.id.startswith("promo_")
    assert code.promotion.coupon == coupon.id and code.promotion.type == "coupon"
    assert code.restrictions.first_time_transaction is True
    assert [listed.id for listed in found.data] == [code.id]
    assert deactivated.active is False
    assert stripe_client.v1.promotion_codes.list(params={"active": True}).data == []


def test_an_active_code_cannot_be_taken_twice(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 5})
    stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SAVE"}
    )

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.promotion_codes.create(
            params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "save"}
        )

    assert refused.value.code == "resource_already_exists"


def test_a_repeating_coupon_discounts_three_monthly_invoices_and_not_the_fourth(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(
        params={"percent_off": 20, "duration": "repeating", "duration_in_months": 3}
    )
    subscription = _subscribe(stripe_client, price, {"coupon": coupon.id})

    for _ in range(3):
        stripe_emulator.advance(31 * DAY_SECONDS)

    invoices = list(
        reversed(stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data)
    )
    assert [invoice.subtotal for invoice in invoices] == [2000, 2000, 2000, 2000]
    assert [invoice.total for invoice in invoices] == [1600, 1600, 1600, 2000]
    assert [invoice.amount_paid for invoice in invoices] == [1600, 1600, 1600, 2000]
    discount_id = subscription.discounts[0]
    assert invoices[0].discounts == [discount_id]
    assert invoices[0].total_discount_amounts[0].amount == 400
    assert invoices[0].lines.data[0].discount_amounts[0].amount == 400
    assert invoices[3].discounts == [] and invoices[3].total_discount_amounts == []
    assert stripe_client.v1.coupons.retrieve(coupon.id).times_redeemed == 1


def test_a_once_coupon_discounts_only_the_first_invoice_and_the_preview_shows_none(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"amount_off": 500, "currency": "usd"})
    subscription = _subscribe(stripe_client, price, {"coupon": coupon.id})

    preview = stripe_client.v1.invoices.create_preview(params={"subscription": subscription.id})

    assert subscription.latest_invoice.total == 1500
    assert preview.total == 2000 and preview.discounts == []


def test_a_forever_coupon_shows_on_the_upcoming_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 50, "duration": "forever"})
    subscription = _subscribe(stripe_client, price, {"coupon": coupon.id})

    preview = stripe_client.v1.invoices.create_preview(params={"subscription": subscription.id})
    again = stripe_client.v1.invoices.create_preview(params={"subscription": subscription.id})

    assert preview.subtotal == 2000 and preview.total == 1000
    assert preview.total_discount_amounts[0].discount == subscription.discounts[0]
    assert again.total == 1000


def test_a_promotion_code_past_its_max_redemptions_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10, "duration": "forever"})
    code = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "max_redemptions": 1}
    )
    _subscribe(stripe_client, price, {"promotion_code": code.id})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        _subscribe(stripe_client, price, {"promotion_code": code.id})

    assert refused.value.http_status == 400
    assert refused.value.param == "discounts[0][promotion_code]"
    assert "maximum number of redemptions" in str(refused.value.user_message)
    assert stripe_client.v1.promotion_codes.retrieve(code.id).times_redeemed == 1


def test_an_expired_coupon_and_an_inactive_code_are_refused(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    price = _monthly_price(stripe_client)
    now = stripe_client.v1.customers.create().created
    coupon = stripe_client.v1.coupons.create(
        params={"percent_off": 10, "redeem_by": now + DAY_SECONDS}
    )
    code = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "active": False}
    )

    with pytest.raises(stripe.InvalidRequestError) as inactive:
        _subscribe(stripe_client, price, {"promotion_code": code.id})
    stripe_emulator.advance(2 * DAY_SECONDS)
    with pytest.raises(stripe.InvalidRequestError) as expired:
        _subscribe(stripe_client, price, {"coupon": coupon.id})

    assert "inactive" in str(inactive.value.user_message)
    assert expired.value.code == "coupon_expired"
    assert stripe_client.v1.coupons.retrieve(coupon.id).valid is False


def test_a_discount_added_by_an_update_applies_from_the_next_renewal(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    price = _monthly_price(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": _customer(stripe_client).id, "items": [{"price": price.id}]}
    )
    coupon = stripe_client.v1.coupons.create(
        params={"amount_off": 300, "currency": "usd", "duration": "forever"}
    )

    updated = stripe_client.v1.subscriptions.update(
        subscription.id, params={"discounts": [{"coupon": coupon.id}]}
    )
    stripe_emulator.advance(31 * DAY_SECONDS)
    renewal = stripe_client.v1.invoices.retrieve(
        stripe_client.v1.subscriptions.retrieve(subscription.id).latest_invoice  # type: ignore[arg-type]
    )
    cleared = stripe_client.v1.subscriptions.update(subscription.id, params={"discounts": ""})

    assert len(updated.discounts) == 1
    assert renewal.total == 1700
    assert cleared.discounts == []


def test_a_coupon_for_other_products_leaves_the_invoice_whole(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    other = stripe_client.v1.products.create(params={"name": "Other"})
    coupon = stripe_client.v1.coupons.create(
        params={"percent_off": 50, "applies_to": {"products": [other.id]}}
    )

    subscription = _subscribe(stripe_client, price, {"coupon": coupon.id})

    assert subscription.latest_invoice.total == 2000


def _subscription_session(
    client: stripe.StripeClient, price: stripe.Price, **fields: object
) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": client.v1.customers.create().id,
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": "https://app.example/done",
            **fields,  # type: ignore[typeddict-item]
        }
    )


def _checkout_submit(url: str, **fields: str) -> requests.Response:
    return requests.post(
        url,
        data={
            "card_number": "4242 4242 4242 4242",
            "card_expiry": "12 / 34",
            "card_cvc": "123",
            **fields,
        },
        allow_redirects=False,
        timeout=10,
    )


def test_a_buyer_types_a_promotion_code_on_checkout_and_the_subscription_carries_it(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 25, "duration": "forever"})
    code = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SPRING"}
    )
    session = _subscription_session(stripe_client, price, allow_promotion_codes=True)

    page = requests.get(session.url, timeout=10)  # type: ignore[arg-type]
    wrong = _checkout_submit(session.url, promotion_code="WINTER")  # type: ignore[arg-type]
    done = _checkout_submit(session.url, promotion_code="spring")  # type: ignore[arg-type]

    assert "name=promotion_code" in page.text
    assert wrong.status_code == 400 and "This code is invalid." in wrong.text
    assert done.status_code in (302, 303)
    completed = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription"]}
    )
    assert completed.allow_promotion_codes is True
    assert completed.discounts[0].promotion_code == code.id
    assert completed.amount_subtotal == 2000 and completed.amount_total == 1500
    assert completed.total_details.amount_discount == 500
    subscription = completed.subscription
    assert stripe_client.v1.promotion_codes.retrieve(code.id).times_redeemed == 1
    assert len(subscription.discounts) == 1  # type: ignore[union-attr]


def test_a_checkout_page_without_allow_promotion_codes_has_no_code_field_and_a_discount_applies(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"amount_off": 200, "currency": "usd"})
    session = _subscription_session(stripe_client, price, discounts=[{"coupon": coupon.id}])

    page = requests.get(session.url, timeout=10)  # type: ignore[arg-type]
    done = _checkout_submit(session.url)  # type: ignore[arg-type]

    assert "name=promotion_code" not in page.text
    assert done.status_code in (302, 303)
    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert completed.amount_total == 1800
    assert completed.discounts[0].coupon == coupon.id


def test_checkout_takes_allow_promotion_codes_or_discounts_not_both(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 5})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        _subscription_session(
            stripe_client, price, allow_promotion_codes=True, discounts=[{"coupon": coupon.id}]
        )

    assert refused.value.param == "discounts"
