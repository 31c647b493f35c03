"""Contains all the data models used in inputs/outputs"""

from .aggregation_enum import AggregationEnum
from .app_client_output import AppClientOutput
from .app_output import AppOutput
from .at_enum import AtEnum
from .audit_event_output import AuditEventOutput
from .checkout_session_create_input_request import CheckoutSessionCreateInputRequest
from .checkout_session_create_input_request_metadata import (
    CheckoutSessionCreateInputRequestMetadata,
)
from .checkout_session_output import CheckoutSessionOutput
from .checkout_session_output_metadata import CheckoutSessionOutputMetadata
from .checkout_session_output_status_enum import CheckoutSessionOutputStatusEnum
from .coupon_create_input_request import CouponCreateInputRequest
from .coupon_create_input_request_metadata import CouponCreateInputRequestMetadata
from .coupon_output import CouponOutput
from .coupon_output_metadata import CouponOutputMetadata
from .credit_balance_money_output import CreditBalanceMoneyOutput
from .credit_balance_output import CreditBalanceOutput
from .credit_balance_units_output import CreditBalanceUnitsOutput
from .credit_grant_create_input_request import CreditGrantCreateInputRequest
from .credit_grant_detail_output import CreditGrantDetailOutput
from .credit_grant_kind_enum import CreditGrantKindEnum
from .credit_grant_output import CreditGrantOutput
from .credit_grant_status_enum import CreditGrantStatusEnum
from .credit_grant_transaction_kind_enum import CreditGrantTransactionKindEnum
from .credit_grant_transaction_output import CreditGrantTransactionOutput
from .customer_create_input_request import CustomerCreateInputRequest
from .customer_create_input_request_metadata import CustomerCreateInputRequestMetadata
from .customer_discount_input_request import CustomerDiscountInputRequest
from .customer_discount_output import CustomerDiscountOutput
from .customer_output import CustomerOutput
from .customer_output_metadata import CustomerOutputMetadata
from .customer_usage_output import CustomerUsageOutput
from .deleted_object import DeletedObject
from .discount_output import DiscountOutput
from .duration_enum import DurationEnum
from .entitlement_grace_period_output import EntitlementGracePeriodOutput
from .entitlement_list_output import EntitlementListOutput
from .entitlement_list_output_object_enum import EntitlementListOutputObjectEnum
from .entitlement_output import EntitlementOutput
from .entitlement_override_create_input_request import EntitlementOverrideCreateInputRequest
from .entitlement_override_output import EntitlementOverrideOutput
from .error import Error
from .error_error import ErrorError
from .error_error_type import ErrorErrorType
from .error_output import ErrorOutput
from .feature_create_input_request import FeatureCreateInputRequest
from .feature_entitlement_output import FeatureEntitlementOutput
from .feature_entitlement_output_object_enum import FeatureEntitlementOutputObjectEnum
from .feature_entitlement_override_output import FeatureEntitlementOverrideOutput
from .feature_output import FeatureOutput
from .grace_period_output import GracePeriodOutput
from .grace_period_output_reason_enum import GracePeriodOutputReasonEnum
from .grace_period_output_status_enum import GracePeriodOutputStatusEnum
from .grace_period_resolve_input_request import GracePeriodResolveInputRequest
from .interval_enum import IntervalEnum
from .invoice_credit_use_output import InvoiceCreditUseOutput
from .invoice_discount_output import InvoiceDiscountOutput
from .invoice_line_output import InvoiceLineOutput
from .invoice_line_output_kind_enum import InvoiceLineOutputKindEnum
from .invoice_output import InvoiceOutput
from .invoice_output_status_enum import InvoiceOutputStatusEnum
from .invoice_pay_input_request import InvoicePayInputRequest
from .invoice_payment_attempt_output import InvoicePaymentAttemptOutput
from .invoice_payment_attempt_output_status_enum import InvoicePaymentAttemptOutputStatusEnum
from .metric_create_input_request import MetricCreateInputRequest
from .metric_output import MetricOutput
from .metric_usage_output import MetricUsageOutput
from .mode_enum import ModeEnum
from .patched_customer_update_input_request import PatchedCustomerUpdateInputRequest
from .patched_customer_update_input_request_metadata import (
    PatchedCustomerUpdateInputRequestMetadata,
)
from .patched_feature_update_input_request import PatchedFeatureUpdateInputRequest
from .patched_plan_update_input_request import PatchedPlanUpdateInputRequest
from .patched_plan_update_input_request_features import PatchedPlanUpdateInputRequestFeatures
from .patched_plan_update_input_request_metadata import PatchedPlanUpdateInputRequestMetadata
from .patched_plan_update_input_request_quotas import PatchedPlanUpdateInputRequestQuotas
from .payment_create_input_request import PaymentCreateInputRequest
from .payment_create_input_request_metadata import PaymentCreateInputRequestMetadata
from .payment_method_output import PaymentMethodOutput
from .payment_output import PaymentOutput
from .payment_output_metadata import PaymentOutputMetadata
from .payment_status_enum import PaymentStatusEnum
from .plan_base_input_request import PlanBaseInputRequest
from .plan_create_input_request import PlanCreateInputRequest
from .plan_create_input_request_features import PlanCreateInputRequestFeatures
from .plan_create_input_request_metadata import PlanCreateInputRequestMetadata
from .plan_create_input_request_quotas import PlanCreateInputRequestQuotas
from .plan_metered_input_request import PlanMeteredInputRequest
from .plan_metered_output import PlanMeteredOutput
from .plan_output import PlanOutput
from .plan_output_base_type_0 import PlanOutputBaseType0
from .plan_output_features import PlanOutputFeatures
from .plan_output_metadata import PlanOutputMetadata
from .plan_output_quotas import PlanOutputQuotas
from .plan_tier_input_request import PlanTierInputRequest
from .plan_tier_output import PlanTierOutput
from .portal_session_create_input_request import PortalSessionCreateInputRequest
from .portal_session_output import PortalSessionOutput
from .promotion_code_create_input_request import PromotionCodeCreateInputRequest
from .promotion_code_create_input_request_metadata import PromotionCodeCreateInputRequestMetadata
from .promotion_code_output import PromotionCodeOutput
from .promotion_code_output_metadata import PromotionCodeOutputMetadata
from .proration_enum import ProrationEnum
from .refund_create_input_reason_enum import RefundCreateInputReasonEnum
from .refund_create_input_request import RefundCreateInputRequest
from .refund_create_input_request_metadata import RefundCreateInputRequestMetadata
from .refund_output import RefundOutput
from .refund_output_metadata import RefundOutputMetadata
from .setup_intent_create_input_request import SetupIntentCreateInputRequest
from .setup_intent_output import SetupIntentOutput
from .setup_intent_output_status_enum import SetupIntentOutputStatusEnum
from .source_enum import SourceEnum
from .subscription_cancel_input_request import SubscriptionCancelInputRequest
from .subscription_change_plan_input_request import SubscriptionChangePlanInputRequest
from .subscription_create_input_request import SubscriptionCreateInputRequest
from .subscription_create_input_request_metadata import SubscriptionCreateInputRequestMetadata
from .subscription_discount_output import SubscriptionDiscountOutput
from .subscription_output import SubscriptionOutput
from .subscription_output_metadata import SubscriptionOutputMetadata
from .subscription_output_status_enum import SubscriptionOutputStatusEnum
from .subscription_pending_change_output import SubscriptionPendingChangeOutput
from .target_enum import TargetEnum
from .test_clock_advance_input_request import TestClockAdvanceInputRequest
from .test_clock_create_input_request import TestClockCreateInputRequest
from .test_clock_output import TestClockOutput
from .test_clock_output_status_enum import TestClockOutputStatusEnum
from .type_enum import TypeEnum
from .upcoming_invoice_output import UpcomingInvoiceOutput
from .usage_alert_create_input_request import UsageAlertCreateInputRequest
from .usage_alert_output import UsageAlertOutput
from .usage_alert_threshold_input_request import UsageAlertThresholdInputRequest
from .usage_alert_threshold_output import UsageAlertThresholdOutput
from .usage_batch_input_request import UsageBatchInputRequest
from .usage_batch_output import UsageBatchOutput
from .usage_enum import UsageEnum
from .usage_event_create_input_request import UsageEventCreateInputRequest
from .usage_event_output import UsageEventOutput
from .usage_event_output_status_enum import UsageEventOutputStatusEnum
from .usage_event_result_output import UsageEventResultOutput
from .usage_event_result_output_status_enum import UsageEventResultOutputStatusEnum
from .usage_period_output import UsagePeriodOutput
from .v1_audit_events_list_response_200 import V1AuditEventsListResponse200
from .v1_audit_events_list_response_200_object import V1AuditEventsListResponse200Object
from .v1_checkout_sessions_list_response_200 import V1CheckoutSessionsListResponse200
from .v1_checkout_sessions_list_response_200_object import V1CheckoutSessionsListResponse200Object
from .v1_checkout_sessions_list_status import V1CheckoutSessionsListStatus
from .v1_coupons_list_response_200 import V1CouponsListResponse200
from .v1_coupons_list_response_200_object import V1CouponsListResponse200Object
from .v1_customers_credit_grants_list_response_200 import V1CustomersCreditGrantsListResponse200
from .v1_customers_credit_grants_list_response_200_object import (
    V1CustomersCreditGrantsListResponse200Object,
)
from .v1_customers_entitlement_overrides_list_response_200 import (
    V1CustomersEntitlementOverridesListResponse200,
)
from .v1_customers_entitlement_overrides_list_response_200_object import (
    V1CustomersEntitlementOverridesListResponse200Object,
)
from .v1_customers_list_response_200 import V1CustomersListResponse200
from .v1_customers_list_response_200_object import V1CustomersListResponse200Object
from .v1_customers_payment_methods_list_response_200 import V1CustomersPaymentMethodsListResponse200
from .v1_customers_payment_methods_list_response_200_object import (
    V1CustomersPaymentMethodsListResponse200Object,
)
from .v1_features_list_response_200 import V1FeaturesListResponse200
from .v1_features_list_response_200_object import V1FeaturesListResponse200Object
from .v1_grace_periods_list_reason import V1GracePeriodsListReason
from .v1_grace_periods_list_response_200 import V1GracePeriodsListResponse200
from .v1_grace_periods_list_response_200_object import V1GracePeriodsListResponse200Object
from .v1_grace_periods_list_status import V1GracePeriodsListStatus
from .v1_invoices_list_response_200 import V1InvoicesListResponse200
from .v1_invoices_list_response_200_object import V1InvoicesListResponse200Object
from .v1_invoices_list_status import V1InvoicesListStatus
from .v1_metrics_list_response_200 import V1MetricsListResponse200
from .v1_metrics_list_response_200_object import V1MetricsListResponse200Object
from .v1_payments_list_response_200 import V1PaymentsListResponse200
from .v1_payments_list_response_200_object import V1PaymentsListResponse200Object
from .v1_payments_list_status import V1PaymentsListStatus
from .v1_plans_list_response_200 import V1PlansListResponse200
from .v1_plans_list_response_200_object import V1PlansListResponse200Object
from .v1_promotion_codes_list_response_200 import V1PromotionCodesListResponse200
from .v1_promotion_codes_list_response_200_object import V1PromotionCodesListResponse200Object
from .v1_refunds_list_response_200 import V1RefundsListResponse200
from .v1_refunds_list_response_200_object import V1RefundsListResponse200Object
from .v1_subscriptions_list_response_200 import V1SubscriptionsListResponse200
from .v1_subscriptions_list_response_200_object import V1SubscriptionsListResponse200Object
from .v1_subscriptions_list_status import V1SubscriptionsListStatus
from .v1_test_clocks_list_response_200 import V1TestClocksListResponse200
from .v1_test_clocks_list_response_200_object import V1TestClocksListResponse200Object
from .v1_usage_alerts_list_response_200 import V1UsageAlertsListResponse200
from .v1_usage_alerts_list_response_200_object import V1UsageAlertsListResponse200Object
from .v1_webhook_endpoints_deliveries_list_response_200 import (
    V1WebhookEndpointsDeliveriesListResponse200,
)
from .v1_webhook_endpoints_deliveries_list_response_200_object import (
    V1WebhookEndpointsDeliveriesListResponse200Object,
)
from .v1_webhook_endpoints_deliveries_list_status import V1WebhookEndpointsDeliveriesListStatus
from .v1_webhook_endpoints_list_response_200 import V1WebhookEndpointsListResponse200
from .v1_webhook_endpoints_list_response_200_object import V1WebhookEndpointsListResponse200Object
from .webhook_delivery_output import WebhookDeliveryOutput
from .webhook_endpoint_create_input_request import WebhookEndpointCreateInputRequest
from .webhook_endpoint_create_input_request_metadata import (
    WebhookEndpointCreateInputRequestMetadata,
)
from .webhook_endpoint_create_output import WebhookEndpointCreateOutput
from .webhook_endpoint_create_output_metadata import WebhookEndpointCreateOutputMetadata
from .webhook_endpoint_output import WebhookEndpointOutput
from .webhook_endpoint_output_metadata import WebhookEndpointOutputMetadata

