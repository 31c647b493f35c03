from enum import StrEnum


class V1PromotionCodesListResponse200Object(StrEnum):
    LIST = "list"

    def __str__(self) -> str:
        return str(self.value)
