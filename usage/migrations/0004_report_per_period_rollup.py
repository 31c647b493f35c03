"""The provider sync reports per billing-period rollup instead of per hourly bucket: the hourly
buckets leave the ingestion hot path (one upsert per batch instead of two), and the rollup
carries what was reported. No environment has run the bucket-based sync in production; any
ledger rows from development databases are dropped with it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("usage", "0003_meter_reports"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM usage_meter_reports", reverse_sql=migrations.RunSQL.noop),
        migrations.RemoveField(model_name="meterreport", name="bucket"),
        migrations.DeleteModel(name="UsageBucket"),
        migrations.AddField(
            model_name="usagerollup",
            name="reported_value",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="usagerollup",
            name="report_sequence",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="usagerollup",
            name="dirty_since",
            field=models.DateTimeField(null=True),
        ),
        # Existing rollups have never been reported: mark them so the sync picks them up.
        migrations.RunSQL(
            "UPDATE usage_rollups SET dirty_since = updated_at", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.AddIndex(
            model_name="usagerollup",
            index=models.Index(
                condition=models.Q(("dirty_since__isnull", False)),
                fields=["dirty_since"],
                name="usage_rollup_unreported_idx",
            ),
        ),
        migrations.AddField(
            model_name="meterreport",
            name="rollup",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="usage.usagerollup",
            ),
        ),
        # Room on each page for in-place (HOT) updates: a rollup is updated by every batch
        # that reports usage for it.
        migrations.RunSQL(
            "ALTER TABLE usage_rollups SET (fillfactor = 70)",
            reverse_sql="ALTER TABLE usage_rollups RESET (fillfactor)",
        ),
    ]
