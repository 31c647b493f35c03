"""Secrets we must read back, kept encrypted at rest: the apps' webhook signing secrets (we sign
every delivery with them, so a hash will not do), and the responses kept for Idempotency-Key
replays (they can carry such a secret, or a payment's client_secret).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) with the keys in
settings.SECRETS_ENCRYPTION_KEYS: the first encrypts, every one decrypts, so a new key is rolled
in by putting it first and `manage.py reencrypt_secrets` rewrites the rows under it (without
keys set, one key is derived from APP_SECRET). Stored values read `fernet:<token>`; a value
without the prefix (written before encryption) reads as it is.
"""

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def derived_key(secret: str) -> str:
    """A Fernet key derived from another secret (the default: from APP_SECRET)."""
    digest = hashlib.sha256(b"payment-service secrets encryption\x00" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "SECRETS_ENCRYPTION_KEYS must be Fernet keys (Fernet.generate_key())."
        ) from error


def _keys() -> tuple[str, ...]:
    return tuple(settings.SECRETS_ENCRYPTION_KEYS) or (derived_key(settings.SECRET_KEY),)


def encrypt_bytes(value: bytes) -> bytes:
    return PREFIX.encode() + _fernet(_keys()).encrypt(value)


def decrypt_bytes(stored: bytes) -> bytes:
    if not stored.startswith(PREFIX.encode()):
        return stored
    try:
        return _fernet(_keys()).decrypt(stored[len(PREFIX) :])
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with SECRETS_ENCRYPTION_KEYS: was a key removed "
            "(or APP_SECRET changed while the keys are derived from it)?"
        ) from None


def encrypt(value: str) -> str:
    return encrypt_bytes(value.encode()).decode()


def decrypt(stored: str) -> str:
    return decrypt_bytes(stored.encode()).decode()


class EncryptedTextField(models.TextField[str, str]):
    """A text column holding `encrypt(value)`; Python sees the plain value."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or value.startswith(PREFIX):
            return value
        return encrypt(value)
