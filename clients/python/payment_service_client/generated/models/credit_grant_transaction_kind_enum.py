from enum import StrEnum


class CreditGrantTransactionKindEnum(StrEnum):
    EXPIRED = "expired"
    USED = "used"
    VOIDED = "voided"

    def __str__(self) -> str:
        return str(self.value)
