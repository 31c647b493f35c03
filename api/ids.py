"""Opaque object ids with a type prefix (`cus_…`), as API.md promises and Stripe does."""

import secrets
import string
from typing import Any

from django.db import models

_ALPHABET = string.ascii_letters + string.digits
RANDOM_LENGTH = 24


def new_id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM_LENGTH))


class PrefixedIdField(models.CharField):
    """A primary key like `cus_9aZ…` generated on first save."""

    def __init__(self, *args: Any, prefix: str, **kwargs: Any) -> None:
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        kwargs.pop("max_length", None)
        kwargs.pop("primary_key", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = getattr(model_instance, self.attname)
        if not value:
            value = new_id(self.prefix)
            setattr(model_instance, self.attname, value)
        return value

    def get_default(self) -> str:
        return new_id(self.prefix)
