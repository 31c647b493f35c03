from enum import StrEnum


class V1GracePeriodsListReason(StrEnum):
    OVER_QUOTA = "over_quota"
    PAYMENT_FAILED = "payment_failed"

    def __str__(self) -> str:
        return str(self.value)
