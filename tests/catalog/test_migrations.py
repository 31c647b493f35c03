"""Moving the catalog's models out of billing and usage moved no row: the migrations change only
Django's state (the tables keep their names), forward and backward.

Only our apps go back to before the move; dj-stripe's migrations stay applied."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tenants.models import App

BEFORE_MOVE = [
    ("catalog", None),
    ("billing", "0006_subscription_client_secret"),
    ("usage", "0005_event_id_byte_collation"),
    ("grace", "0003_active_period_constraints"),
]
AFTER_MOVE = [
    ("catalog", "0001_initial"),
    ("billing", "0007_catalog_moved_out"),
    ("usage", "0006_metric_moved_to_catalog"),
    ("grace", "0004_metric_moved_to_catalog"),
]
TABLES = [
    "billing_customer",
    "usage_metric",
    "billing_plan",
    "billing_planversion",
    "billing_planmeteredcomponent",
    "billing_subscription",
    "usage_events",
    "usage_rollups",
    "usage_meter_reports",
]
PERIOD_START = datetime(2026, 11, 1, tzinfo=UTC)
# The models the move took out of billing and usage (the catalog's later ones were born there).
MOVED_MODELS = ["metric", "plan", "planmeteredcomponent", "planversion"]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrates to `targets` and returns the historical models there.

    Backwards, each migration is unapplied from the state its own ancestors make: Django's
    `migrate` would replay every later migration (dj-stripe's hundred) on rendered models first,
    which takes a minute."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    if plan and plan[0][1]:
        for migration, backwards in plan:
            assert backwards
            state = executor.loader.project_state(
                (migration.app_label, migration.name), at_end=False
            )
            executor.unapply_migration(state, migration)
    else:
        executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [target for target in targets if target[1] is not None]
    ).apps


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 (our table names)
            rows[table] = cursor.fetchall()
        return rows


def _content_type_labels(content_type_ids: list[int]) -> list[str]:
    content_types = ContentType.objects.filter(pk__in=content_type_ids)
    return sorted(
        f"{content_type.app_label}.{content_type.model}" for content_type in content_types
    )


def _catalog_before_the_move(models: Any, app: App) -> None:
    """A customer on a plan with a metered price, and usage reported, written with the models
    as they were before the move (Plan in billing, Metric in usage)."""
    metric = models.get_model("usage", "Metric")._default_manager.create(
        app_id=app.pk, code="api_calls", name="API calls", meter_event_name="ps_api_calls"
    )
    plan = models.get_model("billing", "Plan")._default_manager.create(
        app_id=app.pk, code="pro", name="Pro", currency="usd", quotas={"api_calls": 1000}
    )
    version = models.get_model("billing", "PlanVersion")._default_manager.create(
        app_id=app.pk, plan=plan, version=1, base_amount=2900
    )
    plan.current_version = version
    plan.save(update_fields=["current_version"])
    models.get_model("billing", "PlanMeteredComponent")._default_manager.create(
        app_id=app.pk, plan_version=version, metric=metric, unit_amount=2, included_quantity=100
    )
    customer = models.get_model("billing", "Customer")._default_manager.create(
        app_id=app.pk, external_id="user_1", email="ada@example.com"
    )
    models.get_model("billing", "Subscription")._default_manager.create(
        app_id=app.pk, customer=customer, plan=plan, plan_version=version, status="active"
    )
    models.get_model("usage", "UsageEvent")._default_manager.create(
        app_id=app.pk,
        event_id="evt_1",
        customer=customer,
        metric=metric,
        quantity=7,
        timestamp=PERIOD_START + timedelta(days=1),
        period_start=PERIOD_START,
        received_at=PERIOD_START + timedelta(days=1),
    )
    rollup = models.get_model("usage", "UsageRollup")._default_manager.create(
        app_id=app.pk,
        customer=customer,
        metric=metric,
        aggregation="sum",
        period_start=PERIOD_START,
        period_end=PERIOD_START + timedelta(days=30),
        value=7,
        event_count=1,
    )
    models.get_model("usage", "MeterReport")._default_manager.create(
        app_id=app.pk,
        rollup=rollup,
        customer=customer,
        metric=metric,
        kind="delta",
        sequence=1,
        identifier="report_1",
        value=7,
        meter_timestamp=PERIOD_START,
        next_attempt_at=PERIOD_START,
    )


def test_the_catalog_moves_out_and_back_without_losing_a_row(transactional_db):
    app = App.objects.create(name="Acme CRM")
    content_type_ids = list(
        ContentType.objects.filter(app_label="catalog", model__in=MOVED_MODELS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert _content_type_labels(content_type_ids) == [
        "catalog.metric",
        "catalog.plan",
        "catalog.planmeteredcomponent",
        "catalog.planversion",
    ]
    try:
        _catalog_before_the_move(_migrate(BEFORE_MOVE), app)
        before = _rows()
        assert all(before[table] for table in TABLES)
        # Permissions hang on content types: theirs move with the models.
        assert _content_type_labels(content_type_ids) == [
            "billing.plan",
            "billing.planmeteredcomponent",
            "billing.planversion",
            "usage.metric",
        ]

        models = _migrate(AFTER_MOVE)
        assert _rows() == before
        assert all(label.startswith("catalog.") for label in _content_type_labels(content_type_ids))
        subscription = models.get_model("billing", "Subscription")._default_manager.get()
        assert subscription.plan._meta.label == "catalog.Plan"
        assert subscription.plan.code == "pro"
        assert subscription.plan.current_version.version == 1
        component = subscription.plan_version.metered.get()
        assert component.metric._meta.label == "catalog.Metric"
        assert component.metric.code == "api_calls"
        assert (
            models.get_model("usage", "UsageRollup")._default_manager.get().metric.code
            == "api_calls"
        )

        models = _migrate(BEFORE_MOVE)
        assert _rows() == before
        subscription = models.get_model("billing", "Subscription")._default_manager.get()
        assert subscription.plan._meta.label == "billing.Plan"
        assert not ContentType.objects.filter(app_label="catalog", model__in=MOVED_MODELS).exists()
        assert subscription.plan_version.metered.get().metric._meta.label == "usage.Metric"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
