from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import ListQueryInputSerializer, list_body
from billing.checkout import checkout_session_create, checkout_session_expire
from billing.clocks import (
    test_clock_advance,
    test_clock_create,
    test_clock_delete,
    test_clock_get,
    test_clock_list,
)
from billing.coupons import (
    coupon_create,
    coupon_delete,
    coupon_get,
    coupon_list,
    customer_discount_get,
    customer_discount_remove,
    customer_discount_set,
    promotion_code_create,
    promotion_code_deactivate,
    promotion_code_get,
    promotion_code_list,
)
from billing.credits import (
    credit_balance_get,
    credit_grant_create,
    credit_grant_expire,
    credit_grant_get,
    credit_grant_list,
    credit_grant_transactions,
    credit_grant_void,
)
from billing.invoices import invoice_pay, invoice_upcoming
from billing.models import (
    CheckoutSession,
    Coupon,
    Customer,
    Invoice,
    Payment,
    PromotionCode,
    Refund,
    Subscription,
    TestClock,
)
from billing.payment_methods import (
    payment_method_default_set,
    payment_method_detach,
    payment_method_list,
    setup_intent_create,
)
from billing.payments import (
    payment_create,
    payment_get,
    payment_list,
    refund_create,
    refund_get,
    refund_list,
)
from billing.portal import portal_session_create
from billing.selectors import (
    checkout_session_get,
    checkout_session_list,
    customer_get,
    customer_get_by_reference,
    customer_list,
    invoice_get,
    invoice_list,
    subscription_get,
    subscription_list,
)
from billing.serializers import (
    CheckoutSessionCreateInputSerializer,
    CheckoutSessionListInputSerializer,
    CheckoutSessionOutputSerializer,
    CouponCreateInputSerializer,
    CouponListInputSerializer,
    CouponOutputSerializer,
    CreditBalanceOutputSerializer,
    CreditGrantCreateInputSerializer,
    CreditGrantDetailOutputSerializer,
    CreditGrantOutputSerializer,
    CustomerCreateInputSerializer,
    CustomerDiscountInputSerializer,
    CustomerDiscountOutputSerializer,
    CustomerListInputSerializer,
    CustomerOutputSerializer,
    CustomerUpdateInputSerializer,
    InvoiceListInputSerializer,
    InvoiceOutputSerializer,
    InvoicePayInputSerializer,
    PaymentCreateInputSerializer,
    PaymentListInputSerializer,
    PaymentMethodDetachedOutputSerializer,
    PaymentMethodDetachInputSerializer,
    PaymentMethodListInputSerializer,
    PaymentMethodOutputSerializer,
    PaymentOutputSerializer,
    PortalSessionCreateInputSerializer,
    PortalSessionOutputSerializer,
    PromotionCodeCreateInputSerializer,
    PromotionCodeDeactivateInputSerializer,
    PromotionCodeListInputSerializer,
    PromotionCodeOutputSerializer,
    RefundCreateInputSerializer,
    RefundListInputSerializer,
    RefundOutputSerializer,
    SetupIntentCreateInputSerializer,
    SetupIntentOutputSerializer,
    SubscriptionCancelInputSerializer,
    SubscriptionChangePlanInputSerializer,
    SubscriptionCreateInputSerializer,
    SubscriptionListInputSerializer,
    SubscriptionOutputSerializer,
    SubscriptionPendingChangeCancelInputSerializer,
    SubscriptionResumeInputSerializer,
    TestClockAdvanceInputSerializer,
    TestClockCreateInputSerializer,
    TestClockDeletedOutputSerializer,
    TestClockListInputSerializer,
    TestClockOutputSerializer,
    UpcomingInvoiceOutputSerializer,
)
from billing.services import customer_create, customer_update
from billing.subscription_schedules import subscription_pending_change_cancel
from billing.subscriptions import (
    subscription_cancel,
    subscription_change_plan,
    subscription_create,
    subscription_resume,
)
from tenants.views import TenantViewSet

