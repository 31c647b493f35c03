from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from payment_service_client import PaymentServiceError, api, models

from demo_common import catalog
from demo_common.accounts import account_of
from demo_common.client import service
from demo_common.models import Account

from .hooks import PLANS, grace_period_of, subscription_of
from .models import Message

# Business is the upgrade; Team the downgrade, at the end of what is paid for.
RANK = {"team-monthly": 1, "team-yearly": 1, "business-monthly": 2}


def _account(request: HttpRequest) -> Account:
    account = account_of(request.user)
    if account is None:
        raise Http404
    return account


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("chat")
    return render(request, "teamchat/home.html")


@login_required
def pricing(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    plans = catalog.plans(service())
    offered = [plans[spec["code"]] for spec in PLANS if spec["code"] in plans]
    current = subscription_of(account.customer_id)
    return render(request, "teamchat/pricing.html", {"plans": offered, "current": current})


@login_required
@require_POST
def subscribe(request: HttpRequest, code: str) -> HttpResponse:
    account = _account(request)
    url = catalog.subscription_checkout_url(
        service(),
        customer_id=account.customer_id,
        plan_code=code,
        success_url=f"{settings.DEMO_BASE_URL}/billing/",
        cancel_url=f"{settings.DEMO_BASE_URL}/pricing/",
    )
    if url is None:
        raise Http404
    return redirect(url)


@login_required
def billing(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    subscription = subscription_of(account.customer_id)
    if subscription is None and request.GET.get("checkout"):
        # Back from Checkout before the provider has told the service: look again shortly.
        return render(request, "teamchat/confirming.html")
    plans = catalog.plans(service())
    by_id = {plan.id: plan for plan in plans.values()}
    plan = by_id.get(subscription.plan) if subscription else None
    pending = subscription.pending_change if subscription else None
    changes = []
    if plan is not None and subscription is not None:
        trialing = str(subscription.status) == "trialing"
        for code, other in plans.items():
            if code == plan.code or code not in RANK:
                continue
            # In the trial nothing is paid yet: every change applies at once.
            now = trialing or RANK[code] >= RANK.get(plan.code, 0)
            changes.append({"plan": other, "upgrade": now})
    invoices = list(
        service().iterate(api.v1_invoices_list.sync_detailed, customer=account.customer_id)
    )
    return render(
        request,
        "teamchat/billing.html",
        {
            "subscription": subscription,
            "plan": plan,
            "pending": pending,
            "pending_plan": by_id.get(pending.plan) if pending else None,
            "changes": changes,
            "invoices": invoices,
            "grace": grace_period_of(account.customer_id),
        },
    )


@login_required
@require_POST
def change(request: HttpRequest, code: str) -> HttpResponse:
    """An upgrade (or a switch between Team's intervals) at once, prorated; a downgrade at the
    end of the period already paid for."""
    account = _account(request)
    subscription = subscription_of(account.customer_id)
    plans = catalog.plans(service())
    target = plans.get(code)
    if subscription is None or target is None:
        raise Http404
    current = next((p for p in plans.values() if p.id == subscription.plan), None)
    downgrade = (
        str(subscription.status) != "trialing"
        and current is not None
        and RANK.get(code, 0) < RANK.get(current.code, 0)
    )
    try:
        service().call(
            api.v1_subscriptions_change_plan_create.sync_detailed,
            id=subscription.id,
            body=models.SubscriptionChangePlanInputRequest.from_dict(
                {"plan": target.id, "at": "period_end" if downgrade else "now"}
            ),
        )
    except PaymentServiceError as error:
        messages.error(request, f"The change was refused: {error}")
    else:
        messages.success(
            request,
            f"{target.name} from the end of this period."
            if downgrade
            else f"You are on {target.name} now.",
        )
    return redirect("billing")


@login_required
@require_POST
def pending_cancel(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    subscription = subscription_of(account.customer_id)
    if subscription is not None:
        service().call(
            api.v1_subscriptions_pending_change_cancel_create.sync_detailed, id=subscription.id
        )
        messages.success(request, "The scheduled change is cancelled.")
    return redirect("billing")


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    session = service().call(
        api.v1_customers_portal_sessions_create.sync_detailed,
        id=account.customer_id,
        body=models.PortalSessionCreateInputRequest(
            return_url=f"{settings.DEMO_BASE_URL}/billing/"
        ),
    )
    return redirect(session.url)


@login_required
def chat(request: HttpRequest) -> HttpResponse:
    """The product: open while the subscription is live (in its trial, paid, or in grace)."""
    account = _account(request)
    subscription = subscription_of(account.customer_id)
    if subscription is None:
        messages.info(request, "Pick a plan to start chatting: the first 14 days are free.")
        return redirect("pricing")
    if request.method == "POST" and (text := request.POST.get("text", "").strip()):
        Message.objects.create(user=request.user, text=text[:500])
        return redirect("chat")
    entitlements = service().call(
        api.v1_customers_entitlements_list.sync_detailed, id=account.customer_id
    )
    return render(
        request,
        "teamchat/chat.html",
        {
            "chat_messages": Message.objects.select_related("user")[:200],
            "features": entitlements.features,
            "subscription": subscription,
        },
    )
