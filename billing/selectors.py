from django.db.models import Prefetch

from api.errors import NotFoundError
from billing.models import (
    CheckoutSession,
    Customer,
    Discount,
    Invoice,
    Subscription,
    SubscriptionStatus,
)
from catalog.selectors import PLAN_JOIN
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet


def customer_get(*, app: App, customer_id: str) -> Customer:
    try:
        return Customer.objects.for_app(app).get(pk=customer_id)
    except Customer.DoesNotExist:
        raise NotFoundError("customer", param="customer") from None


def customer_get_by_reference(*, app: App, reference: str) -> Customer:
    """A customer by our id (`cus_…`) or by the app's own `external_id`."""
    customers = Customer.objects.for_app(app)
    customer = customers.filter(pk=reference).first() if reference.startswith("cus_") else None
    if customer is None:
        customer = customers.filter(external_id=reference).first()
    if customer is None:
        raise NotFoundError("customer", param="customer")
    return customer


def customer_list(*, app: App, external_id: str | None = None) -> TenantScopedQuerySet[Customer]:
    customers = Customer.objects.for_app(app)
    if external_id is not None:
        customers = customers.filter(external_id=external_id)
    return customers


# The subscriptions whose plan governs usage and entitlements: a customer's current one is the
# newest of these.
CURRENT_SUBSCRIPTION_STATUSES = (
    SubscriptionStatus.TRIALING,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE,
)

# SQL fragments over billing's tables, for the apps above that keep a hot path in one statement
# (usage's ingestion and entitlements): they compose these rather than spell out our columns.

# CURRENT_SUBSCRIPTION_STATUSES as an SQL array: constants of ours, written into the statements
# rather than sent with each execution (psycopg's list adaptation showed on the hot paths).
CURRENT_STATUSES_SQL = "ARRAY[{}]".format(
    ", ".join(f"'{status}'" for status in CURRENT_SUBSCRIPTION_STATUSES)
)

# For statements that start from a customer reference (%(app)s, %(reference)s): CTEs
# `customer` (one row if the customer exists: id, by our id first, else the app's external_id)
# and `subscription` (its current subscription: id, plan_id, plan_version_id, starts, ends).
CUSTOMER_SUBSCRIPTION_CTES = """customer AS (
    -- our id first, else the app's external_id; each through its own unique index
    SELECT found.id
      FROM (SELECT c.id, 0 AS preference
              FROM billing_customer c
             WHERE c.id = %(reference)s AND c.app_id = %(app)s
            UNION ALL
            SELECT c.id, 1
              FROM billing_customer c
             WHERE c.app_id = %(app)s AND c.external_id = %(reference)s) found
     ORDER BY found.preference
     LIMIT 1
), subscription AS (
    SELECT s.id, s.plan_id, s.plan_version_id, s.current_period_start AS starts,
           s.current_period_end AS ends
      FROM customer
     CROSS JOIN LATERAL (
            SELECT s.*
              FROM billing_subscription s
             WHERE s.app_id = %(app)s AND s.customer_id = customer.id
               AND s.status = ANY({statuses})
             ORDER BY s.created_at DESC
             LIMIT 1) s
)""".replace("{statuses}", CURRENT_STATUSES_SQL)

# After CUSTOMER_SUBSCRIPTION_CTES: CTE `customer_plan`, one row if the customer exists:
# customer_id, subscription_id, plan_id, plan_version_id, starts, ends (NULLs without a current
# subscription) and the plan's quotas.
CUSTOMER_PLAN_CTE = """customer_plan AS (
    SELECT customer.id AS customer_id, subscription.id AS subscription_id,
           subscription.plan_id, subscription.plan_version_id, subscription.starts,
           subscription.ends, plan.quotas
      FROM customer
      LEFT JOIN subscription ON TRUE
      {plan_join}
)""".replace("{plan_join}", PLAN_JOIN.format(alias="plan", plan_id="subscription.plan_id"))

# Both of the above: follow with `WITH {this}, …`.
CUSTOMER_PLAN_CTES = f"{CUSTOMER_SUBSCRIPTION_CTES}, {CUSTOMER_PLAN_CTE}"

