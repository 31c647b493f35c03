"""A demo's catalog at payment-service, made once: each metric, feature and plan is looked up by
its code and created only if it is missing (a restart, or a second demo run, finds them)."""

from typing import Any

from payment_service_client import PaymentService, api, models


def metrics_ensure(service: PaymentService, specs: list[dict[str, Any]]) -> None:
    have = {metric.code for metric in service.iterate(api.v1_metrics_list.sync_detailed, limit=100)}
    for spec in specs:
        if spec["code"] not in have:
            service.call(
                api.v1_metrics_create.sync_detailed,
                body=models.MetricCreateInputRequest.from_dict(spec),
            )


def features_ensure(service: PaymentService, specs: list[dict[str, Any]]) -> None:
    have = {
        feature.code for feature in service.iterate(api.v1_features_list.sync_detailed, limit=100)
    }
    for spec in specs:
        if spec["code"] not in have:
            service.call(
                api.v1_features_create.sync_detailed,
                body=models.FeatureCreateInputRequest.from_dict(spec),
            )


def plans(service: PaymentService) -> dict[str, models.PlanOutput]:
    """The app's active plans by code."""
    return {
        plan.code: plan
        for plan in service.iterate(api.v1_plans_list.sync_detailed, active=True, limit=100)
    }


def plans_ensure(service: PaymentService, specs: list[dict[str, Any]]) -> None:
    have = plans(service)
    for spec in specs:
        if spec["code"] not in have:
            service.call(
                api.v1_plans_create.sync_detailed,
                body=models.PlanCreateInputRequest.from_dict({"currency": "usd", **spec}),
            )


def subscription_checkout_url(
    service: PaymentService, *, customer_id: str, plan_code: str, success_url: str, cancel_url: str
) -> str | None:
    """The hosted Checkout page that subscribes the customer to the plan with this code (None:
    no such active plan); the provider sends them back to `success_url?checkout=<session>`."""
    plan = plans(service).get(plan_code)
    if plan is None:
        return None
    session = service.call(
        api.v1_checkout_sessions_create.sync_detailed,
        body=models.CheckoutSessionCreateInputRequest.from_dict(
            {
                "mode": "subscription",
                "customer": customer_id,
                "plan": plan.id,
                "success_url": f"{success_url}?checkout={{CHECKOUT_SESSION_ID}}",
                "cancel_url": cancel_url,
            }
        ),
    )
    return str(session.url)
