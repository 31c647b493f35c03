"""The pages a customer sees on Stripe's own domains (hosted Checkout, the billing portal, the
hosted invoice page), served by the emulator under ``/pages/<kind>/…`` as plain server-rendered
HTML forms, so a real browser can walk them in tests and a newcomer can click through them.

A feature registers its pages with ``@page("checkout")``; the handler gets the path segments
after the kind, the request's method and its form fields, and answers a ``PageResponse`` (HTML,
a redirect, or a PDF)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from stripe_emulator.customers import TEST_CARDS

if TYPE_CHECKING:
    from stripe_emulator.routing import RequestContext
    from stripe_emulator.state import EmulatorState

PAGES_PREFIX = "/pages"

# The card numbers Stripe documents for its hosted pages (https://docs.stripe.com/testing),
# each standing for the test payment method with the same behaviour.
TEST_CARD_NUMBERS: dict[str, str] = {
    "4242424242424242": "pm_card_visa",
    "4000056655665556": "pm_card_visa_debit",
    "5555555555554444": "pm_card_mastercard",
    "378282246310005": "pm_card_amex",
    "4000000000000002": "pm_card_chargeDeclined",
    "4000000000009995": "pm_card_chargeDeclinedInsufficientFunds",
    # Attaches to the customer; every charge of it fails.
    "4000000000000341": "pm_card_chargeCustomerFail",
    # Asks for authentication on session (and when set up); once set up, off-session charges
    # succeed.
    "4000002500003155": "pm_card_authenticationRequiredOnSetup",
    "4000002760003184": "pm_card_authenticationRequired",
    "4000000000005126": "pm_card_refundFail",
}


@dataclass(frozen=True)
class PageResponse:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageRequest:
    state: EmulatorState
    method: str
    # The path segments after /pages/<kind>/.
    segments: list[str]
    form: dict[str, str]
    query: dict[str, str]
    # The emulator's own address as the browser reached it (scheme://host:port).
    base_url: str


PageHandler = Callable[[PageRequest], PageResponse]
PAGE_HANDLERS: dict[str, PageHandler] = {}


def page(kind: str) -> Callable[[PageHandler], PageHandler]:
    def register(handler: PageHandler) -> PageHandler:
        PAGE_HANDLERS[kind] = handler
        return handler

    return register


def page_url(context: RequestContext, kind: str, *segments: str) -> str:
    """Where a browser finds a page, from the API request's own Host (the emulator's address
    as the service reaches it)."""
    host = context.headers.get("Host") or context.headers.get("host") or "127.0.0.1"
    return "/".join([f"http://{host}{PAGES_PREFIX}", kind, *segments])


def page_handle(
    state: EmulatorState, method: str, path: str, query: str, body: bytes, host: str
) -> PageResponse:
    segments = [segment for segment in path.removeprefix(PAGES_PREFIX).split("/") if segment]
    if not segments or segments[0] not in PAGE_HANDLERS:
        return html_response(404, "Not found", "<p>This page does not exist.</p>")
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    request = PageRequest(
        state=state,
        method=method,
        segments=segments[1:],
        form=form,
        query=dict(parse_qsl(query, keep_blank_values=True)),
        base_url=f"http://{host}",
    )
    return PAGE_HANDLERS[segments[0]](request)


def html_response(status: int, title: str, body_html: str) -> PageResponse:
    """A whole page; ``body_html`` is already escaped (build it with ``escape``)."""
    document = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;"
        "padding:0 1rem}label{display:block;margin:.5rem 0}input{width:100%;padding:.4rem}"
        "button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style>"
        f"</head><body><h1>{escape(title)}</h1>{body_html}</body></html>"
    )
    return PageResponse(status, document.encode("utf-8"))


def redirect_response(url: str) -> PageResponse:
    return PageResponse(303, b"", "text/plain", {"Location": url})


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def card_form_fields() -> str:
    """The card fields every hosted page asks for (number, expiry, CVC)."""
    return (
        "<label>Card number <input name=card_number autocomplete=cc-number "
        "inputmode=numeric required></label>"
        "<label>Expiry (MM / YY) <input name=card_expiry autocomplete=cc-exp required></label>"
        "<label>CVC <input name=card_cvc autocomplete=cc-csc inputmode=numeric required></label>"
    )


def card_number_token(card_number: str) -> str | None:
    """The test payment method a typed card number stands for, or None when Stripe's test mode
    would refuse the number."""
    token = TEST_CARD_NUMBERS.get("".join(card_number.split()))
    return token if token in TEST_CARDS else None
