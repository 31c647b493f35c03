from django.db import models
from django.db.models.functions import Upper

from api.ids import PrefixedIdField
from billing.providers.pending import SyncState
from catalog.models import Plan, PlanVersion
from tenants.scoping import TenantScopedModel


class TestClockStatus(models.TextChoices):
    READY = "ready", "Ready"
    ADVANCING = "advancing", "Advancing"
    INTERNAL_FAILURE = "internal_failure", "Internal failure"


class TestClock(TenantScopedModel):
    """A test-mode app's clock at the provider: its customers live at its frozen time."""

    id = PrefixedIdField(prefix="clock")
    name = models.CharField(max_length=300, blank=True, default="")
    frozen_time = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=TestClockStatus.choices, default=TestClockStatus.READY
    )
    # While advancing: the frozen time it is moving to.
    target_frozen_time = models.DateTimeField(null=True, blank=True)
    provider_test_clock_id = models.CharField(max_length=255, blank=True, default="")
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["app", "-created_at"], name="test_clock_app_created_idx")]

    def __str__(self) -> str:
        return self.name or self.pk


class Customer(TenantScopedModel):
    id = PrefixedIdField(prefix="cus")
    # The app's own user or organisation id.
    external_id = models.CharField(max_length=200, null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    provider_customer_id = models.CharField(max_length=255, blank=True, default="")
    default_payment_method = models.CharField(max_length=255, blank=True, default="")
    # When the default payment method was last chosen (by the app, at the customer's time, or
    # at the provider's, as its webhook says): an older setup's webhook never takes it back.
    default_payment_method_set_at = models.DateTimeField(null=True, blank=True)
    # A test-mode customer may live on a test clock, whose frozen time is its "now".
    test_clock = models.ForeignKey(
        TestClock, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="customer_external_id_unique_per_app",
            )
        ]
        indexes = [models.Index(fields=["app", "-created_at"], name="customer_app_created_idx")]

    def __str__(self) -> str:
        return self.external_id or self.email or self.pk


class SubscriptionStatus(models.TextChoices):
    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete, expired"
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Canceled"
    UNPAID = "unpaid", "Unpaid"
    PAUSED = "paused", "Paused"


class Subscription(TenantScopedModel):
    id = PrefixedIdField(prefix="sub")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.INCOMPLETE
    )
    trial_end = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    canceled_at = models.DateTimeField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # What was asked at creation, kept so the retry job sends the provider the same request.
    trial_period_days = models.PositiveIntegerField(default=0)
    payment_method = models.CharField(max_length=255, blank=True, default="")
    # The app's Idempotency-Key, so a retry after an outage finds this attempt again.
    request_key = models.CharField(max_length=255, null=True, blank=True)
    provider_subscription_id = models.CharField(max_length=255, blank=True, default="")
    # While incomplete because the first payment needs the customer (3-D Secure): what the
    # app's front end confirms that payment with. Cleared once the subscription moves on.
    client_secret = models.CharField(max_length=255, blank=True, default="")
    # Where the provider sends the customer back after approving at its page (PayPal), kept
    # so the retry job and plan changes ask with the same; and that page while the
    # subscription, or a plan change, awaits their approval.
    return_url = models.URLField(max_length=2048, blank=True, default="")
    approval_url = models.URLField(max_length=2048, blank=True, default="")
    # The provider's timestamp of the newest state we applied: older events never win.
    provider_state_at = models.DateTimeField(null=True, blank=True)
    sync_state = models.CharField(
        max_length=8, choices=SyncState.choices, default=SyncState.PENDING
    )
    # A plan change scheduled for the period's end: the version it moves to, when, and the
    # provider's schedule that applies it (held there, so it happens even while we are down).
    pending_plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    pending_change_at = models.DateTimeField(null=True, blank=True)
    provider_schedule_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="subscription_request_key_unique_per_app",
            )
        ]
        indexes = [
            models.Index(fields=["app", "customer", "status"], name="subscription_customer_idx"),
            models.Index(fields=["provider_subscription_id"], name="subscription_provider_idx"),
        ]

    def __str__(self) -> str:
        return self.pk


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    REQUIRES_ACTION = "requires_action", "Requires action"
    PROCESSING = "processing", "Processing"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


