"""Settings shared by every environment, read from the process environment (django-environ)."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ

# Lets Django's generic classes take type arguments at runtime (admin.ModelAdmin[Plan],
# models.CharField[str, str]), as django-stubs declares them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]", "testserver"]),
    REDIS_URL=(str, ""),
    STRIPE_SECRET_KEY=(str, ""),
    STRIPE_WEBHOOK_SECRET=(str, ""),
    STRIPE_API_HOST=(str, ""),
    STRIPE_PUBLISHABLE_KEY=(str, ""),
    API_RATE_LIMIT_PER_SECOND=(int, 1000),
    LOG_LEVEL=(str, "INFO"),
)

SECRET_KEY = env("APP_SECRET", default="insecure-development-secret-change-me-0123456789abcdef")
# Fernet keys for the secrets kept encrypted at rest (api/encryption.py), comma-separated, the
# newest first. Empty: one key derived from APP_SECRET (rotating APP_SECRET then needs that
# derived key listed here; `manage.py reencrypt_secrets` moves the rows to the first key).
SECRETS_ENCRYPTION_KEYS = env.list("SECRETS_ENCRYPTION_KEYS", default=[])
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "backoffice.admin_config.OperatorAdminConfig",  # django.contrib.admin with the operators' site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "auditlog",
    "djstripe",
    "api",
    "tenants",
    "audit",
    "catalog",
    "billing",
    "usage",
    "grace",
    "notifications",
    "axes",
    "backoffice",
]

MIDDLEWARE = [
    # Request counts and latency per route for /metrics (django-prometheus serves the page).
    "api.metrics.RequestMetricsMiddleware",
    "api.middleware.RequestIdMiddleware",
    "api.middleware.HostileInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.AdminAuditlogMiddleware",
    # Its process_view, last of them all, calls the view: a /v1/ read whose database
    # connection failed runs once more (api/database.py).
    "api.database.DatabaseRetryMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/payment_service")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff log in to the admin only; django-axes counts failed logins and locks out a username from
# an address after AXES_FAILURE_LIMIT of them, for AXES_COOLOFF_TIME. The client address is
# REMOTE_ADDR here; production settings read it from X-Forwarded-For behind TRUSTED_PROXY_COUNT
# proxies (django-ipware), or every login would share the load balancer's address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = env("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a broker, background jobs run in-process so a newcomer can still try everything.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "catalog-sync-pending-metrics": {
        "task": "catalog.tasks.metrics_sync_pending",
        "schedule": 60.0,
    },
    "usage-sync-to-meters": {
        "task": "usage.tasks.usage_sync",
        "schedule": 60.0,
    },
    "purge-idempotency-keys": {
        "task": "tenants.tasks.idempotency_keys_purge",
        "schedule": 3600.0,
    },
    "retry-due-webhook-deliveries": {
        "task": "notifications.tasks.webhook_deliveries_retry_due",
        "schedule": 30.0,
    },
    "complete-pending-payments": {
        "task": "billing.tasks.payments_complete_pending",
        "schedule": 60.0,
    },
    # A payment the customer completed whose webhook was lost (an approved PayPal order).
    "sync-payments-awaiting-action": {
        "task": "billing.tasks.payments_sync_awaiting_action",
        "schedule": 60.0,
    },
    "complete-pending-subscriptions": {
        "task": "billing.tasks.subscriptions_complete_pending",
        "schedule": 60.0,
    },
    # Credit grants past their expiry: the provider debited their rest; record it.
    "expire-credit-grants": {
        "task": "billing.tasks.credit_grants_expire_due",
        "schedule": 300.0,
    },
    "expire-grace-periods": {
        "task": "grace.tasks.grace_periods_expire",
        "schedule": 60.0,
    },
    # The MRR ledger follows billing's signals; this catches whatever a lost one missed.
    "reconcile-mrr-ledger": {
        "task": "backoffice.tasks.mrr_reconcile",
        "schedule": 3600.0,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["tenants.authentication.AppApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.authentication.IsAuthenticatedApp"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AppRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "tenants.schema.PublicAutoSchema",
    "EXCEPTION_HANDLER": "api.exception_handlers.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
API_RATE_LIMIT_PER_SECOND = env("API_RATE_LIMIT_PER_SECOND")

SPECTACULAR_SETTINGS = {
    "TITLE": "payment-service API",
    "DESCRIPTION": "One billing backend for a portfolio of SaaS apps. Amounts are integers in "
    "the currency's minor unit; every error has the shape "
    '{"error": {"type", "code", "message", "param"}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tenants.schema.api_postprocessing_hook",
    ],
    # Choice sets whose field names other resources use for other choices.
    "ENUM_NAME_OVERRIDES": {
        "CreditGrantStatusEnum": "billing.models.CreditGrantStatus",
        "CreditGrantKindEnum": "billing.models.CreditGrantKind",
        "CreditGrantTransactionKindEnum": "billing.models.CreditGrantTransactionKind",
    },
    # Redoc's assets from the drf-spectacular-sidecar package: /api/docs/ works offline.
    "REDOC_DIST": "SIDECAR",
}

# Payment providers by name (billing/providers/); each app records which one it uses.
PAYMENT_PROVIDERS = {
    "stripe": "billing.providers.stripe.StripeProvider",
    "paypal": "billing.providers.paypal.PayPalProvider",
}

# PayPal (billing/providers/paypal.py): the REST app's client credentials, the id of our
# webhook listener (its events are verified against it) and the API base (sandbox, live
# https://api-m.paypal.com, or the emulator `./run serve` starts when PAYPAL_CLIENT_ID is unset).
PAYPAL_CLIENT_ID = env.str("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env.str("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env.str("PAYPAL_WEBHOOK_ID", default="")
PAYPAL_API_BASE = env.str("PAYPAL_API_BASE", default="https://api-m.sandbox.paypal.com")
PAYPAL_MAX_NETWORK_RETRIES = env.int("PAYPAL_MAX_NETWORK_RETRIES", default=2)
PAYPAL_CONNECT_TIMEOUT_SECONDS = env.float("PAYPAL_CONNECT_TIMEOUT_SECONDS", default=5.0)
PAYPAL_READ_TIMEOUT_SECONDS = env.float("PAYPAL_READ_TIMEOUT_SECONDS", default=30.0)

# Stripe and dj-stripe. The API version is pinned so our shapes never drift under us.
STRIPE_API_VERSION = "2026-08-26.dahlia"
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
# The key the apps' front ends give Stripe.js (Elements) to collect cards with; GET /v1/app
# shows it. `./run serve` sets the emulator's when it starts the emulator.
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
SILENCED_SYSTEM_CHECKS: list[str] = []
if env("STRIPE_API_HOST"):
    STRIPE_API_HOST = env("STRIPE_API_HOST")
    # dj-stripe warns about any other API host on every command; an emulator on this machine is
    # what development and the tests mean to use. Production never sets it (its own check).
    if STRIPE_API_HOST.startswith(("http://127.0.0.1:", "http://localhost:")):
        SILENCED_SYSTEM_CHECKS.append("djstripe.W002")
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith("sk_live_")
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_CONNECT_TIMEOUT_SECONDS = env.float("STRIPE_CONNECT_TIMEOUT_SECONDS", default=5.0)
STRIPE_READ_TIMEOUT_SECONDS = env.float("STRIPE_READ_TIMEOUT_SECONDS", default=30.0)
# The usage hot paths (ingestion, entitlements) run their few statements as server-side
# prepared statements; turn off behind a transaction-mode connection pooler.
USAGE_PREPARED_STATEMENTS = env.bool("USAGE_PREPARED_STATEMENTS", default=True)
# Meter events per second the usage sync may send (unset: 20 in test mode, 80 live, under
# Stripe's 25 and 100 per second).
USAGE_SYNC_RATE_PER_SECOND = env.float("USAGE_SYNC_RATE_PER_SECOND", default=0.0)
# Stripe aggregates meter events asynchronously, so its summaries lag behind what it accepted:
# reconciliation leaves a period alone until this long after the last report sent for it.
USAGE_RECONCILE_SETTLE_SECONDS = env.int("USAGE_RECONCILE_SETTLE_SECONDS", default=600)
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_USE_NATIVE_JSONFIELD = True
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"

AUDITLOG_INCLUDE_ALL_MODELS = False

# Outbound webhooks (notifications/) go only to public addresses; set this for local development,
# where an app's receiver listens on localhost.
WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = env.bool("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", default=False)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "api.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # It announces its configuration at every process start, manage.py commands included.
        "axes": {"level": "WARNING"},
    },
}
