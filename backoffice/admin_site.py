"""The operators' admin site: the index lists what operators work with first (apps and keys,
then billing, the catalog, grace periods, usage, outbound webhooks, the audit trail) and keeps
the provider's mirror tables (dj-stripe's ~45 models, read-only) out of the way, in one
collapsed section at the bottom of the index."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

# The index's order; apps not named here (auth, django-axes, …) follow, in name order.
APP_ORDER = (
    "tenants",
    "billing",
    "catalog",
    "grace",
    "usage",
    "notifications",
    "audit",
    "auth",
)
# Copies of the provider's objects, kept by its webhooks: looked at, never worked in.
PROVIDER_MIRROR_APPS = frozenset({"djstripe"})


def _position(app: dict[str, Any]) -> tuple[int, str]:
    label = app["app_label"]
    return (APP_ORDER.index(label) if label in APP_ORDER else len(APP_ORDER), app["name"])


class OperatorAdminSite(admin.AdminSite):
    site_header = "payment-service operators"
    site_title = "payment-service"
    index_title = "Operators' dashboard"
    # The index lists every model; the sidebar would take a quarter of a 1,280 px screen.
    enable_nav_sidebar = False

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """The index and the sidebar, without the provider mirrors unless one of them is the
        page asked for (`/admin/djstripe/`)."""
        apps = super().get_app_list(request, app_label)
        if app_label is None:
            apps = [app for app in apps if app["app_label"] not in PROVIDER_MIRROR_APPS]
        return sorted(apps, key=_position)

    def provider_mirrors(self, request: HttpRequest) -> list[dict[str, Any]]:
        mirrors = []
        for label in sorted(PROVIDER_MIRROR_APPS):
            mirror = self._build_app_dict(request, label).get(label)
            if mirror:
                mirror["models"].sort(key=lambda model: model["name"])
                mirrors.append(mirror)
        return mirrors

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        return super().index(
            request, {"provider_mirrors": self.provider_mirrors(request), **(extra_context or {})}
        )
