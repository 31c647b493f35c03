"""The entitlement check: GET /v1/customers/{id}/entitlements/{metric} at a fixed 500 requests
per second (open loop), against the service under gunicorn, for customers on a plan with a
quota and usage this period; then the whole answer with features,
GET /v1/customers/{id}/entitlements (a boolean, a static and a metered feature granted by the
plan plus FEATURES more booleans, every customer with an override of `seats`) and one feature's
check (GET /v1/customers/{id}/entitlements/sso), at the same rate. Not part of the test suite.

    python bench/entitlements.py [--rate 500] [--seconds 20] [--customers 500] [--fresh]
"""

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Client,
    manage,
    say,
    service,
    setup_customers_and_metrics,
)
from bench.loadgen import open_loop, wrk, wrk_baseline  # noqa: E402

TARGET_P99_SECONDS = 0.010

# Plans and subscriptions as rows until the subscription API is the way to make them here
# (the entitlement check only reads them).
SUBSCRIBE = """
import sys
from datetime import timedelta
from django.utils import timezone
from billing.models import Customer, Subscription
from catalog.models import Plan, PlanVersion
from tenants.models import App
app = App.objects.get(pk=sys.argv[-1])
plan = Plan.objects.create(app=app, code="bench-pro", name="Pro", currency="usd",
                           quotas={"api_calls": 1000000},
                           features={"sso": True, "seats": 10})
version = PlanVersion.objects.create(app=app, plan=plan, version=1, base_amount=2000)
start = timezone.now() - timedelta(days=1)
Subscription.objects.bulk_create(
    Subscription(app=app, customer=customer, plan=plan, plan_version=version, status="active",
                 current_period_start=start, current_period_end=start + timedelta(days=30))
    for customer in Customer.objects.for_app(app)
)
"""

# Features and overrides through the services the API calls.
FEATURES = """
import sys
from billing.models import Customer
from catalog.features import feature_create
from tenants.actors import SYSTEM
from tenants.models import App
from usage.overrides import entitlement_override_create
app = App.objects.get(pk=sys.argv[-1])
feature_create(app=app, actor=SYSTEM, code="sso", name="SSO", type="boolean")
feature_create(app=app, actor=SYSTEM, code="seats", name="Seats", type="static")
feature_create(app=app, actor=SYSTEM, code="calls", name="Calls", type="metered",
               metric="api_calls")
for index in range(COUNT):
    feature_create(app=app, actor=SYSTEM, code=f"flag_{index}", name="Flag", type="boolean")
for customer in Customer.objects.for_app(app):
    entitlement_override_create(app=app, actor=SYSTEM, customer_reference=customer.pk,
                                feature="seats", value=25)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--features", type=int, default=20, help="boolean features beyond three")
    parser.add_argument("--fresh", action="store_true", help="recreate the scratch database")
    options = parser.parse_args()
    with service(workers=options.workers, fresh=options.fresh) as svc:
        customers = setup_customers_and_metrics(
            svc, customers=options.customers, metrics={"api_calls": "sum"}
        )
        manage(svc.env, "shell", "-c", SUBSCRIBE.replace("sys.argv[-1]", repr(svc.app_id)))
        manage(
            svc.env,
            "shell",
            "-c",
            FEATURES.replace("sys.argv[-1]", repr(svc.app_id)).replace(
                "COUNT", str(options.features)
            ),
        )
        client = Client(svc.port, svc.api_key)
        generator = random.Random(3)
        for start in range(0, len(customers), 100):
            events = [
                {
                    "event_id": f"seed-{customer}",
                    "customer": customer,
                    "metric": "api_calls",
                    "quantity": generator.randint(1, 1000),
                }
                for customer in customers[start : start + 100]
            ]
            status, _ = client.json("POST", "/v1/usage/batch", {"events": events})
            assert status == 200
        status, sample = client.json("GET", f"/v1/customers/{customers[0]}/entitlements/api_calls")
        assert status == 200 and sample["limit"] == 1000000, sample
        say(f"sample answer: {json.dumps(sample)[:160]}…")
        paths = [
            f"/v1/customers/{generator.choice(customers)}/entitlements/api_calls"
            for _ in range(int(options.rate * options.seconds))
        ]
        say("warming up")
        open_loop(svc, paths[:1000], rate=options.rate)
        say(f"{len(paths)} checks at {options.rate:.0f}/s (open loop)")
        result, generator_cpu = open_loop(svc, paths, rate=options.rate)
        closed = wrk(
            svc,
            f"/v1/customers/{customers[0]}/entitlements/api_calls",
            label="entitlement check, as fast as it answers (closed loop, 16 connections)",
            connections=16,
            seconds=10,
        )
        status, whole = client.json("GET", f"/v1/customers/{customers[0]}/entitlements")
        seats = {item["feature"]: item for item in whole["features"]}["seats"]
        assert status == 200 and seats["value"] == 25, whole
        assert len(whole["features"]) == options.features + 3, whole
        feature_paths = [
            f"/v1/customers/{generator.choice(customers)}/entitlements"
            for _ in range(int(options.rate * options.seconds))
        ]
        open_loop(svc, feature_paths[:1000], rate=options.rate)
        say(f"{len(feature_paths)} feature answers at {options.rate:.0f}/s (open loop)")
        features_result, features_cpu = open_loop(svc, feature_paths, rate=options.rate)
        one_feature_paths = [
            f"/v1/customers/{generator.choice(customers)}/entitlements/sso"
            for _ in range(int(options.rate * options.seconds))
        ]
        say(f"{len(one_feature_paths)} one-feature checks at {options.rate:.0f}/s (open loop)")
        one_feature_result, one_feature_cpu = open_loop(svc, one_feature_paths, rate=options.rate)
        features_closed = wrk(
            svc,
            f"/v1/customers/{customers[0]}/entitlements",
            label="entitlements with features, as fast as they answer (closed loop, 16 "
            "connections)",
            connections=16,
            seconds=10,
        )
        baseline = wrk_baseline(svc, connections=16)
    p99 = result.percentile(0.99)
    features_p99 = features_result.percentile(0.99)
    print()
    print(
        result.line(f"entitlement check at {options.rate:.0f}/s offered (open loop)")
        + f"; the generator used {generator_cpu:.0%} of a core"
    )
    print(
        features_result.line(
            f"entitlements with {options.features + 3} features at {options.rate:.0f}/s "
            "offered (open loop)"
        )
        + f"; the generator used {features_cpu:.0%} of a core"
    )
    print(
        one_feature_result.line(
            f"one boolean feature's check at {options.rate:.0f}/s offered (open loop)"
        )
        + f"; the generator used {one_feature_cpu:.0%} of a core"
    )
    print(closed.line())
    print(features_closed.line())
    for line in baseline:
        print(line.line())
    print(
        f"target: p99 < {TARGET_P99_SECONDS * 1000:.0f} ms at 500 req/s "
        f"{'MET' if p99 < TARGET_P99_SECONDS else 'MISSED'}"
    )
    print(
        f"features answer: p99 < {TARGET_P99_SECONDS * 1000:.0f} ms at 500 req/s "
        f"{'MET' if features_p99 < TARGET_P99_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
