"""Opaque object ids with a type prefix (`cus_…`), as API.md promises and Stripe does."""

import secrets
import string
from collections.abc import Sequence
from typing import Any

from django.db import models

_ALPHABET = string.ascii_letters + string.digits
RANDOM_LENGTH = 24


# Bytes below 248 (4 × 62) map onto the alphabet without bias; the rest are skipped.
_UNBIASED_BELOW = 256 - 256 % len(_ALPHABET)


def new_id(prefix: str) -> str:
    """`prefix_` and RANDOM_LENGTH random letters and digits, from one read of the system's
    randomness (secrets.choice reads it once per character, which showed on hot paths)."""
    characters: list[str] = []
    while len(characters) < RANDOM_LENGTH:
        characters.extend(
            _ALPHABET[byte % len(_ALPHABET)]
            for byte in secrets.token_bytes(RANDOM_LENGTH + 8)
            if byte < _UNBIASED_BELOW
        )
    return f"{prefix}_" + "".join(characters[:RANDOM_LENGTH])


class PrefixedIdField(models.CharField[str, str]):
    """A primary key like `cus_9aZ…` generated on first save."""

    def __init__(self, *args: Any, prefix: str, **kwargs: Any) -> None:
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        kwargs.pop("max_length", None)
        kwargs.pop("primary_key", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value: str = getattr(model_instance, self.attname)
        if not value:
            value = new_id(self.prefix)
            setattr(model_instance, self.attname, value)
        return value

    def get_default(self) -> str:
        return new_id(self.prefix)
