import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over `IdempotencyKey` from `api` with its table `api_idempotencykey` and its rows."""

    dependencies = [
        ("tenants", "0001_initial"),
        ("api", "0002_move_idempotencykey_to_tenants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255)),
                        ("method", models.CharField(max_length=8)),
                        ("path", models.CharField(max_length=300)),
                        ("request_hash", models.CharField(max_length=64)),
                        ("state", models.CharField(choices=[("in_progress", "In progress"), ("completed", "Completed")], max_length=12)),
                        ("response_status", models.PositiveSmallIntegerField(null=True)),
                        ("response_body", models.BinaryField(null=True)),
                        ("response_content_type", models.CharField(blank=True, default="", max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("locked_at", models.DateTimeField()),
                        ("completed_at", models.DateTimeField(null=True)),
                        ("app", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenants.app")),
                    ],
                    options={
                        "db_table": "api_idempotencykey",
                        "constraints": [models.UniqueConstraint(fields=("app", "key"), name="idempotency_key_unique_per_app")],
                    },
                    managers=[
                        ("all_tenants_manager", django.db.models.manager.Manager()),
                    ],
                ),
            ],
            database_operations=[],
        ),
    ]
