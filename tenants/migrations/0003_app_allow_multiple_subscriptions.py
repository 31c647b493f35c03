from django.db import migrations, models


class Migration(migrations.Migration):
    """Off by default: a customer holds one live subscription unless the app allows more."""

    dependencies = [
        ("tenants", "0002_idempotencykey"),
    ]

    operations = [
        migrations.AddField(
            model_name="app",
            name="allow_multiple_subscriptions",
            field=models.BooleanField(
                default=False,
                help_text="Let a customer hold more than one live subscription of this app.",
            ),
        ),
    ]
