from enum import StrEnum


class CreditGrantStatusEnum(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    VOIDED = "voided"

    def __str__(self) -> str:
        return str(self.value)
