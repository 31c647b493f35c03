from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_event_result_output_status_enum import UsageEventResultOutputStatusEnum

if TYPE_CHECKING:
    from ..models.error_output import ErrorOutput


T = TypeVar("T", bound="UsageEventResultOutput")


@_attrs_define
class UsageEventResultOutput:
    """
    Attributes:
        error (ErrorOutput | None): Why it was rejected.
        event_id (None | str):
        index (int): The event's position in the request.
        status (UsageEventResultOutputStatusEnum): * `accepted` - accepted
            * `duplicate` - duplicate
            * `rejected` - rejected
    """

    error: ErrorOutput | None
    event_id: None | str
    index: int
    status: UsageEventResultOutputStatusEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_output import ErrorOutput  # noqa: PLC0415

        error: dict[str, Any] | None
        if isinstance(self.error, ErrorOutput):
            error = self.error.to_dict()
        else:
            error = self.error

        event_id: None | str
        event_id = self.event_id

        index = self.index

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
                "event_id": event_id,
                "index": index,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_output import ErrorOutput  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_error(data: object) -> ErrorOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = ErrorOutput.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorOutput | None, data)

        error = _parse_error(d.pop("error"))

        def _parse_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        event_id = _parse_event_id(d.pop("event_id"))

        index = d.pop("index")

        status = UsageEventResultOutputStatusEnum(d.pop("status"))

        usage_event_result_output = cls(
            error=error,
            event_id=event_id,
            index=index,
            status=status,
        )

        usage_event_result_output.additional_properties = d
        return usage_event_result_output

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
