"""Settings every demo starts from; a demo's own settings module adds its app, its name and its
hooks module. Everything that differs between runs comes from the environment:

- PAYMENT_SERVICE_URL, PAYMENT_SERVICE_API_KEY: the service and this demo's app key.
- DEMO_BASE_URL: where this demo is reached (its Checkout return pages and webhook endpoint).
- DEMO_DATA_DIR: the demo's own SQLite database and secret key.
"""

import os
import secrets
from pathlib import Path

DATA_DIR = Path(os.environ.get("DEMO_DATA_DIR") or Path.cwd() / ".data" / "demo")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    stored = DATA_DIR / "secret-key"
    if not stored.exists():
        stored.write_text(secrets.token_urlsafe(50))
    return stored.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DEMO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

PAYMENT_SERVICE_URL = os.environ.get("PAYMENT_SERVICE_URL", "http://127.0.0.1:8000")
PAYMENT_SERVICE_API_KEY = os.environ.get("PAYMENT_SERVICE_API_KEY", "")
DEMO_BASE_URL = os.environ.get("DEMO_BASE_URL", "http://127.0.0.1:8001").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "demo_common",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "demo_common.context.demo",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "demo.sqlite3",
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LOGIN_URL = "/login/"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"demo": {"level": "INFO"}},
}
