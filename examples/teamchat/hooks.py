from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from payment_service_client import PaymentService, PaymentServiceError, api, models

from demo_common import catalog
from demo_common.accounts import account_of
from demo_common.client import service

FEATURES = [
    {"code": "sso", "name": "Single sign-on", "type": "boolean"},
    {"code": "history", "name": "Message history", "type": "static"},
]
TRIAL_DAYS = 14
PLANS = [
    {
        "code": "team-monthly",
        "name": "Team (monthly)",
        "base": {"amount": 800, "interval": "month"},
        "trial_period_days": TRIAL_DAYS,
        "features": {"sso": False, "history": "90 days"},
    },
    {
        "code": "team-yearly",
        "name": "Team (yearly)",
        "base": {"amount": 8000, "interval": "year"},
        "trial_period_days": TRIAL_DAYS,
        "features": {"sso": False, "history": "90 days"},
    },
    {
        "code": "business-monthly",
        "name": "Business (monthly)",
        "base": {"amount": 2000, "interval": "month"},
        "trial_period_days": TRIAL_DAYS,
        "features": {"sso": True, "history": "unlimited"},
    },
]
LIVE_STATUSES = {"trialing", "active", "past_due"}


def catalog_ensure(client: PaymentService) -> None:
    catalog.features_ensure(client, FEATURES)
    catalog.plans_ensure(client, PLANS)


def subscription_of(customer_id: str) -> models.SubscriptionOutput | None:
    """The customer's current subscription, as the service holds it."""
    for subscription in service().iterate(
        api.v1_subscriptions_list.sync_detailed, customer=customer_id
    ):
        if str(subscription.status) in LIVE_STATUSES:
            return subscription
    return None


def grace_period_of(customer_id: str) -> models.GracePeriodOutput | None:
    page = service().call(
        api.v1_grace_periods_list.sync_detailed,
        customer=customer_id,
        status=models.V1GracePeriodsListStatus.ACTIVE,
    )
    return page.data[0] if page.data else None


def context(request: HttpRequest) -> dict[str, Any]:
    """The grace banner on every page while the customer's payment is overdue."""
    account = account_of(request.user)
    if account is None:
        return {}
    try:
        grace = grace_period_of(account.customer_id)
    except PaymentServiceError:
        return {}
    if grace is None:
        return {}
    return {
        "banner": format_html(
            "Your last payment failed. TeamChat stays open until <strong>{}</strong>: "
            '<a href="{}">update your card in the billing portal</a>.',
            f"{grace.ends_at:%Y-%m-%d}",
            reverse("portal"),
        )
    }
