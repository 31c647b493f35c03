from django.db import migrations


class Migration(migrations.Migration):
    """`IdempotencyKey` now belongs to `tenants`; its table stays, so only the state moves."""

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
            database_operations=[],
        ),
    ]
