from enum import StrEnum


class SourceEnum(StrEnum):
    OVERRIDE = "override"
    PLAN = "plan"

    def __str__(self) -> str:
        return str(self.value)
