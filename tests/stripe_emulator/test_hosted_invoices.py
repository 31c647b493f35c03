"""The hosted invoice page and PDF, the invoice preview and `invoice.upcoming`, as the real
SDK and a browser (plain HTTP) see them."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _open(url: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _monthly_price(client: stripe.StripeClient, amount: int = 2000) -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": amount,
            "recurring": {"interval": "month"},
        }
    )


def _subscribed(
    client: stripe.StripeClient, card: str = "pm_card_visa"
) -> tuple[stripe.Customer, stripe.Subscription]:
    customer = client.v1.customers.create(
        params={"payment_method": card, "invoice_settings": {"default_payment_method": card}}
    )
    subscription = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": _monthly_price(client).id}],
            "payment_behavior": "allow_incomplete",
        }
    )
    return customer, subscription


def _open_invoice(client: stripe.StripeClient) -> stripe.Invoice:
    _, subscription = _subscribed(client, card="pm_card_chargeCustomerFail")
    [invoice] = client.v1.invoices.list(params={"subscription": subscription.id}).data
    assert invoice.status == "open"
    return invoice


def test_a_finalized_invoice_links_to_the_emulators_own_page_and_pdf(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    invoice = _open_invoice(stripe_client)

    assert invoice.hosted_invoice_url == f"{stripe_emulator.url}/pages/invoice/{invoice.id}"
    assert invoice.invoice_pdf == f"{stripe_emulator.url}/pages/invoice/{invoice.id}/pdf"


def test_the_hosted_page_shows_the_invoice_and_a_declined_card_keeps_it_open(
    stripe_client: stripe.StripeClient,
) -> None:
    invoice = _open_invoice(stripe_client)

    status, headers, page = _open(invoice.hosted_invoice_url)
    declined_status, _, declined_page = _open(
        invoice.hosted_invoice_url,
        {"card_number": "4000000000000002", "card_expiry": "12/34", "card_cvc": "123"},
    )

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert invoice.number.encode() in page
    assert b"$20.00" in page
    assert b"<form method=post" in page and b"name=card_number" in page
    assert declined_status == 402
    assert b"Your card was declined." in declined_page
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "open"


def test_paying_on_the_hosted_page_with_a_test_card_pays_the_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    invoice = _open_invoice(stripe_client)

    status, headers, _ = _open(
        invoice.hosted_invoice_url,
        {"card_number": "4242 4242 4242 4242", "card_expiry": "12/34", "card_cvc": "123"},
    )
    paid = stripe_client.v1.invoices.retrieve(invoice.id)
    _, _, page_after = _open(invoice.hosted_invoice_url)
    paid_events = stripe_client.v1.events.list(params={"type": "invoice.paid"}).data

    assert status == 303
    assert headers["Location"] == f"/pages/invoice/{invoice.id}"
    assert paid.status == "paid"
    assert paid.amount_paid == 2000
    assert paid_events[0].data.object.id == invoice.id
    assert b"paid" in page_after
    assert b"name=card_number" not in page_after


def test_an_unknown_card_number_is_refused_on_the_page(stripe_client: stripe.StripeClient) -> None:
    invoice = _open_invoice(stripe_client)

    status, _, page = _open(invoice.hosted_invoice_url, {"card_number": "1234567812345678"})

    assert status == 402
    assert b"Your card number is incorrect." in page
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "open"


def test_an_unknown_invoice_page_answers_404(stripe_emulator: EmulatorServer) -> None:
    status, _, _ = _open(f"{stripe_emulator.url}/pages/invoice/in_nothing")

    assert status == 404


def _pdf_objects(document: bytes) -> tuple[dict[int, int], int]:
    """The cross-reference table's offsets by object number, and the startxref offset."""
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", document).group(1))  # type: ignore[union-attr]
    header = re.match(rb"xref\n0 (\d+)\n", document[startxref:])
    assert header is not None, "startxref does not point at the xref table"
    count = int(header.group(1))
    entries = document[startxref + header.end() :].split(b"\n")[:count]
    offsets = {}
    for number, entry in enumerate(entries):
        offset, _generation, kind = entry.split()
        if kind == b"n":
            offsets[number] = int(offset)
    return offsets, count


def test_the_invoice_pdf_is_a_well_formed_pdf_with_the_number_lines_and_total(
    stripe_client: stripe.StripeClient,
) -> None:
    invoice = _open_invoice(stripe_client)

    status, headers, document = _open(invoice.invoice_pdf)

    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert document.startswith(b"%PDF-1.4\n")
    offsets, count = _pdf_objects(document)
    assert count == len(offsets) + 1
    for number, offset in offsets.items():
        assert document[offset:].startswith(f"{number} 0 obj\n".encode()), number
    trailer = document[document.rindex(b"trailer") :]
    assert f"/Size {count}".encode() in trailer and b"/Root 1 0 R" in trailer
    assert document[offsets[1] :].startswith(b"1 0 obj\n<< /Type /Catalog")
    stream = re.search(rb"<< /Length (\d+) >>\nstream\n", document)
    assert stream is not None
    content = document[stream.end() : stream.end() + int(stream.group(1))]
    assert document[stream.end() + int(stream.group(1)) :].startswith(b"\nendstream")
    assert f"(Invoice {invoice.number}) Tj".encode() in content
    assert b"(Total: $20.00) Tj" in content
    [line] = invoice.lines.data
    # Helvetica in WinAnsi: the line's "1 × Pro (at …)" is written in cp1252, its
    # parentheses escaped inside the PDF string.
    written = line.description.replace("(", "\\(").replace(")", "\\)")
    assert f"({written}  x1  $20.00) Tj".encode("cp1252") in content


