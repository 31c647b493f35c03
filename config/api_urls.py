"""Every tenant route under /v1/. Each app contributes its routes through its own router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from api.views import AppView
from audit.apis import AuditEventViewSet
from billing.apis import CustomerViewSet

router = SimpleRouter(trailing_slash=False)
router.register("customers", CustomerViewSet, basename="customer")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("app", AppView.as_view(), name="app"),
    *router.urls,
]
