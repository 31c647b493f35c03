"""Catalog products, billing plans and subscriptions on the emulator, driven with PayPal's SDK
(its subscriptions controller; products through plain HTTP, which the SDK does not cover)."""

import json
import re
from typing import Any

import pytest
import requests
from paypalserversdk.exceptions.api_exception import ApiException

from paypal_emulator.server import PayPalEmulatorServer


def _token(server: PayPalEmulatorServer) -> str:
    answer = requests.post(
        f"{server.url}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("emulator-client-id", "emulator-client-secret"),
        timeout=5,
    )
    return str(answer.json()["access_token"])


def _product(server: PayPalEmulatorServer, **fields: Any) -> dict[str, Any]:
    answer = requests.post(
        f"{server.url}/v1/catalogs/products",
        json={"name": "Pro", "type": "SERVICE", **fields},
        headers={"Authorization": f"Bearer {_token(server)}"},
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _plan_body(product_id: str, *, trial_days: int = 14, threshold: int = 2) -> dict[str, Any]:
    cycles: list[dict[str, Any]] = []
    if trial_days:
        cycles.append(
            {
                "tenure_type": "TRIAL",
                "sequence": 1,
                "total_cycles": 1,
                "frequency": {"interval_unit": "DAY", "interval_count": trial_days},
            }
        )
    cycles.append(
        {
            "tenure_type": "REGULAR",
            "sequence": len(cycles) + 1,
            "total_cycles": 0,
            "frequency": {"interval_unit": "MONTH", "interval_count": 1},
            "pricing_scheme": {"fixed_price": {"currency_code": "USD", "value": "20.00"}},
        }
    )
    return {
        "product_id": product_id,
        "name": "Pro monthly",
        "billing_cycles": cycles,
        "payment_preferences": {
            "auto_bill_outstanding": True,
            "payment_failure_threshold": threshold,
        },
    }


def _json(response: Any) -> dict[str, Any]:
    return dict(json.loads(response.text)) if response.text else {}


def _subscribe(paypal: Any, plan_id: str) -> dict[str, Any]:
    return _json(
        paypal.subscriptions.create_subscription(
            {
                "body": {
                    "plan_id": plan_id,
                    "custom_id": "app_1:sub_1",
                    "application_context": {
                        "return_url": "https://app.example/return",
                        "cancel_url": "https://app.example/cancel",
                    },
                },
                "prefer": "return=representation",
                "paypal_request_id": f"create-{plan_id}",
            }
        )
    )


def _approve(link: str, payer: str = "buyer") -> requests.Response:
    """The payer's browser: opens the approval link and submits the page's form."""
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)">', page.text).group(1)
    token = re.search(r'name="ba_token" value="([^"]+)"', page.text).group(1)
    base = link.split("/webapps")[0]
    return requests.post(
        base + action, data={"ba_token": token, "payer": payer}, allow_redirects=False, timeout=5
    )


def _link(resource: dict[str, Any], rel: str) -> str:
    return next(link["href"] for link in resource["links"] if link["rel"] == rel)


def _issue(error: ApiException) -> tuple[int, str]:
    body = json.loads(error.response.text)
    return error.response_code, body["details"][0]["issue"]


@pytest.fixture
def plan(paypal: Any, paypal_emulator: PayPalEmulatorServer) -> dict[str, Any]:
    product = _product(paypal_emulator)
    return _json(
        paypal.subscriptions.create_billing_plan(
            {"body": _plan_body(product["id"]), "prefer": "return=representation"}
        )
    )


def test_a_product_and_a_plan_with_a_trial_cycle_are_created_listed_and_read(
    paypal: Any, paypal_emulator: PayPalEmulatorServer, plan: dict[str, Any]
):
    fetched = _json(paypal.subscriptions.get_billing_plan(plan["id"]))
    listed = _json(
        paypal.subscriptions.list_billing_plans(
            {"product_id": plan["product_id"], "total_required": True}
        )
    )
    product = requests.get(
        f"{paypal_emulator.url}/v1/catalogs/products/{plan['product_id']}",
        headers={"Authorization": f"Bearer {_token(paypal_emulator)}"},
        timeout=5,
    ).json()

    assert fetched["status"] == "ACTIVE"
    assert [c["tenure_type"] for c in fetched["billing_cycles"]] == ["TRIAL", "REGULAR"]
    assert "pricing_scheme" not in fetched["billing_cycles"][0]
    assert fetched["billing_cycles"][1]["pricing_scheme"]["fixed_price"]["value"] == "20.00"
    assert [p["id"] for p in listed["plans"]] == [plan["id"]]
    assert listed["total_items"] == 1
    assert product["name"] == "Pro" and product["type"] == "SERVICE"