def test_a_preview_shows_the_next_renewal_and_stores_nothing(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    customer, subscription = _subscribed(stripe_client)
    invoices_before = stripe_client.v1.invoices.list(params={"customer": customer.id}).data
    events_before = len(stripe_emulator.events())

    preview = stripe_client.v1.invoices.create_preview(
        params={"customer": customer.id, "subscription": subscription.id}
    )

    assert preview.id.startswith("upcoming_in_")
    assert preview.billing_reason == "upcoming"
    assert preview.status == "draft"
    assert preview.amount_due == 2000
    [line] = preview.lines.data
    assert line.amount == 2000 and line.invoice == preview.id
    assert preview.period_end == subscription["items"].data[0].current_period_end
    assert preview.hosted_invoice_url is None
    after = stripe_client.v1.invoices.list(params={"customer": customer.id}).data
    assert [invoice.id for invoice in after] == [invoice.id for invoice in invoices_before]
    assert len(stripe_emulator.events()) == events_before
    assert stripe_client.v1.customers.retrieve(customer.id).balance == 0


def test_a_preview_of_a_subscription_ending_at_period_end_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    customer, subscription = _subscribed(stripe_client)
    stripe_client.v1.subscriptions.update(subscription.id, params={"cancel_at_period_end": True})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.invoices.create_preview(
            params={"customer": customer.id, "subscription": subscription.id}
        )

    assert refused.value.code == "invoice_upcoming_none"


def test_invoice_upcoming_is_sent_seven_days_before_each_renewal(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    customer, subscription = _subscribed(stripe_client)
    period_end = subscription["items"].data[0].current_period_end
    days_to_notice = (period_end - 7 * DAY_SECONDS - stripe_emulator.state.now()) // DAY_SECONDS

    stripe_emulator.advance((days_to_notice - 1) * DAY_SECONDS)
    before_notice = stripe_emulator.events("invoice.upcoming")
    stripe_emulator.advance(2 * DAY_SECONDS)
    after_notice = stripe_emulator.events("invoice.upcoming")
    stripe_emulator.advance(3 * DAY_SECONDS)
    still_one = stripe_emulator.events("invoice.upcoming")

    assert before_notice == []
    [upcoming] = after_notice
    announced = upcoming["data"]["object"]
    assert "id" not in announced
    assert announced["object"] == "invoice"
    assert announced["customer"] == customer.id
    assert announced["amount_due"] == 2000
    assert announced["period_end"] == period_end
    assert announced["parent"]["subscription_details"]["subscription"] == subscription.id
    assert len(still_one) == 1


def test_an_uncollectible_invoice_can_still_be_paid_and_is_not_retried(
    stripe_client: stripe.StripeClient,
) -> None:
    invoice = _open_invoice(stripe_client)
    stripe_client.v1.invoices.mark_uncollectible(invoice.id)

    with pytest.raises(stripe.CardError):
        stripe_client.v1.invoices.pay(
            invoice.id, params={"payment_method": "pm_card_chargeCustomerFail"}
        )
    failed_again = stripe_client.v1.invoices.retrieve(invoice.id)
    paid = stripe_client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"})

    assert failed_again.status == "uncollectible"
    assert failed_again.next_payment_attempt is None
    assert paid.status == "paid"
    assert paid.amount_paid == 2000


def test_the_authentication_card_pays_on_the_hosted_page_after_the_challenge(
    stripe_client: stripe.StripeClient,
) -> None:
    invoice = _open_invoice(stripe_client)
    card = {"card_number": "4000 0025 0000 3155", "card_expiry": "12/34", "card_cvc": "123"}

    asked_status, _, challenge = _open(invoice.hosted_invoice_url, card)
    still_open = stripe_client.v1.invoices.retrieve(invoice.id).status
    done_status, headers, _ = _open(
        invoice.hosted_invoice_url + "/authenticate", {"decision": "complete"}
    )

    assert asked_status == 200
    assert b"Complete authentication" in challenge
    assert still_open == "open"
    assert done_status == 303
    assert headers["Location"] == f"/pages/invoice/{invoice.id}"
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "paid"


def test_a_failed_challenge_leaves_the_invoice_open(stripe_client: stripe.StripeClient) -> None:
    invoice = _open_invoice(stripe_client)
    card = {"card_number": "4000 0025 0000 3155", "card_expiry": "12/34", "card_cvc": "123"}

    _open(invoice.hosted_invoice_url, card)
    failed_status, _, page = _open(
        invoice.hosted_invoice_url + "/authenticate", {"decision": "fail"}
    )

    assert failed_status == 402
    assert b"not authenticated" in page
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "open"
