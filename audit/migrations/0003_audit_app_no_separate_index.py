import django.db.models.deletion
from django.db import migrations, models

# Only the two indexes go, concurrently (this is the largest table, written on every
# mutation): Django's own AlterField would also drop and re-add the foreign key, re-validating
# every row under an exclusive lock.
DROP = [
    'DROP INDEX CONCURRENTLY IF EXISTS "audit_auditevent_app_id_f3311950"',
    'DROP INDEX CONCURRENTLY IF EXISTS "audit_auditevent_app_id_f3311950_like"',
]
CREATE = [
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "audit_auditevent_app_id_f3311950" '
    'ON "audit_auditevent" ("app_id")',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "audit_auditevent_app_id_f3311950_like" '
    'ON "audit_auditevent" ("app_id" varchar_pattern_ops)',
]


class Migration(migrations.Migration):
    # CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="app",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenants.app",
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(DROP, reverse_sql=CREATE)],
        ),
    ]
