"""`pip install ./clients/python` in a fresh virtualenv brings the client and its dependencies
(httpx and attrs, resolved from the package index), and a ten-line script run by that
interpreter, outside this repository, creates a customer, a subscription and a usage event on
the service."""

import shutil
import subprocess
import textwrap
import venv
from pathlib import Path
from typing import Any

import pytest

from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, settle

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "python"

SCRIPT = textwrap.dedent(
    """
    import sys
    from payment_service_client import PaymentService, api, models as m
    ps = PaymentService(sys.argv[1], sys.argv[2], timeout=10)
    cus = ps.call(api.v1_customers_create.sync_detailed, body=m.CustomerCreateInputRequest(external_id="u1", payment_method="pm_card_visa"))
    ps.call(api.v1_metrics_create.sync_detailed, body=m.MetricCreateInputRequest(code="api_calls", name="API calls"))
    plan = ps.call(api.v1_plans_create.sync_detailed, body=m.PlanCreateInputRequest(code="pro", name="Pro", currency="usd", base=m.PlanBaseInputRequest(amount=2000), metered=[m.PlanMeteredInputRequest(metric="api_calls", unit_amount=1)]))
    sub = ps.call(api.v1_subscriptions_create.sync_detailed, body=m.SubscriptionCreateInputRequest(customer=cus.id, plan=plan.id))
    use = ps.call(api.v1_usage_create.sync_detailed, body=m.UsageEventCreateInputRequest(customer=cus.id, metric="api_calls", quantity=7, event_id="e1"))
    print(cus.id, sub.id, sub.status, use.quantity, ps.__module__.split(".")[0], m.__file__)
    """
).strip()


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fresh-client")
    # A copy, so pip's build leaves nothing in the repository.
    source = root / "source"
    shutil.copytree(CLIENT, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    environment = root / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = subprocess.run(  # noqa: S603 - the virtualenv we just made
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    return python


def test_the_installed_package_resolved_its_dependencies(fresh_python: Path):
    listed = subprocess.run(  # noqa: S603 - the virtualenv we just made
        [str(fresh_python), "-m", "pip", "list", "--format", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()

    for package in ("payment-service-client==0.1.0", "httpx==", "attrs=="):
        assert package in listed, listed
    assert "django" not in listed


def test_a_ten_line_script_creates_a_customer_a_subscription_and_a_usage_event(
    fresh_python: Path,
    tenant: Tenant,
    live_server: Any,
    stripe: EmulatorServer,
    stripe_webhooks: Any,
    tmp_path: Path,
):
    assert len(SCRIPT.splitlines()) <= 10
    script = tmp_path / "billing_demo.py"
    script.write_text(SCRIPT)

    ran = subprocess.run(  # noqa: S603 - the virtualenv we just made
        [str(fresh_python), str(script), tenant.raw_key, live_server.url],
        cwd=tmp_path,  # not the repository: the package comes from the virtualenv
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )

    assert ran.returncode == 0, ran.stderr[-3000:]
    customer_id, subscription_id, status, quantity, package, models_file = ran.stdout.split()
    assert customer_id.startswith("cus_")
    assert subscription_id.startswith("sub_")
    assert status == "active"
    assert quantity == "7"
    assert package == "payment_service_client"
    assert models_file.startswith(str(fresh_python.parent.parent))
    response = tenant.client.get(f"/v1/customers/{customer_id}/usage")
    assert response.status_code == 200, response.content
    assert "7" in response.content.decode()
    settle(stripe)
