from django.conf import settings
from django.db import models


class Account(models.Model):
    """A user of the demo and their customer at payment-service (on a test clock of their own,
    so the demo can move their time forward)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    customer_id = models.CharField(max_length=64, unique=True)
    test_clock_id = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return self.customer_id


class ReceivedEvent(models.Model):
    """Every webhook delivery the demo verified, once per event id."""

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=64)
    customer_id = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class Setting(models.Model):
    """What the demo keeps about itself: its webhook endpoint's id and signing secret."""

    key = models.CharField(max_length=64, unique=True)
    value = models.TextField()

    def __str__(self) -> str:
        return self.key

    @classmethod
    def get(cls, key: str) -> str:
        found = cls.objects.filter(key=key).first()
        return found.value if found else ""

    @classmethod
    def put(cls, key: str, value: str) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})
