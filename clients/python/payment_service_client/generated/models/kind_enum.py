from enum import StrEnum


class KindEnum(StrEnum):
    BASE = "base"
    METERED = "metered"
    PRORATION = "proration"

    def __str__(self) -> str:
        return str(self.value)