# The card's provider id (`pm_…`) in the customer's payment-method routes.
PAYMENT_METHOD_PATH = OpenApiParameter(
    "payment_method_id", str, OpenApiParameter.PATH, description="The card's id (`pm_…`)."
)


class CustomerViewSet(TenantViewSet):
    model = Customer

    @extend_schema(request=CustomerCreateInputSerializer, responses={201: CustomerOutputSerializer})
    def create(self, request: Request) -> Response:
        payload = CustomerCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(CustomerOutputSerializer(customer).data, status=201)

    @extend_schema(
        parameters=[CustomerListInputSerializer],
        responses=CustomerOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(CustomerListInputSerializer)
        return self.list_response(
            queryset=customer_list(app=self.app, external_id=filters.get("external_id")),
            output=CustomerOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=CustomerOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        customer = customer_get(app=self.app, customer_id=pk)
        return Response(CustomerOutputSerializer(customer).data)

    @extend_schema(request=CustomerUpdateInputSerializer, responses=CustomerOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        payload = CustomerUpdateInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        customer = customer_update(
            app=self.app,
            actor=self.actor,
            customer_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(CustomerOutputSerializer(customer).data)

    @extend_schema(
        methods=["POST"],
        request=CustomerDiscountInputSerializer,
        responses={201: CustomerDiscountOutputSerializer},
        summary="Give the customer a discount",
        description="A coupon or promotion code redeemed for the customer (one discount at a "
        "time; a new one replaces it). It applies to each subscription they start afterwards "
        "that names no `coupon` or `promotion_code` of its own (the pinned Stripe API has no "
        "customer-level coupon, so it is applied on each subscription).",
    )
    @extend_schema(
        methods=["GET"],
        request=None,
        responses=CustomerDiscountOutputSerializer,
        summary="Retrieve the customer's discount",
        description="`discount` is null when the customer has none.",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses=CustomerDiscountOutputSerializer,
        summary="Remove the customer's discount",
        description="Later subscriptions start without it; those that carry it keep it. 404 "
        "when the customer has none.",
    )
    @action(detail=True, methods=["get", "post", "delete"], url_path="discount")
    def discount(self, request: Request, pk: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        if request.method == "GET":
            found = customer_discount_get(app=self.app, customer_id=pk)
            return Response(
                CustomerDiscountOutputSerializer({"customer": pk, "discount": found}).data
            )
        if request.method == "DELETE":
            customer_discount_remove(app=self.app, actor=self.actor, customer_id=pk)
            return Response(
                CustomerDiscountOutputSerializer({"customer": pk, "discount": None}).data
            )
        payload = CustomerDiscountInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        applied = customer_discount_set(
            app=self.app, actor=self.actor, customer_id=pk, **payload.validated_data
        )
        return Response(
            CustomerDiscountOutputSerializer({"customer": pk, "discount": applied}).data,
            status=201,
        )

    @extend_schema(
        request=SetupIntentCreateInputSerializer,
        responses={201: SetupIntentOutputSerializer},
        summary="Create a setup intent for the customer's card",
        description="For the app's own card form (Stripe Elements): the form confirms the "
        "answer's `client_secret` with the provider's publishable key (`GET /v1/app`). When the "
        "setup succeeds the card becomes the customer's default (the provider's webhook).",
    )
    @action(detail=True, methods=["post"], url_path="setup-intents")
    def setup_intents(self, request: Request, pk: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        payload = SetupIntentCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        setup_intent = setup_intent_create(
            app=self.app,
            actor=self.actor,
            customer_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(SetupIntentOutputSerializer(setup_intent).data, status=201)

    @extend_schema(
        responses=PaymentMethodOutputSerializer(many=True),
        summary="List the customer's cards",
        description="Read from the provider on each request, so never stale; one page with "
        "every card (`has_more` is false), newest first.",
    )
    @action(detail=True, methods=["get"], url_path="payment-methods")
    def payment_methods(self, request: Request, pk: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        self.query_filters(PaymentMethodListInputSerializer)
        cards = payment_method_list(app=self.app, customer_id=pk)
        return Response(
            list_body(
                data=list(PaymentMethodOutputSerializer(cards, many=True).data), has_more=False
            )
        )

    @extend_schema(
        request=None,
        parameters=[PAYMENT_METHOD_PATH],
        responses=PaymentMethodOutputSerializer,
        summary="Make a card the customer's default",
        description="The card renewals and invoices charge, at the provider (the customer's "
        "invoices and each live subscription) and here. Another customer's card answers 404.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"payment-methods/(?P<payment_method_id>[^/.]+)/default",
    )
    def payment_method_default(self, request: Request, pk: str, payment_method_id: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        card = payment_method_default_set(
            app=self.app,
            actor=self.actor,
            customer_id=pk,
            payment_method_id=payment_method_id,
            request_key=self.request_key,
        )
        return Response(PaymentMethodOutputSerializer(card).data)

    @extend_schema(
        parameters=[PAYMENT_METHOD_PATH, PaymentMethodDetachInputSerializer],
        responses=PaymentMethodDetachedOutputSerializer,
        summary="Detach a card from the customer",
        description="The last card of a customer with a live subscription (trialing, active, "
        "past due) answers 409 `last_payment_method` unless `force=true`.",
    )
    @action(
        detail=True, methods=["delete"], url_path=r"payment-methods/(?P<payment_method_id>[^/.]+)"
    )
    def payment_method_remove(self, request: Request, pk: str, payment_method_id: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        options = self.query_filters(PaymentMethodDetachInputSerializer)
        card = payment_method_detach(
            app=self.app,
            actor=self.actor,
            customer_id=pk,
            payment_method_id=payment_method_id,
            request_key=self.request_key,
            **options,
        )
        return Response(PaymentMethodDetachedOutputSerializer(card).data)

    @extend_schema(
        request=PortalSessionCreateInputSerializer,
        responses={201: PortalSessionOutputSerializer},
        summary="Open the billing portal for the customer",
        description="A link to the provider's portal where the customer updates their card, "
        "cancels at the end of the period, switches between the app's plans (those without "
        "metered components) and sees their invoices. What they do there reaches the "
        "subscription and customer through the provider's webhooks, audited with actor "
        "`stripe`. The portal is configured from the app's catalog on first use and again "
        "when the catalog changed.",
    )
    @action(detail=True, methods=["post"], url_path="portal-sessions")
    def portal_sessions(self, request: Request, pk: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        payload = PortalSessionCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        portal_session = portal_session_create(
            app=self.app,
            actor=self.actor,
            customer_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(PortalSessionOutputSerializer(portal_session).data, status=201)

    @extend_schema(
        responses=UpcomingInvoiceOutputSerializer,
        summary="Preview the customer's next invoice",
        description="The provider's preview of the next invoice of the customer's current "
        "subscription, with this period's usage so far; an empty preview (`subscription` "
        "null) when none will be invoiced again.",
    )
    @action(detail=True, methods=["get"], url_path="upcoming-invoice")
    def upcoming_invoice(self, request: Request, pk: str) -> Response:
        preview = invoice_upcoming(app=self.app, customer_id=pk)
        return Response(UpcomingInvoiceOutputSerializer(preview).data)


class InvoiceViewSet(TenantViewSet):
    """The provider's invoices of the app's customers (renewals, plan changes), mirrored from
    its webhooks, with every payment attempt and its decline code."""

    model = Invoice

    @extend_schema(
        parameters=[InvoiceListInputSerializer], responses=InvoiceOutputSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(InvoiceListInputSerializer)
        return self.list_response(
            queryset=invoice_list(
                app=self.app,
                customer=filters.get("customer"),
                subscription=filters.get("subscription"),
                status=filters.get("status"),
            ),
            output=InvoiceOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=InvoiceOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(InvoiceOutputSerializer(invoice_get(app=self.app, invoice_id=pk)).data)

    @extend_schema(
        request=InvoicePayInputSerializer,
        responses=InvoiceOutputSerializer,
        summary="Pay an invoice now",
        description="Charges the open invoice now with `payment_method` or its default card. "
        "A decline answers 402 with the `decline_code`, the failed attempt recorded on the "
        "invoice; a paid invoice answers 409 `invoice_already_paid`.",
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str) -> Response:
        invoice_get(app=self.app, invoice_id=pk)
        payload = InvoicePayInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invoice = invoice_pay(
            app=self.app,
            actor=self.actor,
            invoice_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(InvoiceOutputSerializer(invoice).data)


class PaymentViewSet(TenantViewSet):
    model = Payment

    @extend_schema(request=PaymentCreateInputSerializer, responses={201: PaymentOutputSerializer})
    def create(self, request: Request) -> Response:
        payload = PaymentCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        payment = payment_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(PaymentOutputSerializer(payment).data, status=201)

    @extend_schema(
        parameters=[PaymentListInputSerializer], responses=PaymentOutputSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(PaymentListInputSerializer)
        return self.list_response(
            queryset=payment_list(
                app=self.app, customer=filters.get("customer"), status=filters.get("status")
            ),
            output=PaymentOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=PaymentOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PaymentOutputSerializer(payment_get(app=self.app, payment_id=pk)).data)

    @extend_schema(request=RefundCreateInputSerializer, responses={201: RefundOutputSerializer})
    @action(detail=True, methods=["post"])
    def refunds(self, request: Request, pk: str) -> Response:
        payment_get(app=self.app, payment_id=pk)
        payload = RefundCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        refund = refund_create(
            app=self.app,
            actor=self.actor,
            payment_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(RefundOutputSerializer(refund).data, status=201)


class RefundViewSet(TenantViewSet):
    model = Refund

    @extend_schema(
        parameters=[RefundListInputSerializer], responses=RefundOutputSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(RefundListInputSerializer)
        return self.list_response(
            queryset=refund_list(app=self.app, payment=filters.get("payment")),
            output=RefundOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=RefundOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(RefundOutputSerializer(refund_get(app=self.app, refund_id=pk)).data)


class SubscriptionViewSet(TenantViewSet):
    model = Subscription

    @extend_schema(
        request=SubscriptionCreateInputSerializer,
        responses={201: SubscriptionOutputSerializer},
        description="Subscribes a customer to a plan's current version. The provider's answer "
        "decides the status (`trialing`, `active`, or `incomplete` when the first payment "
        "did not go through). A provider outage answers 502 and leaves the subscription "
        "pending: a retry with the same Idempotency-Key, or the retry job, completes it. "
        "Unless the app allows several (`allow_multiple_subscriptions` on `GET /v1/app`), a "
        "customer who already has a live subscription (any status but `canceled` and "
        "`incomplete_expired`) answers 409 `customer_has_subscription`, with that "
        "subscription's id in the error's `subscription`. Where the customer approves each "
        "subscription on the provider's page (PayPal), `return_url` is required and the "
        "subscription answers `incomplete` with `approval_url` until they have.",
    )
    def create(self, request: Request) -> Response:
        payload = SubscriptionCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        subscription = subscription_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(SubscriptionOutputSerializer(subscription).data, status=201)

    @extend_schema(
        parameters=[SubscriptionListInputSerializer],
        responses=SubscriptionOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(SubscriptionListInputSerializer)
        return self.list_response(
            queryset=subscription_list(
                app=self.app, customer=filters.get("customer"), status=filters.get("status")
            ),
            output=SubscriptionOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=SubscriptionOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        subscription = subscription_get(app=self.app, subscription_id=pk)
        return Response(SubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        request=SubscriptionCancelInputSerializer,
        responses=SubscriptionOutputSerializer,
        description="Cancels now, or with `at_period_end` at the end of the current period.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        subscription_get(app=self.app, subscription_id=pk)
        payload = SubscriptionCancelInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        subscription = subscription_cancel(
            app=self.app,
            actor=self.actor,
            subscription_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(SubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        request=SubscriptionResumeInputSerializer,
        responses=SubscriptionOutputSerializer,
        description="Undoes a cancellation at the period's end before it takes effect: the "
        "subscription renews again. A subscription not set to cancel at its period's end, "
        "or already ended, answers 409 `subscription_not_resumable`.",
    )
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        subscription_get(app=self.app, subscription_id=pk)
        payload = SubscriptionResumeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        subscription = subscription_resume(
            app=self.app,
            actor=self.actor,
            subscription_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(SubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        request=SubscriptionChangePlanInputSerializer,
        responses=SubscriptionOutputSerializer,
        description="Moves the subscription to another plan's current version, `at` `now` "
        "or at the current period's end (`period_end`); by default a downgrade (a lower base "
        "price a month) waits for the period's end and an upgrade applies now. Now: "
        "`proration` is `create_prorations` (credit and charge on the next invoice, the "
        "default), `none`, or `always_invoice` (invoice the difference now), and a scheduled "
        "change is dropped. At the period's end: the provider holds the change and applies it "
        "at the renewal; until then the subscription shows it as `pending_change`, and a "
        "second scheduled change replaces the first. A subscription that is not `active` or "
        "`past_due`, or is set to cancel at its period's end, answers 400 (`param` `at`).",
    )
    @action(detail=True, methods=["post"], url_path="change-plan")
    def change_plan(self, request: Request, pk: str) -> Response:
        subscription_get(app=self.app, subscription_id=pk)
        payload = SubscriptionChangePlanInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        subscription = subscription_change_plan(
            app=self.app,
            actor=self.actor,
            subscription_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(SubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        request=SubscriptionPendingChangeCancelInputSerializer,
        responses=SubscriptionOutputSerializer,
        description="Drops the plan change scheduled for the period's end: the provider's "
        "schedule is released and the subscription renews on its current plan. A subscription "
        "with no scheduled change answers 409 `no_pending_change`.",
    )
    @action(detail=True, methods=["post"], url_path="pending-change/cancel")
    def pending_change_cancel(self, request: Request, pk: str) -> Response:
        subscription_get(app=self.app, subscription_id=pk)
        payload = SubscriptionPendingChangeCancelInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        subscription = subscription_pending_change_cancel(
            app=self.app, actor=self.actor, subscription_id=pk, request_key=self.request_key
        )
        return Response(SubscriptionOutputSerializer(subscription).data)


class TestClockViewSet(TenantViewSet):
    """Test-mode apps only (a live-mode app is answered 400): a clock whose frozen time is the
    "now" of the customers created on it (`POST /v1/customers` with `test_clock`)."""

    model = TestClock

    @extend_schema(
        request=TestClockCreateInputSerializer,
        responses={201: TestClockOutputSerializer},
        summary="Create a test clock",
        description="A clock at the provider frozen at `frozen_time` (past or future).",
    )
    def create(self, request: Request) -> Response:
        payload = TestClockCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        test_clock = test_clock_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(TestClockOutputSerializer(test_clock).data, status=201)

    @extend_schema(
        parameters=[TestClockListInputSerializer],
        responses=TestClockOutputSerializer(many=True),
        summary="List test clocks",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(TestClockListInputSerializer)
        return self.list_response(
            queryset=test_clock_list(app=self.app),
            output=TestClockOutputSerializer,
            filters=filters,
        )

    @extend_schema(
        responses=TestClockOutputSerializer,
        summary="Retrieve a test clock",
        description="An `advancing` clock is read again at the provider, so polling this "
        "shows it become `ready`.",
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        test_clock = test_clock_get(app=self.app, test_clock_id=pk)
        return Response(TestClockOutputSerializer(test_clock).data)

    @extend_schema(
        request=TestClockAdvanceInputSerializer,
        responses=TestClockOutputSerializer,
        summary="Advance a test clock",
        description="Moves the clock to `frozen_time` (later than its current one); its "
        "customers' trials end, renewals are invoiced and retries run on the way. Answers the "
        "clock `advancing`; it is `ready` when the provider is done.",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        test_clock_get(app=self.app, test_clock_id=pk)
        payload = TestClockAdvanceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        test_clock = test_clock_advance(
            app=self.app,
            actor=self.actor,
            test_clock_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(TestClockOutputSerializer(test_clock).data)

    @extend_schema(
        responses=TestClockDeletedOutputSerializer,
        summary="Delete a test clock",
        description="Deletes the clock and, at the provider, its customers.",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        test_clock = test_clock_delete(app=self.app, actor=self.actor, test_clock_id=pk)
        return Response({"id": test_clock.pk, "object": "test_clock", "deleted": True})


# The grant's id (`cg_…`) in the customer's credit-grant routes.
CREDIT_GRANT_PATH = OpenApiParameter(
    "credit_grant_id", str, OpenApiParameter.PATH, description="The credit grant's id (`cg_…`)."
)


class CustomerCreditViewSet(TenantViewSet):
    """A customer's prepaid credits: `{id}` is our id (`cus_…`) or the app's `external_id`."""

    model = Customer

    @extend_schema(
        methods=["GET"],
        parameters=[ListQueryInputSerializer],
        responses=CreditGrantOutputSerializer(many=True),
        summary="List a customer's credit grants (ended ones too)",
    )
    @extend_schema(
        methods=["POST"],
        request=CreditGrantCreateInputSerializer,
        responses={201: CreditGrantOutputSerializer},
        summary="Grant a customer prepaid credits, in money or in units of a metric",
        description="Invoices consume them at finalization before charging the card, in "
        "`priority` order (0 first), then the earliest to expire; metered prices only (a base "
        "price is always charged). Money: `amount` + `currency`. Units: `units` + `metric`, "
        "held as money on the metric's metered price of the customer's current plan (units "
        "times its unit price, a whole number of minor units; not a tiered price), so they "
        "cover its first `units` units of overage. Audited CREATE_CREDIT_GRANT.",
    )
    @action(detail=True, methods=["get", "post"], url_path="credit-grants")
    def credit_grants(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            payload = CreditGrantCreateInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            grant = credit_grant_create(
                app=self.app,
                actor=self.actor,
                customer_reference=pk,
                request_key=self.request_key,
                **payload.validated_data,
            )
            return Response(CreditGrantOutputSerializer(grant).data, status=201)
        customer = customer_get_by_reference(app=self.app, reference=pk)
        filters = self.query_filters(ListQueryInputSerializer)
        return self.list_response(
            queryset=credit_grant_list(app=self.app, customer=customer),
            output=CreditGrantOutputSerializer,
            filters=filters,
        )

    @extend_schema(
        parameters=[CREDIT_GRANT_PATH],
        responses=CreditGrantDetailOutputSerializer,
        summary="A customer's credit grant, with its uses, expiry and voiding",
    )
    @action(detail=True, methods=["get"], url_path=r"credit-grants/(?P<credit_grant_id>[^/.]+)")
    def credit_grant(self, request: Request, pk: str, credit_grant_id: str) -> Response:
        customer = customer_get_by_reference(app=self.app, reference=pk)
        grant = credit_grant_get(app=self.app, customer=customer, credit_grant_id=credit_grant_id)
        context = {"transactions": credit_grant_transactions(app=self.app, grant=grant)}
        return Response(CreditGrantDetailOutputSerializer(grant, context=context).data)

    @extend_schema(
        parameters=[CREDIT_GRANT_PATH],
        request=None,
        responses=CreditGrantOutputSerializer,
        summary="Void a credit grant: what is left of it is no longer applied",
        description="Audited VOID_CREDIT_GRANT; an ended grant answers 409 `credit_grant_ended`.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"credit-grants/(?P<credit_grant_id>[^/.]+)/void",
    )
    def credit_grant_void(self, request: Request, pk: str, credit_grant_id: str) -> Response:
        grant = credit_grant_void(
            app=self.app, actor=self.actor, customer_reference=pk, credit_grant_id=credit_grant_id
        )
        return Response(CreditGrantOutputSerializer(grant).data)

    @extend_schema(
        parameters=[CREDIT_GRANT_PATH],
        request=None,
        responses=CreditGrantOutputSerializer,
        summary="Expire a credit grant now, as reaching its expires_at would",
        description="Audited EXPIRE_CREDIT_GRANT; an ended grant answers 409 `credit_grant_ended`.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"credit-grants/(?P<credit_grant_id>[^/.]+)/expire",
    )
    def credit_grant_expire(self, request: Request, pk: str, credit_grant_id: str) -> Response:
        grant = credit_grant_expire(
            app=self.app, actor=self.actor, customer_reference=pk, credit_grant_id=credit_grant_id
        )
        return Response(CreditGrantOutputSerializer(grant).data)

    @extend_schema(
        responses=CreditBalanceOutputSerializer,
        summary="A customer's prepaid credit balance, in money per currency and units per metric",
    )
    @action(detail=True, methods=["get"], url_path="credit-balance")
    def credit_balance(self, request: Request, pk: str) -> Response:
        balance = credit_balance_get(app=self.app, customer_reference=pk)
        return Response(CreditBalanceOutputSerializer(balance).data)


class CheckoutSessionViewSet(TenantViewSet):
    """The provider's hosted checkout page: the customer pays, subscribes or saves a card there;
    the provider's webhooks complete the session and produce the payment or subscription."""

    model = CheckoutSession

    @extend_schema(
        request=CheckoutSessionCreateInputSerializer,
        responses={201: CheckoutSessionOutputSerializer},
        summary="Create a checkout session",
        description="Opens a session at the provider and answers its hosted `url` (send the "
        "customer there), `status` `open` and `expires_at`. `customer` is ours, or "
        "`external_id` (with `email`) the app's own user, created if new. A provider outage "
        "answers 502 and leaves nothing; a retry with the same Idempotency-Key answers the "
        "same session.",
    )
    def create(self, request: Request) -> Response:
        payload = CheckoutSessionCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = checkout_session_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(CheckoutSessionOutputSerializer(session).data, status=201)

    @extend_schema(
        parameters=[CheckoutSessionListInputSerializer],
        responses=CheckoutSessionOutputSerializer(many=True),
        summary="List checkout sessions",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(CheckoutSessionListInputSerializer)
        return self.list_response(
            queryset=checkout_session_list(
                app=self.app, customer=filters.get("customer"), status=filters.get("status")
            ),
            output=CheckoutSessionOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=CheckoutSessionOutputSerializer, summary="Retrieve a checkout session")
    def retrieve(self, request: Request, pk: str) -> Response:
        session = checkout_session_get(app=self.app, checkout_session_id=pk)
        return Response(CheckoutSessionOutputSerializer(session).data)

    @extend_schema(
        request=None,
        responses=CheckoutSessionOutputSerializer,
        summary="Expire a checkout session",
        description="Ends an open session: its page takes no more payments. A session that is "
        "complete or expired answers 409.",
    )
    @action(detail=True, methods=["post"])
    def expire(self, request: Request, pk: str) -> Response:
        session = checkout_session_expire(
            app=self.app, actor=self.actor, checkout_session_id=pk, request_key=self.request_key
        )
        return Response(CheckoutSessionOutputSerializer(session).data)


class CouponViewSet(TenantViewSet):
    """An amount or percentage off subscriptions' invoices for a while, held at the provider
    too; redeemed with `coupon` on subscriptions, plan changes, checkout sessions and
    customers, or through a promotion code."""

    model = Coupon

    @extend_schema(
        request=CouponCreateInputSerializer,
        responses={201: CouponOutputSerializer},
        summary="Create a coupon",
        description="`percent_off`, or `amount_off` with `currency`; `duration` `once`, "
        "`repeating` (with `duration_in_months`) or `forever`; optionally `max_redemptions`, "
        "`redeem_by` and the `plans` it applies to. A provider without coupons (PayPal) "
        "answers 400 `provider_capability_unsupported`.",
    )
    def create(self, request: Request) -> Response:
        payload = CouponCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        coupon = coupon_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(CouponOutputSerializer(coupon).data, status=201)

    @extend_schema(
        parameters=[CouponListInputSerializer],
        responses=CouponOutputSerializer(many=True),
        summary="List coupons",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(CouponListInputSerializer)
        return self.list_response(
            queryset=coupon_list(app=self.app), output=CouponOutputSerializer, filters=filters
        )

    @extend_schema(responses=CouponOutputSerializer, summary="Retrieve a coupon")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CouponOutputSerializer(coupon_get(app=self.app, coupon_id=pk)).data)

    @extend_schema(
        responses=CouponOutputSerializer,
        summary="Delete a coupon",
        description="No new redemptions (its promotion codes are deactivated); discounts "
        "already made from it run their course. Answers the coupon with `deleted_at`.",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        coupon = coupon_delete(app=self.app, actor=self.actor, coupon_id=pk)
        return Response(CouponOutputSerializer(coupon_get(app=self.app, coupon_id=coupon.pk)).data)


class PromotionCodeViewSet(TenantViewSet):
    """A customer-facing code for a coupon, with limits in all and per customer."""

    model = PromotionCode

    @extend_schema(
        request=PromotionCodeCreateInputSerializer,
        responses={201: PromotionCodeOutputSerializer},
        summary="Create a promotion code",
        description="`code` is unique (any case) among the app's active codes (409 "
        "`promotion_code_taken`). Redeeming it past `max_redemptions`, "
        "`max_redemptions_per_customer`, `expires_at`, inactive or by another customer than "
        "`customer` answers 400 with a code saying which.",
    )
    def create(self, request: Request) -> Response:
        payload = PromotionCodeCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        promotion_code = promotion_code_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(PromotionCodeOutputSerializer(promotion_code).data, status=201)

    @extend_schema(
        parameters=[PromotionCodeListInputSerializer],
        responses=PromotionCodeOutputSerializer(many=True),
        summary="List promotion codes",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(PromotionCodeListInputSerializer)
        return self.list_response(
            queryset=promotion_code_list(
                app=self.app,
                code=filters.get("code"),
                active=filters.get("active"),
                coupon=filters.get("coupon"),
            ),
            output=PromotionCodeOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=PromotionCodeOutputSerializer, summary="Retrieve a promotion code")
    def retrieve(self, request: Request, pk: str) -> Response:
        promotion_code = promotion_code_get(app=self.app, promotion_code_id=pk)
        return Response(PromotionCodeOutputSerializer(promotion_code).data)

    @extend_schema(
        request=PromotionCodeDeactivateInputSerializer,
        responses=PromotionCodeOutputSerializer,
        summary="Deactivate a promotion code",
        description="It can no longer be redeemed, here or at the provider; its code may be "
        "given to a new promotion code.",
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        promotion_code_get(app=self.app, promotion_code_id=pk)
        payload = PromotionCodeDeactivateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        promotion_code = promotion_code_deactivate(
            app=self.app, actor=self.actor, promotion_code_id=pk, request_key=self.request_key
        )
        return Response(PromotionCodeOutputSerializer(promotion_code).data)
