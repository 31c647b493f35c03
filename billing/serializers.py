import builtins
from decimal import Decimal
from typing import Any

from django.core.validators import URLValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    CurrencyField,
    InputSerializer,
    MetadataField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from api.pagination import ListQueryInputSerializer
from billing.credits import credit_grant_remaining_minor, credit_grant_units_for
from billing.models import (
    CheckoutMode,
    CheckoutPaymentStatus,
    CheckoutStatus,
    Coupon,
    CouponDuration,
    CreditGrantKind,
    CreditGrantStatus,
    CreditGrantTransactionKind,
    Discount,
    DiscountTarget,
    InvoicePaymentAttemptStatus,
    InvoiceStatus,
    SubscriptionStatus,
)
from billing.providers.base import Proration
from billing.subscription_schedules import PlanChangeTiming


class CustomerUpdateInputSerializer(InputSerializer):
    external_id = StrictCharField(max_length=200, required=False, allow_null=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    metadata = MetadataField()
    payment_method = StrictCharField(max_length=255, required=False)


class CustomerCreateInputSerializer(CustomerUpdateInputSerializer):
    # Only at creation, as at Stripe: a customer cannot move to or off a clock later.
    test_clock = StrictCharField(max_length=40, required=False)


class CustomerListInputSerializer(ListQueryInputSerializer):
    external_id = serializers.CharField(max_length=200, required=False)


class CustomerOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    external_id = serializers.CharField(allow_null=True)
    email = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.DictField()
    provider_customer_id = serializers.CharField()
    default_payment_method = serializers.CharField()
    test_clock = serializers.CharField(source="test_clock_id", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, customer: builtins.object) -> str:
        return "customer"


class TestClockCreateInputSerializer(InputSerializer):
    frozen_time = serializers.DateTimeField()
    name = StrictCharField(max_length=300, required=False, allow_blank=True)


class TestClockAdvanceInputSerializer(InputSerializer):
    frozen_time = serializers.DateTimeField()


class TestClockListInputSerializer(ListQueryInputSerializer):
    pass


class TestClockOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    name = serializers.CharField()
    frozen_time = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["ready", "advancing", "internal_failure"])
    target_frozen_time = serializers.DateTimeField(allow_null=True)
    provider_test_clock_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, test_clock: builtins.object) -> str:
        return "test_clock"


class TestClockDeletedOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.CharField(default="test_clock")
    deleted = serializers.BooleanField(default=True)


class PaymentCreateInputSerializer(InputSerializer):
    customer = StrictCharField(max_length=40)
    amount = StrictIntegerField(min_value=1, max_value=99_999_999)
    currency = CurrencyField()
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    payment_method = StrictCharField(max_length=255, required=False)
    metadata = MetadataField()
    return_url = serializers.URLField(
        max_length=2048,
        required=False,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="The customer is present: where the provider sends them back after "
        "authenticating (3-D Secure). A payment that needs it answers `requires_action` with "
        "the `redirect_url` to send the customer to. Not with `off_session`.",
    )
    off_session = StrictBooleanField(
        required=False,
        default=False,
        help_text="The customer is not present (a saved card charged by the app): a card "
        "that needs authentication is declined with 402 `authentication_required`. Not with "
        "`return_url`.",
    )


class PaymentListInputSerializer(ListQueryInputSerializer):
    customer = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(
        choices=["pending", "succeeded", "requires_action", "processing", "failed", "canceled"],
        required=False,
    )


class PaymentOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    amount_refunded = serializers.IntegerField()
    client_secret = serializers.SerializerMethodField()
    redirect_url = serializers.SerializerMethodField(
        help_text="While `requires_action` after a `return_url` was given: the page to send "
        "the customer to (3-D Secure); they come back to `return_url`. Null otherwise."
    )
    return_url = serializers.CharField()
    off_session = serializers.BooleanField()
    failure_code = serializers.CharField()
    failure_message = serializers.CharField()
    decline_code = serializers.CharField()
    payment_method = serializers.CharField()
    metadata = serializers.DictField()
    provider_payment_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, payment: builtins.object) -> str:
        return "payment"

    def get_client_secret(self, payment: Any) -> str | None:
        return payment.client_secret or None

    def get_redirect_url(self, payment: Any) -> str | None:
        return payment.redirect_url or None


