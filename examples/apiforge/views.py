import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from payment_service_client import api, models

from demo_common import catalog
from demo_common.accounts import account_of
from demo_common.client import service
from demo_common.models import Account

from .hooks import METRIC, PLANS
from .models import ApiKey
from .usage import usage_flush, usage_pending, usage_record

LIVE_STATUSES = {"trialing", "active", "past_due"}


def _account(request: HttpRequest) -> Account:
    account = account_of(request.user)
    if account is None:
        raise Http404
    return account


def _subscription(customer_id: str) -> models.SubscriptionOutput | None:
    for subscription in service().iterate(
        api.v1_subscriptions_list.sync_detailed, customer=customer_id
    ):
        if str(subscription.status) in LIVE_STATUSES:
            return subscription
    return None


def forge(*, customer_id: str, units: int) -> tuple[int, dict[str, object]]:
    """One API request: allowed only if the customer's entitlement has room for its units
    (counting what is recorded but not yet reported), then recorded for the next batch."""
    entitlement = service().call(
        api.v1_customers_entitlements_retrieve.sync_detailed, id=customer_id, metric=METRIC
    )
    pending = usage_pending(customer_id)
    remaining = None if entitlement.remaining is None else entitlement.remaining - pending
    if not entitlement.allowed or (remaining is not None and units > remaining):
        return 429, {
            "error": "quota_exceeded",
            "message": f"This request needs {units} units; {max(remaining or 0, 0)} are left "
            "this period.",
            "reason": entitlement.reason,
            "limit": entitlement.limit,
        }
    usage_record(customer_id=customer_id, units=units)
    return 200, {
        "forged": f"{units} units of finest API output",
        "units": units,
        "remaining": None if remaining is None else remaining - units,
    }


@csrf_exempt
def api_forge(request: HttpRequest) -> JsonResponse:
    """`POST /api/v1/forge {"units": N}` with `Authorization: Bearer afk_…`."""
    if request.method != "POST":
        return JsonResponse({"error": "method_not_allowed"}, status=405)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    key = ApiKey.objects.select_related("user__account").filter(key=token).first()
    if key is None:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    try:
        units = int(json.loads(request.body or b"{}").get("units", 1))
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"error": "invalid_request", "message": "units: a number"}, status=400)
    if not 1 <= units <= 100_000:
        return JsonResponse(
            {"error": "invalid_request", "message": "units: 1 to 100,000"}, status=400
        )
    status, body = forge(customer_id=key.user.account.customer_id, units=units)
    return JsonResponse(body, status=status)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "apiforge/home.html")


@login_required
def pricing(request: HttpRequest) -> HttpResponse:
    plans = catalog.plans(service())
    return render(
        request,
        "apiforge/pricing.html",
        {"plans": [plans[spec["code"]] for spec in PLANS if spec["code"] in plans]},
    )


@login_required
@require_POST
def subscribe(request: HttpRequest, code: str) -> HttpResponse:
    account = _account(request)
    url = catalog.subscription_checkout_url(
        service(),
        customer_id=account.customer_id,
        plan_code=code,
        success_url=f"{settings.DEMO_BASE_URL}/dashboard/",
        cancel_url=f"{settings.DEMO_BASE_URL}/pricing/",
    )
    if url is None:
        raise Http404
    return redirect(url)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    subscription = _subscription(account.customer_id)
    if subscription is None:
        if request.GET.get("checkout"):
            return render(request, "apiforge/confirming.html")
        return redirect("pricing")
    key, _ = ApiKey.objects.get_or_create(user=request.user)
    if request.method == "POST":
        asked = request.POST.get("units", "")
        units = int(asked) if asked.isdigit() and int(asked) > 0 else 1
        status, body = forge(customer_id=account.customer_id, units=units)
        (messages.success if status == 200 else messages.error)(
            request, f"{status}: {body.get('forged') or body.get('message')}"
        )
        return redirect("dashboard")
    entitlement = service().call(
        api.v1_customers_entitlements_retrieve.sync_detailed,
        id=account.customer_id,
        metric=METRIC,
    )
    invoices = list(
        service().iterate(api.v1_invoices_list.sync_detailed, customer=account.customer_id)
    )
    return render(
        request,
        "apiforge/dashboard.html",
        {
            "key": key,
            "subscription": subscription,
            "entitlement": entitlement,
            "pending": usage_pending(account.customer_id),
            "api_url": f"{settings.DEMO_BASE_URL}/api/v1/forge",
            "invoices": invoices,
        },
    )


@login_required
@require_POST
def report_now(request: HttpRequest) -> HttpResponse:
    sent = usage_flush()
    messages.info(request, f"Reported {sent} usage events to payment-service.")
    return redirect(request.POST.get("next") or "dashboard")


@login_required
def invoice(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    upcoming = service().call(
        api.v1_customers_upcoming_invoice_retrieve.sync_detailed, id=account.customer_id
    )
    return render(
        request,
        "apiforge/invoice.html",
        {"upcoming": upcoming, "pending": usage_pending(account.customer_id)},
    )
