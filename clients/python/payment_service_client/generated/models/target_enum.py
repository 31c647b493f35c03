from enum import StrEnum


class TargetEnum(StrEnum):
    CHECKOUT_SESSION = "checkout_session"
    CUSTOMER = "customer"
    SUBSCRIPTION = "subscription"

    def __str__(self) -> str:
        return str(self.value)
