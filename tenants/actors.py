import getpass
from dataclasses import dataclass

from django.db import models


class ActorType(models.TextChoices):
    API_KEY = "api_key", "API key"
    STAFF = "staff", "Staff user"
    STRIPE = "stripe", "Stripe webhook"
    SYSTEM = "system", "Scheduled job"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who made a change: an app's API key, a staff user, Stripe or a scheduled job."""

    type: ActorType
    id: str

    @classmethod
    def api_key(cls, key_id: str) -> "Actor":
        return cls(type=ActorType.API_KEY, id=key_id)

    @classmethod
    def staff(cls, username: str) -> "Actor":
        return cls(type=ActorType.STAFF, id=f"staff:{username}")


SYSTEM = Actor(type=ActorType.SYSTEM, id="system")
STRIPE = Actor(type=ActorType.STRIPE, id="stripe")


def operator_actor() -> Actor:
    """Commands are run by an operator at a shell; the audit trail names them."""
    try:
        username = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        username = "unknown"
    return Actor.staff(f"cli:{username}")
