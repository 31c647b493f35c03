import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from payment_service_client import PaymentService, PaymentServiceError

from demo_common import catalog

from .usage import usage_flush

logger = logging.getLogger("demo")

METRIC = "forge_units"
INCLUDED_UNITS = 10_000
QUOTA_UNITS = 50_000
PLANS = [
    {
        "code": "forge-hybrid",
        "name": "Forge Hybrid",
        "description": "$29 a month with 10,000 units; then $0.002 a unit, up to 50,000.",
        "base": {"amount": 2900, "interval": "month"},
        "metered": [
            {"metric": METRIC, "included_quantity": INCLUDED_UNITS, "unit_amount_decimal": "0.2"}
        ],
        "features": {"forge_units_quota": QUOTA_UNITS},
    }
]


def catalog_ensure(client: PaymentService) -> None:
    catalog.metrics_ensure(
        client, [{"code": METRIC, "name": "Forge units", "aggregation": "sum", "unit": "units"}]
    )
    catalog.features_ensure(
        client,
        [{"code": "forge_units_quota", "name": "Forge units", "type": "metered", "metric": METRIC}],
    )
    catalog.plans_ensure(client, PLANS)


def start(_: PaymentService) -> None:
    """The batch reporter: sends what the API recorded every USAGE_FLUSH_SECONDS."""

    def loop() -> None:
        while True:
            time.sleep(settings.USAGE_FLUSH_SECONDS)
            try:
                usage_flush()
            except PaymentServiceError as error:
                logger.warning("usage not reported yet: %s", error)
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="usage-reporter", daemon=True).start()


def context(_: Any) -> dict[str, Any]:
    return {}
