from enum import StrEnum


class PaymentStatusEnum(StrEnum):
    NO_PAYMENT_REQUIRED = "no_payment_required"
    PAID = "paid"
    UNPAID = "unpaid"

    def __str__(self) -> str:
        return str(self.value)
