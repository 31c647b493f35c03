"""The hosted invoice page (``hosted_invoice_url``) and the invoice's PDF (``invoice_pdf``), as
Stripe serves them on its own domains: ``/pages/invoice/<id>`` shows the invoice — number,
status, lines and amounts — and, while it is open, a card form that pays it with Stripe's test
card numbers; ``/pages/invoice/<id>/pdf`` is the invoice as a one-page PDF, written by hand.

The pages' address is the emulator's own as the service reaches it: each invoice API request
remembers its Host, and invoices rendered afterwards link there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_emulator.customers import payment_method_resolve
from stripe_emulator.errors import StripeApiError
from stripe_emulator.hosted_pages import (
    PAGES_PREFIX,
    PageRequest,
    PageResponse,
    card_form_fields,
    card_number_token,
    escape,
    html_response,
    page,
    redirect_response,
)
from stripe_emulator.money import format_amount
from stripe_emulator.payments import payment_intent_complete_authentication
from stripe_emulator.subscription_items import format_date

if TYPE_CHECKING:
    from stripe_emulator.routing import RequestContext
    from stripe_emulator.state import EmulatorState

# Where the pages' address is kept: on the account, whose "_" keys are never rendered.
_PAGES_BASE_KEY = "_pages_base_url"
# Before any invoice request said where the emulator is: the command line's default address.
DEFAULT_PAGES_BASE = "http://127.0.0.1:12111"


def invoice_pages_remember(context: RequestContext) -> None:
    host = context.headers.get("Host") or context.headers.get("host")
    if host:
        context.state.account[_PAGES_BASE_KEY] = f"http://{host}"


def invoice_page_links(state: EmulatorState, invoice_id: str) -> tuple[str, str]:
    """The hosted invoice page and the PDF of an invoice."""
    base = state.account.get(_PAGES_BASE_KEY) or DEFAULT_PAGES_BASE
    page_address = f"{base}{PAGES_PREFIX}/invoice/{invoice_id}"
    return page_address, f"{page_address}/pdf"


def _amount(amount: int, currency: str) -> str:
    return format_amount(amount, currency)


def _invoice_lines(state: EmulatorState, invoice: dict[str, Any]) -> list[dict[str, Any]]:
    from stripe_emulator.invoices import invoice_lines

    return invoice_lines(state, invoice["id"])


def _page_body(state: EmulatorState, invoice: dict[str, Any], error: str = "") -> str:
    currency = invoice["currency"]
    rows = "".join(
        f"<tr><td>{escape(line['description'])}</td><td>{escape(line['quantity'])}</td>"
        f"<td>{escape(_amount(line['amount'], currency))}</td></tr>"
        for line in _invoice_lines(state, invoice)
    )
    parts = [
        f"<p>Status: <strong class=status>{escape(invoice['status'])}</strong></p>",
        f"<p>Billed to {escape(invoice['customer_email'] or invoice['customer'])}</p>",
        "<table><thead><tr><th>Description</th><th>Qty</th><th>Amount</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
        f"<p>Total: {escape(_amount(invoice['total'], currency))}</p>",
        f"<p>Amount paid: {escape(_amount(invoice['amount_paid'], currency))}</p>",
        f"<p>Amount due: <strong class=amount-remaining>"
        f"{escape(_amount(invoice['amount_remaining'], currency))}</strong></p>",
    ]
    if invoice["status_transitions"]["finalized_at"]:
        parts.append(
            f"<p>Issued {escape(format_date(invoice['status_transitions']['finalized_at']))}</p>"
        )
    if error:
        parts.append(f"<p class=error role=alert>{escape(error)}</p>")
    if invoice["status"] in ("open", "uncollectible"):
        parts.append(
            f"<form method=post action='{PAGES_PREFIX}/invoice/{escape(invoice['id'])}'>"
            f"{card_form_fields()}"
            f"<button type=submit>Pay {escape(_amount(invoice['amount_remaining'], currency))}"
            "</button></form>"
        )
    parts.append(
        f"<p><a href='{PAGES_PREFIX}/invoice/{escape(invoice['id'])}/pdf'>Download PDF</a></p>"
    )
    return "".join(parts)


def _title(invoice: dict[str, Any]) -> str:
    return f"Invoice {invoice['number'] or invoice['id']}"


def _pay_with_card(state: EmulatorState, invoice: dict[str, Any], card_number: str) -> str:
    """Pays the invoice on session with the card typed; answers the error to show, or ''."""
    from stripe_emulator.invoices import invoice_attempt_payment

    token = card_number_token(card_number)
    if token is None:
        return "Your card number is incorrect."
    payment_method = payment_method_resolve(state, token)
    try:
        error: StripeApiError | None = invoice_attempt_payment(
            state, invoice, off_session=False, payment_method_id=payment_method["id"]
        )
    except StripeApiError as raised:
        error = raised
    if error is not None:
        return error.message
    return ""


def _authentication_page(invoice: dict[str, Any]) -> PageResponse:
    """The 3-D Secure challenge of the invoice's payment, answered as the customer would."""
    action = f"{PAGES_PREFIX}/invoice/{escape(invoice['id'])}/authenticate"
    return html_response(
        200,
        "Authenticate your payment",
        "<p>Your bank asks you to confirm this payment (3-D Secure test).</p>"
        f"<form method=post action='{action}'>"
        "<button type=submit name=decision value=complete>Complete authentication</button> "
        "<button type=submit name=decision value=fail>Fail authentication</button></form>",
    )