class RefundCreateInputSerializer(InputSerializer):
    amount = StrictIntegerField(min_value=1, max_value=99_999_999, required=False)
    reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer"], required=False
    )
    metadata = MetadataField()


class RefundListInputSerializer(ListQueryInputSerializer):
    payment = serializers.CharField(max_length=40, required=False)


class RefundOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    payment = serializers.CharField(source="payment_id")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    failure_reason = serializers.CharField()
    metadata = serializers.DictField()
    provider_refund_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, refund: builtins.object) -> str:
        return "refund"


class SubscriptionCreateInputSerializer(InputSerializer):
    customer = StrictCharField(max_length=40)
    plan = StrictCharField(max_length=40)
    # Overrides the plan's trial; 0 starts without one.
    trial_period_days = StrictIntegerField(
        min_value=0, max_value=730, required=False, allow_null=True, default=None
    )
    payment_method = StrictCharField(max_length=255, required=False)
    metadata = MetadataField()
    return_url = serializers.URLField(
        max_length=2048,
        required=False,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where the provider sends the customer back after approving the "
        "subscription on its page. Required on a PayPal app (else 400 "
        "`provider_capability_unsupported` naming `subscriptions_without_approval`): the "
        "subscription answers `incomplete` with `approval_url`, PayPal's approval page.",
    )
    coupon = StrictCharField(
        max_length=40,
        required=False,
        help_text="A coupon (`cpn_…`) to redeem on the subscription. Without `coupon` or "
        "`promotion_code`, the customer's own discount applies, if they have one.",
    )
    promotion_code = StrictCharField(
        max_length=100,
        required=False,
        help_text="A promotion code to redeem: its id (`pcode_…`) or the code the customer "
        "typed (any case). Not with `coupon`.",
    )


class SubscriptionListInputSerializer(ListQueryInputSerializer):
    customer = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=SubscriptionStatus.values, required=False)


class SubscriptionCancelInputSerializer(InputSerializer):
    at_period_end = StrictBooleanField(default=False)


class SubscriptionResumeInputSerializer(InputSerializer):
    """No fields: an unknown one answers 400."""


class SubscriptionChangePlanInputSerializer(InputSerializer):
    plan = StrictCharField(max_length=40)
    proration = serializers.ChoiceField(
        choices=[choice.value for choice in Proration], default=Proration.CREATE_PRORATIONS.value
    )
    at = serializers.ChoiceField(
        choices=[choice.value for choice in PlanChangeTiming],
        required=False,
        help_text="`now`, or `period_end`: at the renewal that ends the current period. By "
        "default a downgrade (a lower base price a month) waits for the period's end and an "
        "upgrade (or the same price) applies now.",
    )
    coupon = StrictCharField(
        max_length=40,
        required=False,
        help_text="A coupon (`cpn_…`) replacing the subscription's discount with the change "
        "(a change `now` only).",
    )
    promotion_code = StrictCharField(
        max_length=100,
        required=False,
        help_text="A promotion code (id or code) instead of `coupon`.",
    )


class SubscriptionPendingChangeCancelInputSerializer(InputSerializer):
    """No fields: an unknown one answers 400."""


class SubscriptionPendingChangeOutputSerializer(serializers.Serializer[Any]):
    plan = serializers.CharField()
    plan_version = serializers.IntegerField()
    at = serializers.DateTimeField(help_text="When the change applies: the period's end.")
    schedule = serializers.CharField(help_text="The provider's schedule that applies it.")


class SubscriptionDiscountOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    coupon = serializers.CharField(source="coupon_id")
    promotion_code = serializers.CharField(source="promotion_code_id", allow_null=True)


class SubscriptionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    plan = serializers.CharField(source="plan_id")
    plan_version = serializers.IntegerField(source="plan_version.version")
    status = serializers.ChoiceField(choices=SubscriptionStatus.values)
    trial_period_days = serializers.IntegerField()
    trial_end = serializers.DateTimeField(allow_null=True)
    current_period_start = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    canceled_at = serializers.DateTimeField(allow_null=True)
    payment_method = serializers.CharField()
    metadata = serializers.DictField()
    provider_subscription_id = serializers.CharField()
    pending_change = serializers.SerializerMethodField(
        help_text="A plan change scheduled for the period's end (`change-plan` with "
        "`at=period_end`), until the renewal applies it; null when none is."
    )
    client_secret = serializers.SerializerMethodField(
        help_text="While the subscription is incomplete because its first payment needs the "
        "customer's authentication (3-D Secure): the secret the app's front end confirms that "
        "payment with (Stripe.js confirmPayment). Null otherwise."
    )
    return_url = serializers.SerializerMethodField()
    approval_url = serializers.SerializerMethodField(
        help_text="While the subscription awaits the customer's approval at the provider's "
        "page (PayPal: a new subscription, `incomplete`, or a plan change, which applies once "
        "approved): the page to send them to. Null otherwise."
    )
    discount = serializers.SerializerMethodField(
        help_text="The discount redeemed on it (`coupon`, `promotion_code`), or null."
    )
    # pending until the provider has it (a 502 leaves it pending for the retry job), synced
    # after, failed if the provider refused it.
    sync_state = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, subscription: builtins.object) -> str:
        return "subscription"

    def get_client_secret(self, subscription: Any) -> str | None:
        return subscription.client_secret or None

    def get_return_url(self, subscription: Any) -> str | None:
        return subscription.return_url or None

    def get_approval_url(self, subscription: Any) -> str | None:
        return subscription.approval_url or None

    @extend_schema_field(SubscriptionDiscountOutputSerializer(allow_null=True))
    def get_discount(self, subscription: Any) -> dict[str, Any] | None:
        # subscription_list prefetches the live ones; a single subscription reads its own.
        live = getattr(subscription, "live_discounts", None)
        if live is not None:
            discount = live[0] if live else None
        else:
            discount = (
                Discount.objects.for_app(subscription.app)
                .filter(subscription=subscription, removed_at__isnull=True)
                .order_by("-created_at")
                .first()
            )
        return SubscriptionDiscountOutputSerializer(discount).data if discount else None

    @extend_schema_field(SubscriptionPendingChangeOutputSerializer(allow_null=True))
    def get_pending_change(self, subscription: Any) -> dict[str, Any] | None:
        version = subscription.pending_plan_version
        if version is None:
            return None
        return {
            "plan": version.plan_id,
            "plan_version": version.version,
            "at": serializers.DateTimeField().to_representation(subscription.pending_change_at),
            "schedule": subscription.provider_schedule_id,
        }


class SetupIntentCreateInputSerializer(InputSerializer):
    usage = serializers.ChoiceField(
        choices=["off_session", "on_session"],
        default="off_session",
        help_text="`off_session` (the default): the card is charged later without the customer "
        "(renewals); `on_session`: only while the customer is present.",
    )


class SetupIntentOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="The provider's setup intent (`seti_…`).")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    client_secret = serializers.CharField(
        help_text="What the app's card form confirms with the provider's publishable key "
        "(`client.publishable_key` of `GET /v1/app`), e.g. Stripe.js `confirmCardSetup`."
    )
    status = serializers.ChoiceField(
        choices=[
            "requires_payment_method",
            "requires_confirmation",
            "requires_action",
            "processing",
            "succeeded",
            "canceled",
        ]
    )
    usage = serializers.ChoiceField(choices=["off_session", "on_session"])

    def get_object(self, setup_intent: builtins.object) -> str:
        return "setup_intent"


class PaymentMethodListInputSerializer(InputSerializer):
    pass


class PaymentMethodDetachInputSerializer(InputSerializer):
    force = serializers.BooleanField(
        default=False,
        help_text="Detach the customer's last card even though a live subscription renews on it.",
    )


class PaymentMethodOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="card.provider_reference")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    type = serializers.SerializerMethodField()
    brand = serializers.CharField(source="card.brand")
    last4 = serializers.CharField(source="card.last4")
    exp_month = serializers.IntegerField(source="card.exp_month")
    exp_year = serializers.IntegerField(source="card.exp_year")
    default = serializers.BooleanField(
        help_text="The customer's default card: the one renewals and invoices charge."
    )

    def get_object(self, payment_method: builtins.object) -> str:
        return "payment_method"

    def get_type(self, payment_method: builtins.object) -> str:
        """`card`, or `paypal` for a PayPal payer saved when they approved a payment (brand
        `paypal`, no `last4` or expiry)."""
        card = getattr(payment_method, "card", None)
        return str(getattr(card, "type", "card"))


class PaymentMethodDetachedOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="card.provider_reference")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    deleted = serializers.SerializerMethodField()

    def get_object(self, payment_method: builtins.object) -> str:
        return "payment_method"

    def get_deleted(self, payment_method: builtins.object) -> bool:
        return True


class PortalSessionCreateInputSerializer(InputSerializer):
    return_url = serializers.URLField(
        max_length=2048,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where the portal's link sends the customer back to (http or https).",
    )


class PortalSessionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="The provider's portal session (`bps_…`).")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    url = serializers.CharField(
        help_text="The portal page to send the customer to; it signs them in, so hand it to "
        "that customer only. Short-lived at the provider: create a session per visit."
    )
    return_url = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, portal_session: builtins.object) -> str:
        return "portal_session"


def _web_url(**options: Any) -> serializers.URLField:
    return serializers.URLField(
        max_length=2048, validators=[URLValidator(schemes=["http", "https"])], **options
    )


class CheckoutSessionCreateInputSerializer(InputSerializer):
    mode = serializers.ChoiceField(
        choices=CheckoutMode.values,
        help_text="`payment`: charge `amount` in `currency` once; `subscription`: subscribe to "
        "`plan`; `setup`: save a card. In every mode the card becomes the customer's default.",
    )
    customer = StrictCharField(
        max_length=40, required=False, help_text="Our customer id; or pass `external_id`."
    )
    external_id = StrictCharField(
        max_length=200,
        required=False,
        help_text="The app's own user id, instead of `customer`: that customer, created (with "
        "`email`) if new.",
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    success_url = _web_url(
        help_text="Where the customer is sent after paying; the provider puts its session id "
        "in place of `{CHECKOUT_SESSION_ID}`."
    )
    cancel_url = _web_url(required=False, help_text="Where the page's cancel link leads.")
    plan = StrictCharField(max_length=40, required=False, help_text="Subscription mode: the plan.")
    trial_period_days = StrictIntegerField(
        min_value=0,
        max_value=730,
        required=False,
        allow_null=True,
        default=None,
        help_text="Subscription mode: overrides the plan's trial; 0 starts without one.",
    )
    amount = StrictIntegerField(
        min_value=1, max_value=99_999_999, required=False, help_text="Payment mode."
    )
    currency = CurrencyField(required=False, help_text="Payment mode.")
    description = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Payment mode: what is bought, shown on the page.",
    )
    metadata = MetadataField()
    allow_promotion_codes = StrictBooleanField(
        required=False,
        default=False,
        help_text="Subscription mode: the page lets the buyer type a promotion code (the "
        "provider checks its limits; a per-customer limit of ours cannot apply there). Not "
        "with `coupon` or `promotion_code`.",
    )
    coupon = StrictCharField(
        max_length=40,
        required=False,
        help_text="Subscription mode: a coupon (`cpn_…`) applied on the page. Without one "
        "(and without `promotion_code`), the customer's own discount applies.",
    )
    promotion_code = StrictCharField(
        max_length=100,
        required=False,
        help_text="Subscription mode: a promotion code (id or code) applied on the page.",
    )


class CheckoutSessionListInputSerializer(ListQueryInputSerializer):
    customer = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=CheckoutStatus.values, required=False)


class CheckoutSessionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    mode = serializers.ChoiceField(choices=CheckoutMode.values)
    status = serializers.ChoiceField(choices=CheckoutStatus.values)
    payment_status = serializers.ChoiceField(choices=CheckoutPaymentStatus.values)
    customer = serializers.CharField(source="customer_id")
    url = serializers.SerializerMethodField(
        help_text="The provider's hosted page to send the customer to, while `open`; null after."
    )
    expires_at = serializers.DateTimeField()
    success_url = serializers.CharField()
    cancel_url = serializers.CharField()
    plan = serializers.CharField(source="plan_id", allow_null=True)
    trial_period_days = serializers.IntegerField()
    amount = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.DictField()
    payment = serializers.CharField(
        source="payment_id", allow_null=True, help_text="Payment mode, once complete."
    )
    subscription = serializers.CharField(
        source="subscription_id", allow_null=True, help_text="Subscription mode, once complete."
    )
    payment_method = serializers.CharField(help_text="The card the customer gave, once complete.")
    provider_session_id = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, session: builtins.object) -> str:
        return "checkout_session"

    def get_url(self, session: Any) -> str | None:
        return session.url or None


class InvoiceListInputSerializer(ListQueryInputSerializer):
    customer = serializers.CharField(max_length=40, required=False)
    subscription = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=InvoiceStatus.values, required=False)


class InvoicePayInputSerializer(InputSerializer):
    payment_method = StrictCharField(
        max_length=255,
        required=False,
        help_text="A provider token (such as `pm_card_visa`) to pay with; it is attached to "
        "the customer first. The invoice's default card when left out.",
    )


class InvoiceDiscountOutputSerializer(serializers.Serializer[Any]):
    coupon = serializers.CharField(allow_null=True, help_text="Our coupon (`cpn_…`).")
    promotion_code = serializers.CharField(
        allow_null=True, help_text="The promotion code redeemed for it, if one was."
    )
    amount = serializers.IntegerField(help_text="Minor units it took off the subtotal.")


class InvoiceLineOutputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=["base", "metered", "proration"],
        help_text="`base`: the plan's price; `metered`: usage of a metric; `proration`: a "
        "credit or charge for part of a period after a plan change.",
    )
    description = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    quantity = serializers.IntegerField()
    included_quantity = serializers.IntegerField(
        allow_null=True, help_text="Metered lines: the units of each period the plan includes."
    )
    period_start = serializers.DateTimeField(allow_null=True)
    period_end = serializers.DateTimeField(allow_null=True)
    provider_price_id = serializers.CharField()


class InvoicePaymentAttemptOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoicePaymentAttemptStatus.values)
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    failure_code = serializers.CharField()
    failure_message = serializers.CharField()
    decline_code = serializers.CharField(help_text="The card issuer's reason for a decline.")
    payment_method = serializers.CharField()
    attempted_at = serializers.DateTimeField()
    provider_charge_id = serializers.CharField()


class InvoiceCreditUseOutputSerializer(serializers.Serializer[Any]):
    credit_grant = serializers.CharField(source="grant_id")
    amount = serializers.IntegerField(source="amount_minor")
    units = serializers.SerializerMethodField(help_text="A units grant's use, in units.")

    def get_units(self, use: Any) -> int | None:
        return credit_grant_units_for(use.grant, use.amount_minor)


class InvoiceOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    subscription = serializers.CharField(source="subscription_id", allow_null=True)
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoiceStatus.values)
    billing_reason = serializers.CharField()
    currency = serializers.CharField()
    subtotal = serializers.IntegerField()
    total = serializers.IntegerField()
    amount_due = serializers.IntegerField()
    amount_paid = serializers.IntegerField()
    amount_remaining = serializers.IntegerField()
    period_start = serializers.DateTimeField(allow_null=True)
    period_end = serializers.DateTimeField(allow_null=True)
    lines = InvoiceLineOutputSerializer(many=True)
    discounts = InvoiceDiscountOutputSerializer(
        many=True, help_text="What each discount took off: subtotal minus these is the total."
    )
    hosted_invoice_url = serializers.CharField(
        help_text="The provider's page where the customer pays the invoice."
    )
    invoice_pdf = serializers.CharField(help_text="The invoice as a PDF.")
    attempt_count = serializers.IntegerField()
    next_payment_attempt = serializers.DateTimeField(
        allow_null=True, help_text="When the provider retries the payment next, if it will."
    )
    payment_attempts = serializers.SerializerMethodField()
    credits_applied = serializers.IntegerField(
        help_text="Prepaid credits (credit grants) applied before charging: `total` is "
        "`subtotal` less these."
    )
    credit_grants_applied = serializers.SerializerMethodField(
        help_text="Each grant's use by this invoice (recorded when the provider reports it)."
    )
    finalized_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True)
    marked_uncollectible_at = serializers.DateTimeField(allow_null=True)
    provider_invoice_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, invoice: builtins.object) -> str:
        return "invoice"

    @extend_schema_field(InvoicePaymentAttemptOutputSerializer(many=True))
    def get_payment_attempts(self, invoice: Any) -> list[dict[str, Any]]:
        attempts = sorted(invoice.attempts.all(), key=lambda attempt: attempt.attempted_at)
        return list(InvoicePaymentAttemptOutputSerializer(attempts, many=True).data)

    @extend_schema_field(InvoiceCreditUseOutputSerializer(many=True))
    def get_credit_grants_applied(self, invoice: Any) -> list[dict[str, Any]]:
        # In the order the provider applied them: priority, then the earliest to expire.
        uses = sorted(
            invoice.credit_uses.all(),
            key=lambda use: (
                use.grant.priority,
                use.grant.expires_at is None,
                use.grant.expires_at or use.effective_at,
                use.grant.created_at,
            ),
        )
        return list(InvoiceCreditUseOutputSerializer(uses, many=True).data)


class UpcomingInvoiceOutputSerializer(serializers.Serializer[Any]):
    object = serializers.CharField()
    customer = serializers.CharField()
    subscription = serializers.CharField(
        allow_null=True,
        help_text="The subscription the preview bills; null (and no lines) when none will be "
        "invoiced again.",
    )
    currency = serializers.CharField(allow_null=True)
    subtotal = serializers.IntegerField()
    total = serializers.IntegerField()
    amount_due = serializers.IntegerField()
    period_start = serializers.DateTimeField(allow_null=True)
    period_end = serializers.DateTimeField(allow_null=True)
    next_payment_attempt = serializers.DateTimeField(allow_null=True)
    lines = InvoiceLineOutputSerializer(many=True)
    discounts = InvoiceDiscountOutputSerializer(many=True)


# Prepaid credits


class CreditGrantCreateInputSerializer(InputSerializer):
    amount = StrictIntegerField(
        min_value=1,
        required=False,
        help_text="Money, in the currency's minor unit (with `currency`); or use `units`.",
    )
    currency = CurrencyField(required=False, help_text="A money grant's currency.")
    units = StrictIntegerField(
        min_value=1,
        max_value=10**12,
        required=False,
        help_text="Units of `metric` (its metered price's first units of overage).",
    )
    metric = StrictCharField(max_length=100, required=False, help_text="A units grant's metric.")
    priority = StrictIntegerField(
        min_value=0,
        max_value=100,
        required=False,
        default=50,
        help_text="0 is applied first, 100 last (then the earliest to expire).",
    )
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="From then on (at the customer's time) it is not applied; its rest lapses.",
    )
    name = StrictCharField(max_length=100, required=False, default="", allow_blank=True)


class CreditGrantOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    kind = serializers.ChoiceField(choices=CreditGrantKind.choices)
    currency = serializers.CharField()
    amount = serializers.IntegerField(
        source="amount_minor", help_text="The money held (a units grant's too)."
    )
    units = serializers.IntegerField(allow_null=True, help_text="A units grant's units.")
    metric = serializers.SerializerMethodField()
    unit_amount_decimal = serializers.SerializerMethodField(
        help_text="A units grant's price per unit, in minor units (a decimal string)."
    )
    priority = serializers.IntegerField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=CreditGrantStatus.choices)
    used = serializers.IntegerField(source="used_minor", help_text="Money used by invoices.")
    lapsed = serializers.IntegerField(
        source="lapsed_minor", help_text="Money left when it expired or was voided."
    )
    available = serializers.SerializerMethodField(help_text="Money left to use.")
    units_used = serializers.SerializerMethodField(help_text="A units grant's units used.")
    units_available = serializers.SerializerMethodField(help_text="A units grant's units left.")
    ended_at = serializers.DateTimeField(allow_null=True)
    provider_credit_grant_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, grant: builtins.object) -> str:
        return "credit_grant"

    def get_metric(self, grant: Any) -> str | None:
        return grant.metric.code if grant.metric_id else None

    def get_unit_amount_decimal(self, grant: Any) -> str | None:
        if grant.unit_amount_decimal is None:
            return None
        return format(grant.unit_amount_decimal.normalize(), "f")

    def get_available(self, grant: Any) -> int:
        return credit_grant_remaining_minor(grant)

    def get_units_used(self, grant: Any) -> int | None:
        return credit_grant_units_for(grant, grant.used_minor)

    def get_units_available(self, grant: Any) -> int | None:
        return credit_grant_units_for(grant, credit_grant_remaining_minor(grant))


class CreditGrantTransactionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=CreditGrantTransactionKind.choices)
    amount = serializers.IntegerField(source="amount_minor")
    invoice = serializers.CharField(source="invoice_id", allow_null=True)
    effective_at = serializers.DateTimeField()


class CreditGrantDetailOutputSerializer(CreditGrantOutputSerializer):
    transactions = serializers.SerializerMethodField(
        help_text="Its uses, expiry and voiding, oldest first."
    )

    @extend_schema_field(CreditGrantTransactionOutputSerializer(many=True))
    def get_transactions(self, grant: Any) -> list[dict[str, Any]]:
        return list(
            CreditGrantTransactionOutputSerializer(self.context["transactions"], many=True).data
        )


class CreditBalanceMoneyOutputSerializer(serializers.Serializer[Any]):
    currency = serializers.CharField()
    available = serializers.IntegerField()


class CreditBalanceUnitsOutputSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    available = serializers.IntegerField()


class CreditBalanceOutputSerializer(serializers.Serializer[Any]):
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    money = CreditBalanceMoneyOutputSerializer(
        many=True, help_text="Per currency: the money left of the grants in force."
    )
    units = CreditBalanceUnitsOutputSerializer(
        many=True, help_text="Per metric: the units left of its units grants in force."
    )
    grants = CreditGrantOutputSerializer(many=True, help_text="The grants in force.")

    def get_object(self, balance: builtins.object) -> str:
        return "credit_balance"


class CouponCreateInputSerializer(InputSerializer):
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    percent_off = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        required=False,
        help_text="A percentage off (0.01-100); or `amount_off` with `currency`.",
    )
    amount_off = StrictIntegerField(
        min_value=1, max_value=99_999_999, required=False, help_text="Minor units off."
    )
    currency = CurrencyField(required=False, help_text="Of `amount_off`.")
    duration = serializers.ChoiceField(
        choices=CouponDuration.values,
        help_text="`once`: the first invoice; `repeating`: the invoices of "
        "`duration_in_months` months from redemption; `forever`.",
    )
    duration_in_months = StrictIntegerField(min_value=1, max_value=120, required=False)
    max_redemptions = StrictIntegerField(
        min_value=1, max_value=10_000_000, required=False, help_text="In all, by anyone."
    )
    redeem_by = serializers.DateTimeField(
        required=False, help_text="The last moment it can be redeemed."
    )
    plans = serializers.ListField(
        child=StrictCharField(max_length=40),
        required=False,
        max_length=100,
        help_text="The plans it applies to (`plan_…`); every plan when left out.",
    )
    metadata = MetadataField()


class CouponListInputSerializer(ListQueryInputSerializer):
    pass


class CouponOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    name = serializers.CharField()
    percent_off = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    amount_off = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    duration = serializers.ChoiceField(choices=CouponDuration.values)
    duration_in_months = serializers.IntegerField(allow_null=True)
    max_redemptions = serializers.IntegerField(allow_null=True)
    redeem_by = serializers.DateTimeField(allow_null=True)
    plans = serializers.SerializerMethodField()
    times_redeemed = serializers.IntegerField()
    valid = serializers.SerializerMethodField(
        help_text="Whether it can be redeemed now (not deleted, before `redeem_by`, under "
        "`max_redemptions`)."
    )
    metadata = serializers.DictField()
    provider_coupon_id = serializers.CharField()
    deleted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_object(self, coupon: builtins.object) -> str:
        return "coupon"

    def get_plans(self, coupon: Coupon) -> list[str]:
        return sorted(plan.pk for plan in coupon.plans.all())

    def get_valid(self, coupon: Coupon) -> bool:
        return (
            coupon.deleted_at is None
            and (coupon.redeem_by is None or timezone.now() <= coupon.redeem_by)
            and (coupon.max_redemptions is None or coupon.times_redeemed < coupon.max_redemptions)
        )


class PromotionCodeCreateInputSerializer(InputSerializer):
    coupon = StrictCharField(max_length=40, help_text="The coupon (`cpn_…`) it redeems.")
    code = serializers.RegexField(
        r"^[A-Za-z0-9-]{1,100}$",
        help_text="What the customer types: letters, digits and dashes; unique (any case) "
        "among the app's active codes.",
    )
    max_redemptions = StrictIntegerField(
        min_value=1, max_value=10_000_000, required=False, help_text="In all."
    )
    max_redemptions_per_customer = StrictIntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        help_text="How often one customer may redeem it (1: once per customer).",
    )
    expires_at = serializers.DateTimeField(required=False)
    customer = StrictCharField(
        max_length=40, required=False, help_text="Only this customer (`cus_…`) may redeem it."
    )
    first_time_transaction = StrictBooleanField(
        required=False, default=False, help_text="Only customers who have paid nothing yet."
    )
    metadata = MetadataField()


class PromotionCodeListInputSerializer(ListQueryInputSerializer):
    code = serializers.CharField(max_length=100, required=False, help_text="Any case.")
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    coupon = serializers.CharField(max_length=40, required=False)


class PromotionCodeOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    coupon = serializers.CharField(source="coupon_id")
    code = serializers.CharField()
    active = serializers.BooleanField()
    max_redemptions = serializers.IntegerField(allow_null=True)
    max_redemptions_per_customer = serializers.IntegerField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    customer = serializers.CharField(source="customer_id", allow_null=True)
    first_time_transaction = serializers.BooleanField()
    times_redeemed = serializers.IntegerField()
    metadata = serializers.DictField()
    provider_promotion_code_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, promotion_code: builtins.object) -> str:
        return "promotion_code"


class PromotionCodeDeactivateInputSerializer(InputSerializer):
    """No fields: an unknown one answers 400."""


class CustomerDiscountInputSerializer(InputSerializer):
    coupon = StrictCharField(max_length=40, required=False, help_text="A coupon (`cpn_…`).")
    promotion_code = StrictCharField(
        max_length=100,
        required=False,
        help_text="A promotion code (id or code), not with `coupon`.",
    )


class DiscountOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    coupon = CouponOutputSerializer()
    promotion_code = serializers.CharField(source="promotion_code_id", allow_null=True)
    customer = serializers.CharField(source="customer_id")
    target = serializers.ChoiceField(choices=DiscountTarget.values)
    subscription = serializers.CharField(source="subscription_id", allow_null=True)
    checkout_session = serializers.CharField(source="checkout_session_id", allow_null=True)
    removed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_object(self, discount: builtins.object) -> str:
        return "discount"


class CustomerDiscountOutputSerializer(serializers.Serializer[Any]):
    object = serializers.SerializerMethodField()
    customer = serializers.CharField()
    discount = DiscountOutputSerializer(allow_null=True)

    def get_object(self, value: builtins.object) -> str:
        return "customer_discount"
