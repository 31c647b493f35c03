import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

import api.ids


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_unit_amount_decimal"),
        ("tenants", "0003_app_allow_multiple_subscriptions"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="features",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.CreateModel(
            name="Feature",
            fields=[
                ("id", api.ids.PrefixedIdField(prefix="feat", serialize=False)),
                ("code", models.SlugField(max_length=100)),
                ("name", models.CharField(max_length=200)),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("boolean", "Boolean"),
                            ("static", "Static value"),
                            ("metered", "Metered (a metric's quota)"),
                        ],
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("archived_at", models.DateTimeField(blank=True, null=True)),
                (
                    "app",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenants.app",
                    ),
                ),
                (
                    "metric",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.metric",
                    ),
                ),
            ],
            options={
                "db_table": "catalog_feature",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("app", "code"), name="feature_code_unique_per_app"
                    )
                ],
            },
            managers=[
                ("all_tenants_manager", django.db.models.manager.Manager()),
            ],
        ),
    ]
