from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/", auth_views.LoginView.as_view(template_name="demo_common/login.html"), name="login"
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("webhooks/payment-service/", views.webhook, name="webhook"),
    path("demo/clock/", views.clock, name="clock"),
    path("events/", views.events, name="events"),
]
