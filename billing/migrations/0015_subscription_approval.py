from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0014_pending_plan_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="return_url",
            field=models.URLField(blank=True, default="", max_length=2048),
        ),
        migrations.AddField(
            model_name="subscription",
            name="approval_url",
            field=models.URLField(blank=True, default="", max_length=2048),
        ),
    ]
