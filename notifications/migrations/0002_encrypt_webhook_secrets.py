from django.db import migrations

import api.encryption


def encrypt_existing(apps, schema_editor):
    """Secrets written before encryption, encrypted in place (the field would read them as they
    are, but they should not stay readable on disk)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, secret FROM notifications_webhookendpoint WHERE secret NOT LIKE %s",
            [api.encryption.PREFIX + "%"],
        )
        for endpoint_id, secret in cursor.fetchall():
            cursor.execute(
                "UPDATE notifications_webhookendpoint SET secret = %s WHERE id = %s",
                [api.encryption.encrypt(secret), endpoint_id],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=api.encryption.EncryptedTextField(editable=False),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
