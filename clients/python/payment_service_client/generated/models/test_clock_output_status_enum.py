from enum import StrEnum


class TestClockOutputStatusEnum(StrEnum):
    ADVANCING = "advancing"
    INTERNAL_FAILURE = "internal_failure"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
