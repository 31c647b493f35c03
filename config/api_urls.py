"""Every tenant route under /v1/. Each app contributes its routes through its own router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from audit.apis import AuditEventViewSet
from billing.apis import (
    CheckoutSessionViewSet,
    CouponViewSet,
    CustomerCreditViewSet,
    CustomerViewSet,
    InvoiceViewSet,
    PaymentViewSet,
    PromotionCodeViewSet,
    RefundViewSet,
    SubscriptionViewSet,
    TestClockViewSet,
)
from catalog.apis import FeatureViewSet, MetricViewSet, PlanViewSet
from grace.apis import GracePeriodViewSet
from notifications.apis import WebhookEndpointViewSet
from tenants.views import AppView
from usage.apis import CustomerUsageViewSet, UsageAlertViewSet, UsageViewSet

router = SimpleRouter(trailing_slash=False)
# The apps' hot paths first: Django tries the patterns in order. Reporting usage, and
# /customers/{id}/usage and /customers/{id}/entitlements[/{metric}] (usage/apis.py).
router.register("usage", UsageViewSet, basename="usage")
router.register("customers", CustomerUsageViewSet, basename="customer-usage")
router.register("customers", CustomerViewSet, basename="customer")
router.register("customers", CustomerCreditViewSet, basename="customer-credit")
router.register("plans", PlanViewSet, basename="plan")
router.register("payments", PaymentViewSet, basename="payment")
router.register("refunds", RefundViewSet, basename="refund")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("grace-periods", GracePeriodViewSet, basename="grace-period")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("metrics", MetricViewSet, basename="metric")
router.register("test-clocks", TestClockViewSet, basename="test-clock")
router.register("usage-alerts", UsageAlertViewSet, basename="usage-alert")
router.register("checkout-sessions", CheckoutSessionViewSet, basename="checkout-session")
router.register("features", FeatureViewSet, basename="feature")
router.register("coupons", CouponViewSet, basename="coupon")
router.register("promotion-codes", PromotionCodeViewSet, basename="promotion-code")

urlpatterns = [
    path("app", AppView.as_view(), name="app"),
    *router.urls,
]
