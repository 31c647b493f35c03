"""The shape of an API key: `psk_<mode>_<public part>_<secret part>`. The public id is everything
before the last underscore and is safe to show and log; only a hash of the whole key is kept."""

import hashlib
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
PUBLIC_PART_LENGTH = 12
SECRET_PART_LENGTH = 32


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def api_key_generate(*, mode: str) -> tuple[str, str]:
    """A new (public id, full key)."""
    public_id = f"psk_{mode}_{_random(PUBLIC_PART_LENGTH)}"
    return public_id, f"{public_id}_{_random(SECRET_PART_LENGTH)}"


def api_key_hash(raw_key: str) -> str:
    # Keys carry 190 bits of randomness, so a fast hash is as safe here as a slow one.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_public_id(raw_key: str) -> str | None:
    public_id, separator, secret = raw_key.rpartition("_")
    if not separator or len(secret) != SECRET_PART_LENGTH or not public_id.startswith("psk_"):
        return None
    return public_id