class Payment(TenantScopedModel):
    id = PrefixedIdField(prefix="pay")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=500, blank=True, default="")
    payment_method = models.CharField(max_length=255, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    amount_refunded = models.PositiveBigIntegerField(default=0)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    decline_code = models.CharField(max_length=100, blank=True, default="")
    client_secret = models.CharField(max_length=255, blank=True, default="")
    # How the payment is confirmed, kept so a retry sends the provider the same request.
    return_url = models.URLField(max_length=2048, blank=True, default="")
    off_session = models.BooleanField(default=False)
    # Where the customer authenticates (3-D Secure) while the payment requires action.
    redirect_url = models.URLField(max_length=2048, blank=True, default="")
    provider_payment_id = models.CharField(max_length=255, blank=True, default="")
    provider_charge_id = models.CharField(max_length=255, blank=True, default="")
    # The app's Idempotency-Key, so a retry after an outage finds this attempt again.
    request_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="payment_request_key_unique_per_app",
            )
        ]
        indexes = [
            models.Index(fields=["provider_payment_id"], name="payment_provider_idx"),
            models.Index(fields=["provider_charge_id"], name="payment_provider_charge_idx"),
        ]

    def __str__(self) -> str:
        return self.pk


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


class Refund(TenantScopedModel):
    id = PrefixedIdField(prefix="re")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    metadata = models.JSONField(default=dict, blank=True)
    provider_refund_id = models.CharField(max_length=255, blank=True, default="")
    failure_reason = models.CharField(max_length=500, blank=True, default="")
    request_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="refund_request_key_unique_per_app",
            )
        ]
        indexes = [models.Index(fields=["provider_refund_id"], name="refund_provider_idx")]

    def __str__(self) -> str:
        return self.pk


class CheckoutMode(models.TextChoices):
    PAYMENT = "payment", "Payment"
    SUBSCRIPTION = "subscription", "Subscription"
    SETUP = "setup", "Setup"


class CheckoutStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETE = "complete", "Complete"
    EXPIRED = "expired", "Expired"


class CheckoutPaymentStatus(models.TextChoices):
    UNPAID = "unpaid", "Unpaid"
    PAID = "paid", "Paid"
    NO_PAYMENT_REQUIRED = "no_payment_required", "No payment required"


class CheckoutSession(TenantScopedModel):
    """A page at the provider where the customer pays once, subscribes to a plan or saves a
    card; its completion (the provider's webhooks) produces the payment or the subscription,
    each linked here exactly once."""

    id = PrefixedIdField(prefix="chk")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="checkout_sessions"
    )
    mode = models.CharField(max_length=12, choices=CheckoutMode.choices)
    status = models.CharField(
        max_length=10, choices=CheckoutStatus.choices, default=CheckoutStatus.OPEN
    )
    payment_status = models.CharField(
        max_length=20, choices=CheckoutPaymentStatus.choices, default=CheckoutPaymentStatus.UNPAID
    )
    # Subscription mode: the plan version subscribed to, and the trial its subscription gets.
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="checkout_sessions"
    )
    plan_version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trial_period_days = models.PositiveIntegerField(default=0)
    # Payment mode: what is charged.
    amount = models.PositiveBigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    success_url = models.URLField(max_length=2048)
    cancel_url = models.URLField(max_length=2048, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    # The provider's hosted page, while the session is open.
    url = models.URLField(max_length=2048, blank=True, default="")
    expires_at = models.DateTimeField()
    # The card the customer gave, once complete.
    payment_method = models.CharField(max_length=255, blank=True, default="")
    provider_session_id = models.CharField(max_length=255, blank=True, default="")
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="checkout_session"
    )
    subscription = models.OneToOneField(
        Subscription,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkout_session",
    )
    request_key = models.CharField(max_length=255, null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="checkout_session_request_key_unique_per_app",
            ),
            models.UniqueConstraint(
                fields=["provider_session_id"],
                condition=~models.Q(provider_session_id=""),
                name="checkout_session_provider_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["app", "-created_at"], name="checkout_session_created_idx"),
        ]

    def __str__(self) -> str:
        return self.pk


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    VOID = "void", "Void"
    UNCOLLECTIBLE = "uncollectible", "Uncollectible"


