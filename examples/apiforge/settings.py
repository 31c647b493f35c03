import os

from demo_common.settings import *  # noqa: F403
from demo_common.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "apiforge"]
ROOT_URLCONF = "apiforge.urls"
DEMO_NAME = "APIForge"
DEMO_SLUG = "apiforge"
DEMO_TAGLINE = "An API for forging things, billed by the unit above what your plan includes."
DEMO_HOOKS = "apiforge.hooks"
DEMO_AFTER_SIGNUP = "/pricing/"
DEMO_NAV = [
    ("Dashboard", "/dashboard/"),
    ("Upcoming invoice", "/invoice/"),
    ("Pricing", "/pricing/"),
]
SESSION_COOKIE_NAME = "apiforge_session"
CSRF_COOKIE_NAME = "apiforge_csrftoken"
# Usage is sent to payment-service in batches: every few seconds, or once this many are waiting.
USAGE_FLUSH_SECONDS = float(os.environ.get("APIFORGE_USAGE_FLUSH_SECONDS", "5"))
USAGE_BATCH_SIZE = int(os.environ.get("APIFORGE_USAGE_BATCH_SIZE", "50"))
