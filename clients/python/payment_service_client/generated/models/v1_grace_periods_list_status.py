from enum import StrEnum


class V1GracePeriodsListStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return str(self.value)
