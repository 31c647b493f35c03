from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.entitlement_grace_period_output import EntitlementGracePeriodOutput


T = TypeVar("T", bound="EntitlementOutput")


@_attrs_define
class EntitlementOutput:
    """
    Attributes:
        aggregation (str):
        allowed (bool): Within the limit, or over it while the over-quota grace period is active.
        customer (str):
        grace_period (EntitlementGracePeriodOutput | None): This period's over-quota grace period, if one was opened.
        included_quantity (int): Units per period the plan includes for free (billed only above it).
        limit (int | None): The plan's hard quota per period; null = unlimited.
        metric (str):
        object_ (str):
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        plan (None | str):
        reason (str): unlimited, within_limit, over_quota_in_grace_period, over_quota_grace_period_resolved, over_quota
            or no_active_subscription.
        remaining (int | None):
        subscription (None | str):
        unit (str):
        used (int): This billing period.
    """

    aggregation: str
    allowed: bool
    customer: str
    grace_period: EntitlementGracePeriodOutput | None
    included_quantity: int
    limit: int | None
    metric: str
    object_: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    plan: None | str
    reason: str
    remaining: int | None
    subscription: None | str
    unit: str
    used: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.entitlement_grace_period_output import EntitlementGracePeriodOutput  # noqa: PLC0415

        aggregation = self.aggregation

        allowed = self.allowed

        customer = self.customer

        grace_period: dict[str, Any] | None
        if isinstance(self.grace_period, EntitlementGracePeriodOutput):
            grace_period = self.grace_period.to_dict()
        else:
            grace_period = self.grace_period

        included_quantity = self.included_quantity

        limit: int | None
        limit = self.limit

        metric = self.metric

        object_ = self.object_

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        plan: None | str
        plan = self.plan

        reason = self.reason

        remaining: int | None
        remaining = self.remaining

        subscription: None | str
        subscription = self.subscription

        unit = self.unit

        used = self.used

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aggregation": aggregation,
                "allowed": allowed,
                "customer": customer,
                "grace_period": grace_period,
                "included_quantity": included_quantity,
                "limit": limit,
                "metric": metric,
                "object": object_,
                "period_end": period_end,
                "period_start": period_start,
                "plan": plan,
                "reason": reason,
                "remaining": remaining,
                "subscription": subscription,
                "unit": unit,
                "used": used,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entitlement_grace_period_output import EntitlementGracePeriodOutput  # noqa: PLC0415

        d = dict(src_dict)
        aggregation = d.pop("aggregation")

        allowed = d.pop("allowed")

        customer = d.pop("customer")

        def _parse_grace_period(data: object) -> EntitlementGracePeriodOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grace_period_type_1 = EntitlementGracePeriodOutput.from_dict(data)

                return grace_period_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EntitlementGracePeriodOutput | None, data)

        grace_period = _parse_grace_period(d.pop("grace_period"))

        included_quantity = d.pop("included_quantity")

        def _parse_limit(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        limit = _parse_limit(d.pop("limit"))

        metric = d.pop("metric")

        object_ = d.pop("object")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        def _parse_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan = _parse_plan(d.pop("plan"))

        reason = d.pop("reason")

        def _parse_remaining(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remaining = _parse_remaining(d.pop("remaining"))

        def _parse_subscription(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription = _parse_subscription(d.pop("subscription"))

        unit = d.pop("unit")

        used = d.pop("used")

        entitlement_output = cls(
            aggregation=aggregation,
            allowed=allowed,
            customer=customer,
            grace_period=grace_period,
            included_quantity=included_quantity,
            limit=limit,
            metric=metric,
            object_=object_,
            period_end=period_end,
            period_start=period_start,
            plan=plan,
            reason=reason,
            remaining=remaining,
            subscription=subscription,
            unit=unit,
            used=used,
        )

        entitlement_output.additional_properties = d
        return entitlement_output

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
