"""The one JSON parser for /v1/: what it hands on, PostgreSQL and Stripe can hold."""

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from api.text import unstorable_text_reason

# Deeper than any body our serializers read; far below the interpreter's recursion limit.
MAX_JSON_DEPTH = 64


def _check(value: Any, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
    if isinstance(value, str):
        reason = unstorable_text_reason(value)
        if reason:
            raise ParseError(f"A string {reason}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = unstorable_text_reason(key)
            if reason:
                raise ParseError(f"An object key {reason}.")
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class StrictJSONParser(JSONParser):
    """JSON, refusing what would otherwise surface as a 500 further in: nesting deep enough
    for a RecursionError, NUL bytes PostgreSQL text cannot hold, lone surrogates no encoder
    can write."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as error:
            raise ParseError("The body is not valid UTF-8.") from error
        try:
            data = json.loads(text)
        except RecursionError as error:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from error
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        _check(data, 0)
        return data
