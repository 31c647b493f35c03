from enum import StrEnum


class EntitlementListOutputObjectEnum(StrEnum):
    LIST = "list"

    def __str__(self) -> str:
        return str(self.value)
