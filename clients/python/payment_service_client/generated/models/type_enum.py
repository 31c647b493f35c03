from enum import StrEnum


class TypeEnum(StrEnum):
    BOOLEAN = "boolean"
    METERED = "metered"
    STATIC = "static"

    def __str__(self) -> str:
        return str(self.value)
