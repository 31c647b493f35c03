from enum import StrEnum


class GracePeriodOutputStatusEnum(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return str(self.value)
