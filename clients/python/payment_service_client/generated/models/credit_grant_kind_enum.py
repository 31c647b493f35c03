from enum import StrEnum


class CreditGrantKindEnum(StrEnum):
    MONETARY = "monetary"
    UNITS = "units"

    def __str__(self) -> str:
        return str(self.value)