def test_a_plan_refuses_unknown_fields_and_cycles_out_of_order(
    paypal: Any, paypal_emulator: PayPalEmulatorServer
):
    product = _product(paypal_emulator)
    body = _plan_body(product["id"])
    with pytest.raises(ApiException) as unknown:
        paypal.subscriptions.create_billing_plan({"body": {**body, "colour": "red"}})
    body["billing_cycles"].reverse()
    body["billing_cycles"][0]["sequence"], body["billing_cycles"][1]["sequence"] = 1, 2
    with pytest.raises(ApiException) as trial_last:
        paypal.subscriptions.create_billing_plan({"body": body})

    assert _issue(unknown.value) == (400, "UNKNOWN_FIELD")
    assert _issue(trial_last.value) == (422, "REGULAR_BILLING_CYCLE_REQUIRED")


def test_a_deactivated_plan_takes_no_subscription(paypal: Any, plan: dict[str, Any]):
    paypal.subscriptions.deactivate_billing_plan(plan["id"])

    with pytest.raises(ApiException) as refused:
        _subscribe(paypal, plan["id"])
    with pytest.raises(ApiException) as again:
        paypal.subscriptions.deactivate_billing_plan(plan["id"])

    assert _issue(refused.value) == (422, "PLAN_STATUS_INVALID")
    assert _issue(again.value) == (422, "PLAN_STATUS_INVALID")


def test_a_subscription_waits_for_approval_then_trials_then_bills_each_month(
    paypal: Any, paypal_emulator: PayPalEmulatorServer, plan: dict[str, Any]
):
    created = _subscribe(paypal, plan["id"])
    replayed = _subscribe(paypal, plan["id"])
    assert created["status"] == "APPROVAL_PENDING"
    assert replayed["id"] == created["id"]
    assert "billing_info" not in created

    approved = _approve(_link(created, "approve"))
    assert approved.status_code == 303
    assert approved.headers["Location"].startswith(
        f"https://app.example/return?subscription_id={created['id']}&ba_token=BA-"
    )
    trialing = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))
    assert trialing["status"] == "ACTIVE"
    assert trialing["billing_info"]["cycle_executions"][0]["tenure_type"] == "TRIAL"
    assert trialing["billing_info"]["cycle_executions"][0]["cycles_completed"] == 1
    assert "last_payment" not in trialing["billing_info"]

    paypal_emulator.advance_clock(days=14)
    billed = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))
    paypal_emulator.advance_clock(days=31)
    again = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))

    assert billed["billing_info"]["last_payment"]["amount"]["value"] == "20.00"
    assert billed["billing_info"]["cycle_executions"][1]["cycles_completed"] == 1
    assert again["billing_info"]["cycle_executions"][1]["cycles_completed"] == 2
    sales = paypal_emulator.events("PAYMENT.SALE.COMPLETED")
    assert [sale["resource"]["billing_agreement_id"] for sale in sales] == [created["id"]] * 2
    assert {e["event_type"] for e in paypal_emulator.events()} >= {
        "BILLING.SUBSCRIPTION.CREATED",
        "BILLING.SUBSCRIPTION.ACTIVATED",
    }


