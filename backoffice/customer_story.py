"""A customer's whole story on its admin page: subscriptions, invoices, payments and refunds, this
period's usage, grace periods and the audit trail of all of them. Here, at the top of the
layers, because the story reads every app's tables; billing's own customer admin knows only
billing."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from audit.models import AuditEvent
from billing.admin import CustomerAdmin
from billing.models import Customer, Invoice, Payment, Refund, Subscription
from grace.models import GracePeriod
from usage.models import UsageRollup

# The page shows the newest rows of each kind; the section's link lists the rest.
STORY_ROWS = 50


@dataclass(frozen=True)
class CustomerStory:
    subscriptions: list[Subscription]
    invoices: list[Invoice]
    payments: list[Payment]
    refunds: list[Refund]
    usage: list[UsageRollup]
    grace_periods: list[GracePeriod]
    audit_events: list[AuditEvent]


def customer_story(customer: Customer, *, now: datetime | None = None) -> CustomerStory:
    now = now or timezone.now()
    app = customer.app
    subscriptions = list(
        Subscription.objects.for_app(app)
        .filter(customer=customer)
        .select_related("plan")
        .order_by("-created_at")[:STORY_ROWS]
    )
    invoices = list(
        Invoice.objects.for_app(app)
        .filter(customer=customer)
        .prefetch_related("attempts")
        .order_by("-created_at")[:STORY_ROWS]
    )
    payments = list(
        Payment.objects.for_app(app).filter(customer=customer).order_by("-created_at")[:STORY_ROWS]
    )
    refunds = list(
        Refund.objects.for_app(app)
        .filter(payment__customer=customer)
        .order_by("-created_at")[:STORY_ROWS]
    )
    usage = list(
        UsageRollup.objects.for_app(app)
        .filter(customer=customer, period_start__lte=now, period_end__gt=now)
        .select_related("metric")
        .order_by("metric__code")
    )
    grace_periods = list(
        GracePeriod.objects.for_app(app)
        .filter(customer=customer)
        .select_related("metric")
        .order_by("-starts_at")[:STORY_ROWS]
    )
    targets = {customer.pk}
    for rows in (subscriptions, invoices, payments, refunds, grace_periods):
        targets.update(row.pk for row in rows)
    audit_events = list(
        AuditEvent.objects.for_app(app)
        .filter(target_id__in=targets)
        .order_by("-created_at")[:STORY_ROWS]
    )
    return CustomerStory(
        subscriptions=subscriptions,
        invoices=invoices,
        payments=payments,
        refunds=refunds,
        usage=usage,
        grace_periods=grace_periods,
        audit_events=audit_events,
    )


class CustomerStoryAdmin(CustomerAdmin):
    change_form_template = "admin/billing/customer/story_change_form.html"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The URL holds the id quoted as the admin quotes it (`_` is `_5F`).
        customer = self.get_object(request, unquote(object_id))
        story = customer_story(customer) if customer is not None else None
        return super().change_view(
            request, object_id, form_url, {"story": story, **(extra_context or {})}
        )
