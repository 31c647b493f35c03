"""Which text PostgreSQL and the JSON encoders can hold."""

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_text_reason(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None: a NUL byte or a lone surrogate."""
    if "\x00" in value:
        return "contains a NUL byte"
    if _LONE_SURROGATE.search(value):
        return "contains a lone surrogate"
    return None