def _authenticate(state: EmulatorState, invoice: dict[str, Any], decision: str) -> str:
    """Completes (or fails) the challenge; answers the error to show, or ''."""
    intent = state.find(invoice.get("_payment_intent"), "payment_intent")
    if intent is None or intent["status"] != "requires_action":
        return "There is no payment waiting for authentication."
    payment_intent_complete_authentication(state, intent, succeed=decision == "complete")
    if intent["status"] != "succeeded":
        return "The payment was not authenticated."
    return ""


@page("invoice")
def invoice_page(request: PageRequest) -> PageResponse:
    state = request.state
    with state.lock:
        invoice = state.find(request.segments[0] if request.segments else None, "invoice")
        if invoice is None or invoice["status"] == "draft" or len(request.segments) > 2:
            return html_response(404, "Not found", "<p>This invoice does not exist.</p>")
        authenticating = request.segments[1:] == ["authenticate"] and request.method == "POST"
        if len(request.segments) == 2 and not authenticating:
            if request.segments[1] != "pdf" or request.method != "GET":
                return html_response(404, "Not found", "<p>This page does not exist.</p>")
            return PageResponse(
                200,
                invoice_pdf_document(state, invoice),
                "application/pdf",
                {"Content-Disposition": f"inline; filename={invoice['number']}.pdf"},
            )
        if request.method == "GET":
            return html_response(200, _title(invoice), _page_body(state, invoice))
        if invoice["status"] not in ("open", "uncollectible"):
            return html_response(
                409, _title(invoice), _page_body(state, invoice, "This invoice cannot be paid.")
            )
        from stripe_emulator.test_clocks import request_frozen_time

        # The payment happens in the customer's time: its test clock's, for one on a clock.
        previous_frozen_time = state.frozen_time
        state.frozen_time = request_frozen_time(state, {}, [invoice["id"]])
        try:
            if authenticating:
                error = _authenticate(state, invoice, request.form.get("decision", ""))
            else:
                error = _pay_with_card(state, invoice, request.form.get("card_number", ""))
        finally:
            state.frozen_time = previous_frozen_time
        if error:
            return html_response(402, _title(invoice), _page_body(state, invoice, error))
        if invoice["status"] != "paid":
            # The card asks for the customer's authentication first (4000 0025 0000 3155).
            return _authentication_page(invoice)
        return redirect_response(f"{PAGES_PREFIX}/invoice/{invoice['id']}")


# The PDF: one page of Helvetica text, objects numbered 1..5, with a cross-reference table of
# their byte offsets, as PDF 1.4 (ISO 32000-1, section 7.5) lays a file out.


def _pdf_text(text: str) -> str:
    """A PDF literal string's content in WinAnsi (cp1252), with its delimiters escaped."""
    printable = text.encode("cp1252", "replace").decode("cp1252")
    return printable.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _invoice_pdf_lines(state: EmulatorState, invoice: dict[str, Any]) -> list[str]:
    currency = invoice["currency"]
    text = [
        f"Invoice {invoice['number'] or invoice['id']}",
        f"{invoice['account_name'] or 'Stripe emulator'}",
        f"Billed to: {invoice['customer_email'] or invoice['customer']}",
        f"Status: {invoice['status']}",
        f"Period: {format_date(invoice['period_start'])} - {format_date(invoice['period_end'])}",
        "",
    ]
    for line in _invoice_lines(state, invoice):
        text.append(
            f"{line['description']}  x{line['quantity']}  {_amount(line['amount'], currency)}"
        )
    text += [
        "",
        f"Total: {_amount(invoice['total'], currency)}",
        f"Amount paid: {_amount(invoice['amount_paid'], currency)}",
        f"Amount due: {_amount(invoice['amount_remaining'], currency)}",
    ]
    return text


def invoice_pdf_document(state: EmulatorState, invoice: dict[str, Any]) -> bytes:
    operations = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
    for line in _invoice_pdf_lines(state, invoice):
        operations.append(f"({_pdf_text(line)}) Tj T*")
    operations.append("ET")
    stream = "\n".join(operations).encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    document = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_offset = len(document)
    document += f"xref\n0 {len(objects) + 1}\n".encode()
    document += b"0000000000 65535 f \n"
    for offset in offsets:
        document += f"{offset:010d} 00000 n \n".encode()
    document += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n"
    ).encode()
    return bytes(document)
