"""The operator charts' queries on a portfolio of 1,000 apps: seeds a scratch database with a
year of each app's rows (customers, subscriptions, MRR movements, payments, grace periods,
webhook deliveries), then times each chart's query for the portfolio and for one app. Not part
of the test suite.

    .venv/bin/python bench/dashboard.py [--apps 1000] [--fresh] [--repeat 5]
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import schema_template  # noqa: E402

DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
CUSTOMERS_PER_APP = 20
PAYMENTS_PER_APP = 12
GRACE_PERIODS_PER_APP = 6
DELIVERIES_PER_APP = 10


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def _database_url(fresh: bool) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        url = os.environ["BENCH_DATABASE_URL"]
    else:
        base = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL)
        url = urlunsplit(base._replace(path="/ps_dashboard_bench"))
    if fresh:
        schema_template.database_recreate(url)
    else:
        try:
            schema_template.database_is_empty(url)
        except Exception:  # noqa: BLE001 - no database yet
            schema_template.database_recreate(url)
    return url


def _seed(apps: int) -> None:
    from django.utils import timezone

    from api.ids import new_id
    from backoffice.models import MrrMovement, MrrMovementKind
    from billing.models import Customer, Payment, Subscription
    from catalog.models import Plan, PlanVersion
    from grace.models import GracePeriod
    from notifications.models import AppEvent, WebhookDelivery, WebhookEndpoint
    from tenants.models import App

    random.seed(20261203)
    now = timezone.now()
    year_ago = now - timedelta(days=365)
    started = time.perf_counter()
    for number in range(apps):
        app = App.objects.create(name=f"Bench app {number}")
        plan = Plan.objects.create(app=app, code="pro", name="Pro", currency="usd")
        version = PlanVersion.objects.create(app=app, plan=plan, version=1, base_amount=2000)
        customers = Customer.objects.bulk_create(
            Customer(id=new_id("cus"), app=app, external_id=f"user-{index}")
            for index in range(CUSTOMERS_PER_APP)
        )
        subscriptions = Subscription.objects.bulk_create(
            Subscription(
                id=new_id("sub"),
                app=app,
                customer=customer,
                plan=plan,
                plan_version=version,
                status=random.choice(["active", "active", "trialing", "canceled", "past_due"]),
                trial_end=now + timedelta(days=random.randint(-300, 14)),
                canceled_at=None if random.random() < 0.8 else now - timedelta(days=30),
            )
            for customer in customers
        )
        movements = []
        for subscription in subscriptions:
            at = year_ago + timedelta(days=random.randint(0, 364))
            movements.append(
                MrrMovement(
                    app=app,
                    subscription=subscription,
                    kind=MrrMovementKind.NEW,
                    currency="usd",
                    delta_minor=2000,
                    mrr_after_minor=2000,
                    occurred_at=at,
                )
            )
            if random.random() < 0.3:
                movements.append(
                    MrrMovement(
                        app=app,
                        subscription=subscription,
                        kind=MrrMovementKind.CHURN,
                        currency="usd",
                        delta_minor=-2000,
                        mrr_after_minor=0,
                        occurred_at=at + timedelta(days=random.randint(1, 60)),
                    )
                )
        MrrMovement.objects.bulk_create(movements)
        Payment.objects.bulk_create(
            Payment(
                id=new_id("pay"),
                app=app,
                customer=random.choice(customers),
                amount=1000,
                currency="usd",
                status=random.choice(["succeeded", "failed"]),
            )
            for _ in range(PAYMENTS_PER_APP)
        )
        GracePeriod.objects.bulk_create(
            GracePeriod(
                id=new_id("gp"),
                app=app,
                customer=customers[index],
                reason="payment_failed",
                status=random.choice(["active", "resolved", "expired"]),
                starts_at=(opened := year_ago + timedelta(days=random.randint(0, 360))),
                ends_at=opened + timedelta(days=7),
                resolved_at=opened + timedelta(days=2),
            )
            for index in range(GRACE_PERIODS_PER_APP)
        )
        endpoint = WebhookEndpoint.objects.create(
            app=app,
            url="https://receiver.example/hooks",
            enabled_events=["*"],
            secret="whsec_bench",  # noqa: S106 - a scratch row, never sent
        )
        event = AppEvent.objects.create(app=app, event_type="payment.failed", data={})
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                app=app,
                endpoint=endpoint,
                event=event,
                status=random.choice(["delivered", "failed"]),
            )
            for _ in range(DELIVERIES_PER_APP)
        )
        if (number + 1) % 100 == 0:
            say(f"seeded {number + 1} apps ({time.perf_counter() - started:.0f} s)")
    # The created_at columns are set on insert: spread them over the year as real rows would be.
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (Payment, WebhookDelivery, Subscription):
            table = model._meta.db_table
            cursor.execute(
                f"UPDATE {table} SET created_at = now() - random() * interval '365 days'"  # noqa: S608
            )
        cursor.execute("ANALYZE")


def _timed(name: str, repeat: int, call: "object") -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    say(
        f"{name:<48} median {statistics.median(timings) * 1000:8.1f} ms  max {max(timings) * 1000:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="recreate and reseed the database")
    options = parser.parse_args()
    url = _database_url(options.fresh)
    if schema_template.database_is_empty(url):
        say("loading config/schema.sql into the scratch database")
        schema_template.schema_load(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from backoffice import activity, mrr
    from backoffice.dashboard import portfolio_overview
    from tenants.models import App

    if App.objects.count() < options.apps:
        say(f"seeding {options.apps} apps with a year of rows each")
        _seed(options.apps)
    app = App.objects.order_by("pk").first()
    say(f"{App.objects.count()} apps; timing each query {options.repeat} times")
    for period in ("12m", "30d"):
        _timed(
            f"MRR series, portfolio, {period}",
            options.repeat,
            lambda period=period: mrr.mrr_series(period=period),
        )
        _timed(
            f"MRR series, one app, {period}",
            options.repeat,
            lambda period=period: mrr.mrr_series(app=app, period=period),
        )
        for chart in (
            activity.subscription_activity,
            activity.payment_recovery,
            activity.grace_period_activity,
            activity.webhook_failure_activity,
        ):
            _timed(
                f"{chart.__name__}, portfolio, {period}",
                options.repeat,
                lambda chart=chart, period=period: chart(app=None, period=period),
            )
            _timed(
                f"{chart.__name__}, one app, {period}",
                options.repeat,
                lambda chart=chart, period=period: chart(app=app, period=period),
            )
    _timed("MRR by app and month (the CSV export)", options.repeat, mrr.mrr_by_app_and_month)
    _timed("portfolio overview table", options.repeat, portfolio_overview)


if __name__ == "__main__":
    main()
