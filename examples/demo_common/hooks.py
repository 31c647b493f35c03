"""What a demo plugs into the shared parts: its settings name a module (DEMO_HOOKS) with

- `catalog_ensure(service)`: makes its plans, features and metrics if they are missing;
- `on_event(event)`: reacts to a verified webhook event (optional);
- `context(request)`: extra template context on every page, e.g. a banner (optional).
"""

from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings


def hooks() -> ModuleType:
    return import_module(settings.DEMO_HOOKS)


def call(name: str, *arguments: Any) -> Any:
    function = getattr(hooks(), name, None)
    return function(*arguments) if function else None
