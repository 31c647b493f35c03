"""An integer larger than PostgreSQL and Stripe hold is a 400 (issue item 4)."""

from rest_framework.test import APIClient


def test_plan_quota_of_two_to_the_63_answers_400(api: APIClient):
    response = api.post(
        "/v1/plans",
        {"code": "p", "name": "P", "currency": "usd", "quotas": {"api_calls": 2**63}},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"].startswith("quotas")


def test_metered_tier_up_to_of_two_to_the_63_answers_400(api: APIClient):
    response = api.post(
        "/v1/plans",
        {
            "code": "p",
            "name": "P",
            "currency": "usd",
            "metered": [
                {
                    "metric": "api_calls",
                    "tiers": [
                        {"up_to": 2**63, "unit_amount": 1},
                        {"up_to": None, "unit_amount": 1},
                    ],
                }
            ],
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "up_to" in response.json()["error"]["param"]