class Invoice(TenantScopedModel):
    """The provider's invoice of one of our customers, mirrored from its webhooks (each one
    re-reads the invoice at the provider, so the row holds the provider's current state)."""

    id = PrefixedIdField(prefix="inv")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    provider_invoice_id = models.CharField(max_length=255, unique=True)
    number = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    billing_reason = models.CharField(max_length=40, blank=True, default="")
    currency = models.CharField(max_length=3)
    subtotal = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    amount_due = models.BigIntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)
    amount_remaining = models.BigIntegerField(default=0)
    # Prepaid credits (credit grants) the provider applied before charging.
    credits_applied = models.BigIntegerField(default=0)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    # One entry per line: kind (base, metered, proration), description, amount, quantity,
    # included_quantity (metered), period_start, period_end, provider_price_id.
    lines = models.JSONField(default=list, blank=True)
    # What each discount took off (subtotal - total): coupon, promotion_code, amount.
    discounts = models.JSONField(default=list, blank=True)
    hosted_invoice_url = models.URLField(max_length=2048, blank=True, default="")
    invoice_pdf = models.URLField(max_length=2048, blank=True, default="")
    attempt_count = models.PositiveIntegerField(default=0)
    next_payment_attempt = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    marked_uncollectible_at = models.DateTimeField(null=True, blank=True)
    # When the provider created it (a test clock's time for a customer on one).
    provider_created_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["app", "-created_at"], name="invoice_app_created_idx"),
            models.Index(fields=["app", "customer", "status"], name="invoice_customer_idx"),
            models.Index(fields=["app", "subscription", "status"], name="invoice_subscription_idx"),
            models.Index(fields=["app", "status"], name="invoice_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number or self.pk


class InvoicePaymentAttemptStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    PENDING = "pending", "Pending"


class InvoicePaymentAttempt(TenantScopedModel):
    """One charge the provider attempted for an invoice (a renewal, its retries, a pay now)."""

    id = PrefixedIdField(prefix="inpa")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attempts")
    provider_charge_id = models.CharField(max_length=255, unique=True)
    provider_payment_id = models.CharField(max_length=255, blank=True, default="")
    amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=InvoicePaymentAttemptStatus.choices)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    decline_code = models.CharField(max_length=100, blank=True, default="")
    payment_method = models.CharField(max_length=255, blank=True, default="")
    attempted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["invoice", "attempted_at"], name="invoice_attempt_idx"),
            models.Index(
                fields=["app", "status", "attempted_at"], name="invoice_attempt_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.pk


class PortalConfiguration(TenantScopedModel):
    """The app's billing portal configuration at the provider: what its customers may do there
    (update their card, cancel at period end, switch between the app's plans, see invoices),
    made from the app's catalog and made again when the catalog it was made from changed."""

    id = PrefixedIdField(prefix="bpc")
    provider_configuration_id = models.CharField(max_length=255, blank=True, default="")
    # A digest of the catalog (plans and their provider prices) the configuration offers.
    catalog_fingerprint = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app"], name="portal_configuration_one_per_app")
        ]

    def __str__(self) -> str:
        return self.provider_configuration_id or self.pk


class CreditGrantKind(models.TextChoices):
    MONETARY = "monetary", "Money"
    UNITS = "units", "Units of a metric"


class CreditGrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    VOIDED = "voided", "Voided"


class CreditGrant(TenantScopedModel):
    """Prepaid credits of a customer, held at the provider as a billing credit grant that its
    invoices consume at finalization before charging (metered prices only, as Stripe applies
    them). A `units` grant is money at the provider too: `units` times the unit price of the
    metric's metered price it is scoped to (`unit_amount_decimal`), so it covers exactly the
    first `units` units of overage; its balance answers in units."""

    id = PrefixedIdField(prefix="cg")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_grants")
    kind = models.CharField(max_length=10, choices=CreditGrantKind.choices)
    currency = models.CharField(max_length=3)
    # The money at the provider (a units grant's: units times unit_amount_decimal).
    amount_minor = models.BigIntegerField()
    units = models.BigIntegerField(null=True, blank=True)
    metric = models.ForeignKey(
        "catalog.Metric", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_amount_decimal = models.DecimalField(
        max_digits=30, decimal_places=12, null=True, blank=True
    )
    # The metered prices it applies to at the provider (none: every metered price).
    provider_price_ids = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(default=50)
    name = models.CharField(max_length=100, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=CreditGrantStatus.choices, default=CreditGrantStatus.ACTIVE
    )
    used_minor = models.BigIntegerField(default=0)
    # What was left when it expired or was voided.
    lapsed_minor = models.BigIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    provider_credit_grant_id = models.CharField(max_length=255, blank=True, default="")
    request_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["app", "customer", "-created_at"], name="credit_grant_customer_idx"
            ),
            models.Index(
                fields=["expires_at"],
                name="credit_grant_expiry_idx",
                condition=models.Q(status="active", expires_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["app", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="credit_grant_request_key_unique",
            )
        ]

    def __str__(self) -> str:
        return self.pk


class CreditGrantTransactionKind(models.TextChoices):
    USED = "used", "Used by an invoice"
    EXPIRED = "expired", "Expired"
    VOIDED = "voided", "Voided"


class CreditGrantTransaction(TenantScopedModel):
    """One move of a grant's balance at the provider (its credit balance transaction): an
    invoice using it, its expiry, its voiding. Recorded once each."""

    id = PrefixedIdField(prefix="cgtx")
    grant = models.ForeignKey(CreditGrant, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=10, choices=CreditGrantTransactionKind.choices)
    amount_minor = models.BigIntegerField()
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_uses"
    )
    provider_invoice_id = models.CharField(max_length=255, blank=True, default="")
    provider_transaction_id = models.CharField(max_length=255, unique=True)
    effective_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_at", "-id"]

    def __str__(self) -> str:
        return self.pk


