from demo_common.settings import *  # noqa: F403
from demo_common.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "teamchat"]
ROOT_URLCONF = "teamchat.urls"
DEMO_NAME = "TeamChat"
DEMO_SLUG = "teamchat"
DEMO_TAGLINE = "Chat for small teams. 14 days free, then monthly or yearly."
DEMO_HOOKS = "teamchat.hooks"
DEMO_AFTER_SIGNUP = "/pricing/"
DEMO_NAV = [("Chat", "/chat/"), ("Pricing", "/pricing/"), ("Billing", "/billing/")]
SESSION_COOKIE_NAME = "teamchat_session"
CSRF_COOKIE_NAME = "teamchat_csrftoken"
