"""A new database is loaded from config/schema.sql instead of replaying every migration."""

import os
import subprocess
import sys

from django.conf import settings

from config import schema_template


def _scratch_url() -> str:
    database = settings.DATABASES["default"]
    host = database["HOST"] or "127.0.0.1"
    url = f"postgres://{database['USER'] or 'postgres'}@{'' if host.startswith('/') else host}"
    url += f":{database['PORT'] or 5432}" if not host.startswith("/") else ""
    url += f"/{database['NAME']}_schema_load_test"
    return url + (f"?host={host}" if host.startswith("/") else "")


def test_an_empty_database_is_loaded_once_and_then_has_no_migration_left() -> None:
    url = _scratch_url()
    schema_template.database_recreate(url)

    loaded_first = schema_template.schema_load(url)
    loaded_again = schema_template.schema_load(url)
    pending = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--plan"],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert loaded_first is True
    assert loaded_again is False
    assert schema_template.database_is_empty(url) is False
    assert pending.returncode == 0, pending.stdout + pending.stderr