class CouponDuration(models.TextChoices):
    ONCE = "once", "Once"
    REPEATING = "repeating", "Repeating"
    FOREVER = "forever", "Forever"


class Coupon(TenantScopedModel):
    """An amount or a percentage off a subscription's invoices for a while (`once`: the first
    one; `repeating`: `duration_in_months`; `forever`), on the plans it names or on every plan.
    Held at the provider as its coupon; redeemed directly or through a promotion code."""

    id = PrefixedIdField(prefix="cpn")
    name = models.CharField(max_length=200, blank=True, default="")
    percent_off = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount_off = models.PositiveBigIntegerField(null=True, blank=True)
    # Of `amount_off`; a percentage applies in any currency.
    currency = models.CharField(max_length=3, blank=True, default="")
    duration = models.CharField(max_length=10, choices=CouponDuration.choices)
    duration_in_months = models.PositiveIntegerField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    redeem_by = models.DateTimeField(null=True, blank=True)
    # Empty: every plan.
    plans = models.ManyToManyField(Plan, blank=True, related_name="coupons")
    times_redeemed = models.PositiveIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    provider_coupon_id = models.CharField(max_length=255, blank=True, default="")
    # Deleted: no new redemptions; discounts made from it run their course.
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["app", "-created_at"], name="coupon_app_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(percent_off__isnull=False, amount_off__isnull=True)
                    | models.Q(percent_off__isnull=True, amount_off__isnull=False)
                ),
                name="coupon_percent_or_amount_off",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.pk


class PromotionCode(TenantScopedModel):
    """A customer-facing code for a coupon, with its own limits: in all, per customer, until
    `expires_at`, for one customer only, or for customers who have paid nothing yet."""

    id = PrefixedIdField(prefix="pcode")
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="promotion_codes")
    code = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    # How often one customer may redeem it (1: once per customer); null: no limit of our own.
    max_redemptions_per_customer = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_time_transaction = models.BooleanField(default=False)
    times_redeemed = models.PositiveIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    provider_promotion_code_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                "app",
                condition=models.Q(active=True),
                name="promotion_code_active_code_unique_per_app",
            )
        ]
        indexes = [
            models.Index(fields=["app", "-created_at"], name="promotion_code_created_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class DiscountTarget(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    SUBSCRIPTION = "subscription", "Subscription"
    CHECKOUT_SESSION = "checkout_session", "Checkout session"


class Discount(TenantScopedModel):
    """One redemption of a coupon (through a promotion code or not): on a customer (applied to
    the subscriptions they start later), a subscription, or a checkout session. Counting these
    enforces a promotion code's limit per customer."""

    id = PrefixedIdField(prefix="dsc")
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="discounts")
    promotion_code = models.ForeignKey(
        PromotionCode, null=True, blank=True, on_delete=models.PROTECT, related_name="discounts"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="discounts")
    target = models.CharField(max_length=20, choices=DiscountTarget.choices)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="discounts"
    )
    checkout_session = models.ForeignKey(
        CheckoutSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discounts",
    )
    # A subscription's discount carried over from its customer's is not a redemption of its own.
    inherited = models.BooleanField(default=False)
    provider_discount_id = models.CharField(max_length=255, blank=True, default="")
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(target="customer", removed_at__isnull=True),
                name="discount_one_per_customer",
            )
        ]
        indexes = [
            models.Index(fields=["app", "promotion_code", "customer"], name="discount_code_idx"),
        ]

    def __str__(self) -> str:
        return self.pk
