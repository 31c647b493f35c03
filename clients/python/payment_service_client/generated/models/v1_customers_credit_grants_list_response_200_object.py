from enum import StrEnum


class V1CustomersCreditGrantsListResponse200Object(StrEnum):
    LIST = "list"

    def __str__(self) -> str:
        return str(self.value)
