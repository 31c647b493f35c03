from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from api import views as api_views
from billing.provider_webhooks import provider_webhook_receive
from billing.webhooks import StripeWebhookView

urlpatterns = [
    path("healthz", api_views.healthz, name="healthz"),
    path("readyz", api_views.readyz, name="readyz"),
    # The API before the rest: Django tries the patterns in order, on every request.
    path("v1/", include("config.api_urls")),
    path("", include("django_prometheus.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    # dj-stripe's own address for our endpoint, answered by our subclass of its view first.
    path("stripe/webhook/<uuid:uuid>/", StripeWebhookView.as_view()),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    # Every other provider's events (PayPal's at /webhooks/paypal/), by provider name.
    path("webhooks/<slug:provider_name>/", provider_webhook_receive, name="provider-webhook"),
    # Anything else under /v1/ answers in the API's error shape, never Django's HTML page.
    re_path(r"^v1/.*$", api_views.UnknownRouteView.as_view()),
]

handler404 = "api.views.not_found"
handler500 = "api.views.server_error"
