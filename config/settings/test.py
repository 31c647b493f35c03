"""Settings for the test suite: the same services as production, with fast password hashing."""

import os
from urllib.parse import urlsplit, urlunsplit

from config.settings.base import *  # noqa: F403
from config.settings.base import CELERY_BROKER_URL, REDIS_URL, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")  # noqa: F405
# Each test run keeps its cache to itself; Redis is still the broker where REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True


def _worker_redis_url(url: str, worker: str) -> str:
    """REDIS_URL with the database number moved past the base one by the pytest-xdist worker's
    index (gw0 → base + 1, gw1 → base + 2, …)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 1 + int(worker.removeprefix('gw'))}"))


# Under pytest-xdist each worker has its own PostgreSQL test database (pytest-django's doing)
# and its own Redis database (ours), so one worker's rate limits, key cache and broker queue
# never meet another's.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):
    if CELERY_BROKER_URL == REDIS_URL:
        CELERY_BROKER_URL = _worker_redis_url(REDIS_URL, _XDIST_WORKER)
    REDIS_URL = _worker_redis_url(REDIS_URL, _XDIST_WORKER)

# `./run test` names a database holding the migrated schema (config/schema.sql): each test
# database is created as a copy of it, then `migrate` applies only what is newer.
if env("DATABASE_TEST_TEMPLATE", default=""):
    DATABASES["default"]["TEST"] = {"TEMPLATE": env("DATABASE_TEST_TEMPLATE")}  # noqa: F405
