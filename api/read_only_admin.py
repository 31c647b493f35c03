"""Admin pages that show rows and never change them: the API's services (and their audit events)
and the provider's webhooks are the only writers."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from api.money import Money


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    """Without the change permission Django shows every field read-only."""


def money_display(amount: int | None, currency: str) -> str:
    if amount is None:
        return "—"
    return Money(currency=currency, amount_minor=amount).display
