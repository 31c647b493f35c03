"""Tenant scoping that cannot be forgotten.

`Model.objects` refuses to read rows until it is told whose rows: `for_app(app)`, or
`all_tenants()` for the few places (admin, periodic sweeps, authentication) that really work
across apps and should be easy to grep for. Django's own machinery (related managers, unique
checks, the admin) uses the plain `all_tenants_manager`, which is the model's default manager.
"""

from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.db import models

if TYPE_CHECKING:
    from tenants.models import App


class UnscopedQueryError(RuntimeError):
    pass


_M = TypeVar("_M", bound=models.Model, covariant=True)


class TenantScopedQuerySet(models.QuerySet[_M]):
    def for_app(self, app: "App") -> Self:
        return self.filter(app=app)


_READ_METHODS = (
    "all",
    "filter",
    "exclude",
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "count",
    "exists",
    "iterator",
    "aggregate",
    "annotate",
    "values",
    "values_list",
    "in_bulk",
    "update",
    "delete",
    "order_by",
    "select_related",
    "prefetch_related",
    "select_for_update",
    "only",
    "defer",
    "distinct",
    "get_or_create",
    "update_or_create",
    "raw",
)


class TenantScopedManager(models.Manager[_M]):
    # What Manager.from_queryset(TenantScopedQuerySet) would set, spelled out so that mypy
    # knows the model: Customer.objects.for_app(app).get() is a Customer.
    _queryset_class = TenantScopedQuerySet

    def get_queryset(self) -> TenantScopedQuerySet[_M]:
        # Manager.get_queryset() builds _queryset_class, which the stubs cannot see.
        return cast("TenantScopedQuerySet[_M]", super().get_queryset())

    def for_app(self, app: "App") -> TenantScopedQuerySet[_M]:
        if app is None:
            raise UnscopedQueryError(f"{self.model.__name__}.objects.for_app() needs an app.")
        return self.get_queryset().filter(app=app)

    def all_tenants(self) -> TenantScopedQuerySet[_M]:
        return self.get_queryset()


def _refuse(name: str) -> Any:
    def refuse(self: TenantScopedManager[models.Model], *args: Any, **kwargs: Any) -> Any:
        raise UnscopedQueryError(
            f"{self.model.__name__}.objects.{name}() is not scoped to an app: "
            f"use .objects.for_app(app).{name}(…) or .objects.all_tenants().{name}(…)."
        )

    return refuse


for _name in _READ_METHODS:
    setattr(TenantScopedManager, _name, _refuse(_name))


class TenantScopedModel(models.Model):
    """Every row a tenant owns carries its app."""

    app = models.ForeignKey("tenants.App", on_delete=models.PROTECT, related_name="+")

    all_tenants_manager = models.Manager()
    objects = TenantScopedManager()

    class Meta:
        abstract = True
