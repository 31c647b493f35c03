from typing import Any

from payment_service_client import PaymentService, api

from demo_common.client import service
from demo_common.events import event_object

from .models import Purchase


def catalog_ensure(_: PaymentService) -> None:
    """Nothing to make: courses are priced by the demo and paid once."""


def purchase_complete(purchase: Purchase) -> bool:
    """Reads the purchase's Checkout session; once complete, keeps the payment it made."""
    if purchase.payment_id:
        return True
    session = service().call(
        api.v1_checkout_sessions_retrieve.sync_detailed, id=purchase.checkout_session_id
    )
    if str(session.status) == "complete" and isinstance(session.payment, str):
        purchase.payment_id = session.payment
        purchase.save(update_fields=["payment_id"])
        return True
    return False


def on_event(event: dict[str, Any]) -> None:
    """A payment succeeded: whichever of the customer's purchases it completes is now paid, even
    if the buyer closed the tab before coming back from Checkout."""
    if event["type"] != "payment.succeeded":
        return
    customer = event_object(event).get("customer")
    for purchase in Purchase.objects.filter(payment_id="", user__account__customer_id=customer):
        purchase_complete(purchase)
