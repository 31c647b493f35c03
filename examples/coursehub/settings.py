from demo_common.settings import *  # noqa: F403
from demo_common.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "coursehub"]
ROOT_URLCONF = "coursehub.urls"
DEMO_NAME = "CourseHub"
DEMO_SLUG = "coursehub"
DEMO_TAGLINE = "Video courses, yours for life after one payment."
DEMO_HOOKS = "coursehub.hooks"
DEMO_AFTER_SIGNUP = "/"
DEMO_NAV = [("Courses", "/"), ("My purchases", "/purchases/"), ("Admin", "/admin-panel/")]
SESSION_COOKIE_NAME = "coursehub_session"
CSRF_COOKIE_NAME = "coursehub_csrftoken"
