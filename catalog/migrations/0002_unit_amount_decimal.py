from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="planmeteredcomponent",
            name="unit_amount_decimal",
            field=models.DecimalField(blank=True, decimal_places=12, max_digits=24, null=True),
        ),
    ]