__all__ = (
    "AggregationEnum",
    "AppClientOutput",
    "AppOutput",
    "AtEnum",
    "AuditEventOutput",
    "CheckoutSessionCreateInputRequest",
    "CheckoutSessionCreateInputRequestMetadata",
    "CheckoutSessionOutput",
    "CheckoutSessionOutputMetadata",
    "CheckoutSessionOutputStatusEnum",
    "CouponCreateInputRequest",
    "CouponCreateInputRequestMetadata",
    "CouponOutput",
    "CouponOutputMetadata",
    "CreditBalanceMoneyOutput",
    "CreditBalanceOutput",
    "CreditBalanceUnitsOutput",
    "CreditGrantCreateInputRequest",
    "CreditGrantDetailOutput",
    "CreditGrantKindEnum",
    "CreditGrantOutput",
    "CreditGrantStatusEnum",
    "CreditGrantTransactionKindEnum",
    "CreditGrantTransactionOutput",
    "CustomerCreateInputRequest",
    "CustomerCreateInputRequestMetadata",
    "CustomerDiscountInputRequest",
    "CustomerDiscountOutput",
    "CustomerOutput",
    "CustomerOutputMetadata",
    "CustomerUsageOutput",
    "DeletedObject",
    "DiscountOutput",
    "DurationEnum",
    "EntitlementGracePeriodOutput",
    "EntitlementListOutput",
    "EntitlementListOutputObjectEnum",
    "EntitlementOutput",
    "EntitlementOverrideCreateInputRequest",
    "EntitlementOverrideOutput",
    "Error",
    "ErrorError",
    "ErrorErrorType",
    "ErrorOutput",
    "FeatureCreateInputRequest",
    "FeatureEntitlementOutput",
    "FeatureEntitlementOutputObjectEnum",
    "FeatureEntitlementOverrideOutput",
    "FeatureOutput",
    "GracePeriodOutput",
    "GracePeriodOutputReasonEnum",
    "GracePeriodOutputStatusEnum",
    "GracePeriodResolveInputRequest",
    "IntervalEnum",
    "InvoiceCreditUseOutput",
    "InvoiceDiscountOutput",
    "InvoiceLineOutput",
    "InvoiceLineOutputKindEnum",
    "InvoiceOutput",
    "InvoiceOutputStatusEnum",
    "InvoicePayInputRequest",
    "InvoicePaymentAttemptOutput",
    "InvoicePaymentAttemptOutputStatusEnum",
    "MetricCreateInputRequest",
    "MetricOutput",
    "MetricUsageOutput",
    "ModeEnum",
    "PatchedCustomerUpdateInputRequest",
    "PatchedCustomerUpdateInputRequestMetadata",
    "PatchedFeatureUpdateInputRequest",
    "PatchedPlanUpdateInputRequest",
    "PatchedPlanUpdateInputRequestFeatures",
    "PatchedPlanUpdateInputRequestMetadata",
    "PatchedPlanUpdateInputRequestQuotas",
    "PaymentCreateInputRequest",
    "PaymentCreateInputRequestMetadata",
    "PaymentMethodOutput",
    "PaymentOutput",
    "PaymentOutputMetadata",
    "PaymentStatusEnum",
    "PlanBaseInputRequest",
    "PlanCreateInputRequest",
    "PlanCreateInputRequestFeatures",
    "PlanCreateInputRequestMetadata",
    "PlanCreateInputRequestQuotas",
    "PlanMeteredInputRequest",
    "PlanMeteredOutput",
    "PlanOutput",
    "PlanOutputBaseType0",
    "PlanOutputFeatures",
    "PlanOutputMetadata",
    "PlanOutputQuotas",
    "PlanTierInputRequest",
    "PlanTierOutput",
    "PortalSessionCreateInputRequest",
    "PortalSessionOutput",
    "PromotionCodeCreateInputRequest",
    "PromotionCodeCreateInputRequestMetadata",
    "PromotionCodeOutput",
    "PromotionCodeOutputMetadata",
    "ProrationEnum",
    "RefundCreateInputReasonEnum",
    "RefundCreateInputRequest",
    "RefundCreateInputRequestMetadata",
    "RefundOutput",
    "RefundOutputMetadata",
    "SetupIntentCreateInputRequest",
    "SetupIntentOutput",
    "SetupIntentOutputStatusEnum",
    "SourceEnum",
    "SubscriptionCancelInputRequest",
    "SubscriptionChangePlanInputRequest",
    "SubscriptionCreateInputRequest",
    "SubscriptionCreateInputRequestMetadata",
    "SubscriptionDiscountOutput",
    "SubscriptionOutput",
    "SubscriptionOutputMetadata",
    "SubscriptionOutputStatusEnum",
    "SubscriptionPendingChangeOutput",
    "TargetEnum",
    "TestClockAdvanceInputRequest",
    "TestClockCreateInputRequest",
    "TestClockOutput",
    "TestClockOutputStatusEnum",
    "TypeEnum",
    "UpcomingInvoiceOutput",
    "UsageAlertCreateInputRequest",
    "UsageAlertOutput",
    "UsageAlertThresholdInputRequest",
    "UsageAlertThresholdOutput",
    "UsageBatchInputRequest",
    "UsageBatchOutput",
    "UsageEnum",
    "UsageEventCreateInputRequest",
    "UsageEventOutput",
    "UsageEventOutputStatusEnum",
    "UsageEventResultOutput",
    "UsageEventResultOutputStatusEnum",
    "UsagePeriodOutput",
    "V1AuditEventsListResponse200",
    "V1AuditEventsListResponse200Object",
    "V1CheckoutSessionsListResponse200",
    "V1CheckoutSessionsListResponse200Object",
    "V1CheckoutSessionsListStatus",
    "V1CouponsListResponse200",
    "V1CouponsListResponse200Object",
    "V1CustomersCreditGrantsListResponse200",
    "V1CustomersCreditGrantsListResponse200Object",
    "V1CustomersEntitlementOverridesListResponse200",
    "V1CustomersEntitlementOverridesListResponse200Object",
    "V1CustomersListResponse200",
    "V1CustomersListResponse200Object",
    "V1CustomersPaymentMethodsListResponse200",
    "V1CustomersPaymentMethodsListResponse200Object",
    "V1FeaturesListResponse200",
    "V1FeaturesListResponse200Object",
    "V1GracePeriodsListReason",
    "V1GracePeriodsListResponse200",
    "V1GracePeriodsListResponse200Object",
    "V1GracePeriodsListStatus",
    "V1InvoicesListResponse200",
    "V1InvoicesListResponse200Object",
    "V1InvoicesListStatus",
    "V1MetricsListResponse200",
    "V1MetricsListResponse200Object",
    "V1PaymentsListResponse200",
    "V1PaymentsListResponse200Object",
    "V1PaymentsListStatus",
    "V1PlansListResponse200",
    "V1PlansListResponse200Object",
    "V1PromotionCodesListResponse200",
    "V1PromotionCodesListResponse200Object",
    "V1RefundsListResponse200",
    "V1RefundsListResponse200Object",
    "V1SubscriptionsListResponse200",
    "V1SubscriptionsListResponse200Object",
    "V1SubscriptionsListStatus",
    "V1TestClocksListResponse200",
    "V1TestClocksListResponse200Object",
    "V1UsageAlertsListResponse200",
    "V1UsageAlertsListResponse200Object",
    "V1WebhookEndpointsDeliveriesListResponse200",
    "V1WebhookEndpointsDeliveriesListResponse200Object",
    "V1WebhookEndpointsDeliveriesListStatus",
    "V1WebhookEndpointsListResponse200",
    "V1WebhookEndpointsListResponse200Object",
    "WebhookDeliveryOutput",
    "WebhookEndpointCreateInputRequest",
    "WebhookEndpointCreateInputRequestMetadata",
    "WebhookEndpointCreateOutput",
    "WebhookEndpointCreateOutputMetadata",
    "WebhookEndpointOutput",
    "WebhookEndpointOutputMetadata",
)
