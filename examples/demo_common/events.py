from typing import Any


def event_object(event: dict[str, Any]) -> dict[str, Any]:
    """The object an event is about: its `data` (`{"object": "payment", "id": …, …}`)."""
    data = event.get("data")
    if not isinstance(data, dict):
        return {}
    nested = data.get("object")
    return nested if isinstance(nested, dict) else data
