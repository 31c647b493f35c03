from enum import StrEnum


class FeatureEntitlementOutputObjectEnum(StrEnum):
    FEATURE_ENTITLEMENT = "feature_entitlement"

    def __str__(self) -> str:
        return str(self.value)