def test_declined_payments_fail_count_then_suspend_and_a_good_payer_pays_the_balance(
    paypal: Any, paypal_emulator: PayPalEmulatorServer, plan: dict[str, Any]
):
    created = _subscribe(paypal, plan["id"])
    _approve(_link(created, "approve"), payer="declined")

    paypal_emulator.advance_clock(days=14)
    failed = _json(
        paypal.subscriptions.get_subscription(
            {"id": created["id"], "fields": "last_failed_payment"}
        )
    )
    assert failed["status"] == "ACTIVE"
    assert failed["billing_info"]["failed_payments_count"] == 1
    assert failed["billing_info"]["outstanding_balance"]["value"] == "20.00"
    assert failed["billing_info"]["last_failed_payment"]["reason_code"] == "PAYMENT_DENIED"
    assert len(paypal_emulator.events("BILLING.SUBSCRIPTION.PAYMENT.FAILED")) == 1

    paypal_emulator.advance_clock(days=31)
    suspended = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))
    assert suspended["status"] == "SUSPENDED"
    assert len(paypal_emulator.events("BILLING.SUBSCRIPTION.SUSPENDED")) == 1

    paypal_emulator.subscription_payer_set(created["id"], "buyer")
    paypal.subscriptions.activate_subscription(
        {"id": created["id"], "body": {"reason": "Card replaced"}}
    )
    paid = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))
    transactions = _json(
        paypal.subscriptions.list_subscription_transactions(
            {
                "id": created["id"],
                "start_time": "2000-01-01T00:00:00Z",
                "end_time": "2100-01-01T00:00:00Z",
            }
        )
    )

    assert paid["status"] == "ACTIVE"
    assert paid["billing_info"]["failed_payments_count"] == 0
    assert paid["billing_info"]["outstanding_balance"]["value"] == "0.00"
    assert paid["billing_info"]["last_payment"]["amount"]["value"] == "40.00"
    assert [t["status"] for t in transactions["transactions"]] == [
        "DECLINED",
        "DECLINED",
        "COMPLETED",
    ]


def test_cancel_suspend_and_activate_follow_the_status_machine(paypal: Any, plan: dict[str, Any]):
    created = _subscribe(paypal, plan["id"])
    with pytest.raises(ApiException) as pending:
        paypal.subscriptions.cancel_subscription({"id": created["id"], "body": {"reason": "x"}})
    _approve(_link(created, "approve"))
    with pytest.raises(ApiException) as no_reason:
        paypal.subscriptions.suspend_subscription({"id": created["id"], "body": {}})
    paypal.subscriptions.suspend_subscription({"id": created["id"], "body": {"reason": "pause"}})
    paypal.subscriptions.cancel_subscription({"id": created["id"], "body": {"reason": "bye"}})
    with pytest.raises(ApiException) as twice:
        paypal.subscriptions.cancel_subscription({"id": created["id"], "body": {"reason": "bye"}})
    with pytest.raises(ApiException) as missing:
        paypal.subscriptions.get_subscription({"id": "I-NOSUCHONE000"})
    cancelled = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))

    assert _issue(pending.value) == (422, "SUBSCRIPTION_STATUS_INVALID")
    assert _issue(no_reason.value) == (400, "MISSING_REQUIRED_PARAMETER")
    assert _issue(twice.value) == (422, "SUBSCRIPTION_STATUS_INVALID")
    assert missing.value.response_code == 404
    assert json.loads(missing.value.response.text)["name"] == "RESOURCE_NOT_FOUND"
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["status_change_note"] == "bye"


def test_revise_moves_to_the_new_plan_only_once_the_payer_approves(
    paypal: Any, paypal_emulator: PayPalEmulatorServer, plan: dict[str, Any]
):
    product = _product(paypal_emulator, name="Team")
    body = _plan_body(product["id"], trial_days=0)
    body["billing_cycles"][0]["pricing_scheme"]["fixed_price"]["value"] = "50.00"
    team = _json(paypal.subscriptions.create_billing_plan({"body": body}))
    created = _subscribe(paypal, plan["id"])
    _approve(_link(created, "approve"))

    revision = _json(
        paypal.subscriptions.revise_subscription(
            {"id": created["id"], "body": {"plan_id": team["id"]}}
        )
    )
    before = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))
    _approve(_link(revision, "approve"))
    after = _json(paypal.subscriptions.get_subscription({"id": created["id"]}))
    paypal_emulator.advance_clock(days=14)

    assert revision["plan_id"] == team["id"]
    assert before["plan_id"] == plan["id"]
    assert after["plan_id"] == team["id"]
    assert len(paypal_emulator.events("BILLING.SUBSCRIPTION.UPDATED")) == 1
    sale = paypal_emulator.events("PAYMENT.SALE.COMPLETED")[-1]["resource"]
    assert sale["amount"]["total"] == "50.00"


def test_the_approval_page_names_the_plan_and_its_trial(paypal: Any, plan: dict[str, Any]):
    created = _subscribe(paypal, plan["id"])

    page = requests.get(_link(created, "approve"), timeout=5)

    assert "Pro monthly" in page.text
    assert "trial: free every 14 day(s)" in page.text
    assert "regular: 20.00 USD every 1 month(s)" in page.text
