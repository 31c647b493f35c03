"""Stripe-style cursor lists: newest first, `limit` 1..100, `starting_after=<id>`."""

from typing import Any

from django.db.models import Model, Q, QuerySet
from rest_framework import serializers

from api.errors import ErrorCode, InvalidRequestError
from api.fields import InputSerializer

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class ListQueryInputSerializer(InputSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    starting_after = serializers.CharField(max_length=64, required=False)


def list_page(
    *, queryset: QuerySet[Any], limit: int = DEFAULT_LIMIT, starting_after: str | None = None
) -> tuple[list[Model], bool]:
    """One page of `queryset` (already scoped to the app) and whether more follow."""
    queryset = queryset.order_by("-created_at", "-pk")
    if starting_after:
        anchor = queryset.filter(pk=starting_after).values_list("created_at", flat=True).first()
        if anchor is None:
            raise InvalidRequestError(
                f"No such object: {starting_after}.",
                code=ErrorCode.RESOURCE_MISSING,
                param="starting_after",
            )
        queryset = queryset.filter(
            Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=starting_after)
        )
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def list_body(*, data: list[Any], has_more: bool) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more}
