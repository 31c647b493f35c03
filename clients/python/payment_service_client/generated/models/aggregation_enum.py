from enum import StrEnum


class AggregationEnum(StrEnum):
    COUNT = "count"
    LAST = "last"
    SUM = "sum"

    def __str__(self) -> str:
        return str(self.value)
