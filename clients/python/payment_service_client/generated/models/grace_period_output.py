from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grace_period_output_reason_enum import GracePeriodOutputReasonEnum
from ..models.grace_period_output_status_enum import GracePeriodOutputStatusEnum

T = TypeVar("T", bound="GracePeriodOutput")


@_attrs_define
class GracePeriodOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        customer (str):
        ends_at (datetime.datetime):
        id (str):
        metric (None | str): The metric's code, for over_quota.
        note (str):
        object_ (str):
        reason (GracePeriodOutputReasonEnum): * `payment_failed` - Payment failed
            * `over_quota` - Over quota
        resolved_at (datetime.datetime | None):
        resolved_by (None | str): Who resolved it: an API key id, `staff:<username>`, `stripe` or `system`.
        starts_at (datetime.datetime):
        status (GracePeriodOutputStatusEnum): * `active` - Active
            * `expired` - Expired
            * `resolved` - Resolved
        subscription (None | str):
    """

    created_at: datetime.datetime
    customer: str
    ends_at: datetime.datetime
    id: str
    metric: None | str
    note: str
    object_: str
    reason: GracePeriodOutputReasonEnum
    resolved_at: datetime.datetime | None
    resolved_by: None | str
    starts_at: datetime.datetime
    status: GracePeriodOutputStatusEnum
    subscription: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        customer = self.customer

        ends_at = self.ends_at.isoformat()

        id = self.id

        metric: None | str
        metric = self.metric

        note = self.note

        object_ = self.object_

        reason = self.reason.value

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        resolved_by: None | str
        resolved_by = self.resolved_by

        starts_at = self.starts_at.isoformat()

        status = self.status.value

        subscription: None | str
        subscription = self.subscription

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "customer": customer,
                "ends_at": ends_at,
                "id": id,
                "metric": metric,
                "note": note,
                "object": object_,
                "reason": reason,
                "resolved_at": resolved_at,
                "resolved_by": resolved_by,
                "starts_at": starts_at,
                "status": status,
                "subscription": subscription,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        customer = d.pop("customer")

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        id = d.pop("id")

        def _parse_metric(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        metric = _parse_metric(d.pop("metric"))

        note = d.pop("note")

        object_ = d.pop("object")

        reason = GracePeriodOutputReasonEnum(d.pop("reason"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        def _parse_resolved_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        status = GracePeriodOutputStatusEnum(d.pop("status"))

        def _parse_subscription(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription = _parse_subscription(d.pop("subscription"))

        grace_period_output = cls(
            created_at=created_at,
            customer=customer,
            ends_at=ends_at,
            id=id,
            metric=metric,
            note=note,
            object_=object_,
            reason=reason,
            resolved_at=resolved_at,
            resolved_by=resolved_by,
            starts_at=starts_at,
            status=status,
            subscription=subscription,
        )

        grace_period_output.additional_properties = d
        return grace_period_output

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
