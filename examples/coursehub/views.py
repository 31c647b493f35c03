from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from payment_service_client import PaymentServiceError, api, models

from demo_common.accounts import account_of
from demo_common.client import service

from .courses import COURSES
from .hooks import purchase_complete
from .models import Purchase


def _owned(request: HttpRequest) -> dict[str, Purchase]:
    if not request.user.is_authenticated:
        return {}
    return {
        purchase.course: purchase
        for purchase in Purchase.objects.filter(user=request.user).exclude(payment_id="")
    }


def _payment_state(payment_id: str) -> dict[str, object]:
    payment = service().call(api.v1_payments_retrieve.sync_detailed, id=payment_id)
    if payment.amount_refunded >= payment.amount:
        state = "refunded"
    elif payment.amount_refunded:
        state = "partially refunded"
    else:
        state = str(payment.status)
    return {"payment": payment, "state": state, "active": payment.amount_refunded < payment.amount}


def catalog(request: HttpRequest) -> HttpResponse:
    owned = _owned(request)
    courses = [(course, owned.get(course.slug)) for course in COURSES.values()]
    return render(request, "coursehub/catalog.html", {"courses": courses})


@login_required
@require_POST
def buy(request: HttpRequest, slug: str) -> HttpResponse:
    course = COURSES.get(slug)
    account = account_of(request.user)
    if course is None or account is None:
        raise Http404
    purchase = Purchase(user=request.user, course=slug, amount=course.price)
    session = service().call(
        api.v1_checkout_sessions_create.sync_detailed,
        body=models.CheckoutSessionCreateInputRequest.from_dict(
            {
                "mode": "payment",
                "customer": account.customer_id,
                "amount": course.price,
                "currency": "usd",
                "description": course.title,
                "metadata": {"course": slug},
                "success_url": f"{settings.DEMO_BASE_URL}/purchases/return/?session="
                "{CHECKOUT_SESSION_ID}",
                "cancel_url": f"{settings.DEMO_BASE_URL}/",
            }
        ),
    )
    purchase.checkout_session_id = session.id
    purchase.save()
    request.session["checkout"] = session.id
    return redirect(str(session.url))


@login_required
def checkout_return(request: HttpRequest) -> HttpResponse:
    """Back from Checkout: the session this browser started, read from the service."""
    purchase = get_object_or_404(
        Purchase, user=request.user, checkout_session_id=request.session.get("checkout", "")
    )
    if purchase_complete(purchase):
        messages.success(request, f"Paid! {COURSES[purchase.course].title} is yours.")
        return redirect("course", slug=purchase.course)
    # The provider tells the service in a moment: this page looks again every second.
    return render(request, "coursehub/confirming.html", {"course": COURSES[purchase.course]})


@login_required
def course(request: HttpRequest, slug: str) -> HttpResponse:
    purchase = _owned(request).get(slug)
    if purchase is None or slug not in COURSES:
        raise Http404
    state = _payment_state(purchase.payment_id)
    lesson = request.GET.get("lesson")
    return render(
        request,
        "coursehub/course.html",
        {"course": COURSES[slug], "purchase": purchase, "lesson": lesson, **state},
    )


@login_required
def purchases(request: HttpRequest) -> HttpResponse:
    rows = [
        (purchase, COURSES[purchase.course], _payment_state(purchase.payment_id))
        for purchase in _owned(request).values()
    ]
    return render(request, "coursehub/purchases.html", {"rows": rows})


@staff_member_required(login_url="/login/")
def admin_panel(request: HttpRequest) -> HttpResponse:
    """Every payment of the app as the service holds it, each with its refunds."""
    payments = list(service().iterate(api.v1_payments_list.sync_detailed, limit=100))
    refunds: dict[str, list[models.RefundOutput]] = {}
    for refund in service().iterate(api.v1_refunds_list.sync_detailed, limit=100):
        refunds.setdefault(refund.payment, []).append(refund)
    titles = {
        p.payment_id: COURSES[p.course].title for p in Purchase.objects.exclude(payment_id="")
    }
    rows = [
        {
            "payment": payment,
            "title": titles.get(payment.id, payment.description),
            "refunds": refunds.get(payment.id, []),
            "refundable": payment.amount - payment.amount_refunded,
        }
        for payment in payments
    ]
    return render(request, "coursehub/admin.html", {"rows": rows})


@staff_member_required(login_url="/login/")
@require_POST
def refund(request: HttpRequest, payment_id: str) -> HttpResponse:
    dollars = (request.POST.get("amount") or "").strip()
    body: dict[str, object] = {"reason": "requested_by_customer"}
    if dollars:
        try:
            body["amount"] = int((Decimal(dollars) * 100).to_integral_value())
        except InvalidOperation:
            messages.error(request, f"Not an amount: {dollars}")
            return redirect("admin_panel")
    try:
        made = service().call(
            api.v1_payments_refunds_create.sync_detailed,
            id=payment_id,
            body=models.RefundCreateInputRequest.from_dict(body),
        )
    except PaymentServiceError as error:
        messages.error(request, f"Refund refused: {error}")
    else:
        messages.success(request, f"Refunded ${made.amount / 100:.2f} ({made.status}).")
    return redirect("admin_panel")
