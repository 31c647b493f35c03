"""A portfolio of three apps over a year, made through the API as time passes (time-machine
moves the whole process, the Stripe emulator's clock included): the MRR export's movements add
up month to month for every app, and each app's last month ends at the MRR its overview shows."""

import csv
import io
from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from backoffice.dashboard import app_overview
from stripe_emulator.server import EmulatorServer
from tests.factories import customer_make, plan_make, subscribe, tenant_make

DAY = timedelta(days=1)


def test_three_apps_over_twelve_months_have_mrr_movements_that_add_up_month_to_month(
    db: Any, stripe: EmulatorServer, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    apps = [tenant_make(name) for name in ("Acme CRM", "Globex Analytics", "Initech Mail")]
    for index, tenant in enumerate(apps):
        with time_machine.travel(now - (330 - 15 * index) * DAY, tick=True):
            basic = plan_make(
                tenant.client, "basic", base={"amount": 2000 + 500 * index, "interval": "month"}
            )
            plus = plan_make(tenant.client, "plus", base={"amount": 6000, "interval": "month"})
            with django_capture_on_commit_callbacks(execute=True):
                first = subscribe(
                    tenant.client, customer_make(tenant.client, external_id="a"), basic
                ).json()
                second = subscribe(
                    tenant.client, customer_make(tenant.client, external_id="b"), basic
                ).json()
        with (
            time_machine.travel(now - (200 - 20 * index) * DAY, tick=True),
            django_capture_on_commit_callbacks(execute=True),
        ):
            upgraded = tenant.client.post(
                f"/v1/subscriptions/{first['id']}/change-plan",
                {"plan": plus["id"], "at": "now"},
                format="json",
            )
        with (
            time_machine.travel(now - (90 - 10 * index) * DAY, tick=True),
            django_capture_on_commit_callbacks(execute=True),
        ):
            cancelled = tenant.client.post(
                f"/v1/subscriptions/{second['id']}/cancel", {}, format="json"
            )
        assert upgraded.status_code == 200, upgraded.content
        assert cancelled.status_code == 200, cancelled.content

    response = admin_client.get("/admin/tenants/app/portfolio/mrr.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    for tenant in apps:
        mine = [row for row in rows if row["app_id"] == tenant.app.pk]
        assert len(mine) == 12
        kinds_seen = set()
        previous = 0.0
        for row in mine:
            change = (
                float(row["new_mrr"])
                + float(row["expansion_mrr"])
                - float(row["contraction_mrr"])
                - float(row["churned_mrr"])
            )
            assert round(previous + change, 2) == float(row["mrr_at_month_end"]), row
            previous = float(row["mrr_at_month_end"])
            kinds_seen |= {
                kind for kind in ("new_mrr", "expansion_mrr", "churned_mrr") if float(row[kind])
            }
        assert kinds_seen == {"new_mrr", "expansion_mrr", "churned_mrr"}
        [shown] = app_overview(app=tenant.app).mrr
        assert f"{previous:.2f}" == f"{shown.amount_minor / 100:.2f}" == "60.00"