# Customers by our ids (%(ids)s) or the app's external ids (%(references)s), each with its
# current subscription and plan quotas: customer id, external_id, provider_customer_id,
# subscription id, plan_id, plan_version_id, current_period_start, current_period_end, quotas.
CUSTOMER_CONTEXT_SQL = """
SELECT c.id, c.external_id, c.provider_customer_id, s.id, s.plan_id, s.plan_version_id,
       s.current_period_start, s.current_period_end, p.quotas
  FROM (SELECT c.* FROM billing_customer c WHERE c.id = ANY(%(ids)s) AND c.app_id = %(app)s
        UNION
        SELECT c.* FROM billing_customer c
         WHERE c.app_id = %(app)s AND c.external_id = ANY(%(references)s)) c
  LEFT JOIN LATERAL (
        SELECT s.id, s.plan_id, s.plan_version_id, s.current_period_start, s.current_period_end
          FROM billing_subscription s
         WHERE s.app_id = c.app_id AND s.customer_id = c.id AND s.status = ANY({statuses})
         ORDER BY s.created_at DESC
         LIMIT 1) s ON TRUE
  {plan_join}
""".replace("{statuses}", CURRENT_STATUSES_SQL).replace(
    "{plan_join}", PLAN_JOIN.format(alias="p", plan_id="s.plan_id")
)

# Joins `c`, the customer of {customer_id}, only when the provider knows it.
CUSTOMER_AT_PROVIDER_JOIN = (
    "JOIN billing_customer c ON c.id = {customer_id} AND c.provider_customer_id <> ''"
)


# Subscriptions


def subscriptions_for_app(app: App) -> TenantScopedQuerySet[Subscription]:
    return Subscription.objects.for_app(app).select_related(
        "app", "customer", "plan", "plan_version"
    )


def subscription_get(*, app: App, subscription_id: str) -> Subscription:
    subscription = subscriptions_for_app(app).filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFoundError("subscription")
    return subscription


def subscription_list(
    *, app: App, customer: str | None = None, status: str | None = None
) -> TenantScopedQuerySet[Subscription]:
    # Each row's live discount in one query for the page, not one per row.
    subscriptions = subscriptions_for_app(app).prefetch_related(
        Prefetch(
            "discounts",
            queryset=Discount.objects.for_app(app)
            .filter(removed_at__isnull=True)
            .order_by("-created_at"),
            to_attr="live_discounts",
        )
    )
    if customer:
        subscriptions = subscriptions.filter(customer_id=customer)
    if status:
        subscriptions = subscriptions.filter(status=status)
    return subscriptions


# Checkout sessions


def checkout_session_get(*, app: App, checkout_session_id: str) -> CheckoutSession:
    session = CheckoutSession.objects.for_app(app).filter(pk=checkout_session_id).first()
    if session is None:
        raise NotFoundError("checkout session")
    return session


def checkout_session_list(
    *, app: App, customer: str | None = None, status: str | None = None
) -> TenantScopedQuerySet[CheckoutSession]:
    sessions = CheckoutSession.objects.for_app(app)
    if customer:
        sessions = sessions.filter(customer_id=customer)
    if status:
        sessions = sessions.filter(status=status)
    return sessions


# Invoices


def invoices_for_app(app: App) -> TenantScopedQuerySet[Invoice]:
    return Invoice.objects.for_app(app).prefetch_related("attempts", "credit_uses__grant")


def invoice_get(*, app: App, invoice_id: str) -> Invoice:
    invoice = invoices_for_app(app).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFoundError("invoice")
    return invoice


def invoice_list(
    *,
    app: App,
    customer: str | None = None,
    subscription: str | None = None,
    status: str | None = None,
) -> TenantScopedQuerySet[Invoice]:
    invoices = invoices_for_app(app)
    if customer:
        invoices = invoices.filter(customer_id=customer)
    if subscription:
        invoices = invoices.filter(subscription_id=subscription)
    if status:
        invoices = invoices.filter(status=status)
    return invoices
