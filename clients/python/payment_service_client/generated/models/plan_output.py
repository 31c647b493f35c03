from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.plan_metered_output import PlanMeteredOutput
    from ..models.plan_output_base_type_0 import PlanOutputBaseType0
    from ..models.plan_output_features import PlanOutputFeatures
    from ..models.plan_output_metadata import PlanOutputMetadata
    from ..models.plan_output_quotas import PlanOutputQuotas


T = TypeVar("T", bound="PlanOutput")


@_attrs_define
class PlanOutput:
    """
    Attributes:
        active (bool):
        base (None | PlanOutputBaseType0):
        code (str):
        created_at (datetime.datetime):
        currency (str):
        description (str):
        features (PlanOutputFeatures): The plan's boolean and static feature grants; metered ones are its quotas.
        grace_period_days (int):
        id (str):
        metadata (PlanOutputMetadata):
        metered (list[PlanMeteredOutput]):
        name (str):
        object_ (str):
        provider_product_id (str):
        quotas (PlanOutputQuotas):
        sync_state (str):
        trial_period_days (int):
        updated_at (datetime.datetime):
        version (int):
    """

    active: bool
    base: None | PlanOutputBaseType0
    code: str
    created_at: datetime.datetime
    currency: str
    description: str
    features: PlanOutputFeatures
    grace_period_days: int
    id: str
    metadata: PlanOutputMetadata
    metered: list[PlanMeteredOutput]
    name: str
    object_: str
    provider_product_id: str
    quotas: PlanOutputQuotas
    sync_state: str
    trial_period_days: int
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.plan_output_base_type_0 import PlanOutputBaseType0  # noqa: PLC0415

        active = self.active

        base: dict[str, Any] | None
        if isinstance(self.base, PlanOutputBaseType0):
            base = self.base.to_dict()
        else:
            base = self.base

        code = self.code

        created_at = self.created_at.isoformat()

        currency = self.currency

        description = self.description

        features = self.features.to_dict()

        grace_period_days = self.grace_period_days

        id = self.id

        metadata = self.metadata.to_dict()

        metered = []
        for metered_item_data in self.metered:
            metered_item = metered_item_data.to_dict()
            metered.append(metered_item)

        name = self.name

        object_ = self.object_

        provider_product_id = self.provider_product_id

        quotas = self.quotas.to_dict()

        sync_state = self.sync_state

        trial_period_days = self.trial_period_days

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "base": base,
                "code": code,
                "created_at": created_at,
                "currency": currency,
                "description": description,
                "features": features,
                "grace_period_days": grace_period_days,
                "id": id,
                "metadata": metadata,
                "metered": metered,
                "name": name,
                "object": object_,
                "provider_product_id": provider_product_id,
                "quotas": quotas,
                "sync_state": sync_state,
                "trial_period_days": trial_period_days,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_metered_output import PlanMeteredOutput  # noqa: PLC0415
        from ..models.plan_output_base_type_0 import PlanOutputBaseType0  # noqa: PLC0415
        from ..models.plan_output_features import PlanOutputFeatures  # noqa: PLC0415
        from ..models.plan_output_metadata import PlanOutputMetadata  # noqa: PLC0415
        from ..models.plan_output_quotas import PlanOutputQuotas  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        def _parse_base(data: object) -> None | PlanOutputBaseType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                base_type_0 = PlanOutputBaseType0.from_dict(data)

                return base_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanOutputBaseType0, data)

        base = _parse_base(d.pop("base"))

        code = d.pop("code")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        description = d.pop("description")

        features = PlanOutputFeatures.from_dict(d.pop("features"))

        grace_period_days = d.pop("grace_period_days")

        id = d.pop("id")

        metadata = PlanOutputMetadata.from_dict(d.pop("metadata"))

        metered = []
        _metered = d.pop("metered")
        for metered_item_data in _metered:
            metered_item = PlanMeteredOutput.from_dict(metered_item_data)

            metered.append(metered_item)

        name = d.pop("name")

        object_ = d.pop("object")

        provider_product_id = d.pop("provider_product_id")

        quotas = PlanOutputQuotas.from_dict(d.pop("quotas"))

        sync_state = d.pop("sync_state")

        trial_period_days = d.pop("trial_period_days")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        plan_output = cls(
            active=active,
            base=base,
            code=code,
            created_at=created_at,
            currency=currency,
            description=description,
            features=features,
            grace_period_days=grace_period_days,
            id=id,
            metadata=metadata,
            metered=metered,
            name=name,
            object_=object_,
            provider_product_id=provider_product_id,
            quotas=quotas,
            sync_state=sync_state,
            trial_period_days=trial_period_days,
            updated_at=updated_at,
            version=version,
        )

        plan_output.additional_properties = d
        return plan_output

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
