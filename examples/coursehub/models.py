from django.conf import settings
from django.db import models


class Purchase(models.Model):
    """A course a user set out to buy: its Checkout session, then the payment it made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.CharField(max_length=64)
    amount = models.PositiveIntegerField()
    checkout_session_id = models.CharField(max_length=64, unique=True)
    payment_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.course} ({self.checkout_session_id})"
