"""The apps depend on each other in one direction only, from the top of LAYERS to its bottom.

Every import in the service's own code (at module level, inside functions, or under
TYPE_CHECKING) and every relation between models must point at the importing app's own layer or
one below it. A lower app that needs a higher one to react sends a signal the higher one
connects to in its AppConfig.ready().
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. `billing.providers` (the provider interface and its implementations) sits below
# the catalog, which syncs products, prices and meters through it.
LAYERS = [
    "api",
    "tenants",
    "audit",
    "notifications",
    "billing.providers",
    "catalog",
    "billing",
    "grace",
    "usage",
    "backoffice",
]
SERVICE_PACKAGES = sorted({layer.split(".")[0] for layer in LAYERS})


def layer_of(module: str) -> int | None:
    """The rank of the longest layer that contains `module`, None for code outside the layers."""
    matches = [
        rank
        for rank, layer in enumerate(LAYERS)
        if module == layer or module.startswith(layer + ".")
    ]
    return max(matches, key=lambda rank: len(LAYERS[rank])) if matches else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    imports: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imports.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
        ):
            imports.append((node.lineno, "<importlib.import_module>"))
    return imports


def service_source_files() -> list[Path]:
    files = []
    for package in SERVICE_PACKAGES:
        files.extend(
            path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
        )
    return sorted(files)


def test_layers_name_every_service_app() -> None:
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}

    assert ours == set(SERVICE_PACKAGES)


@pytest.mark.parametrize("path", service_source_files(), ids=lambda path: module_name(path))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    own = layer_of(module_name(path))
    assert own is not None

    upward = []
    for line, imported in imported_modules(path):
        if imported == "<importlib.import_module>":
            upward.append(f"line {line}: importlib.import_module (import explicitly)")
            continue
        rank = layer_of(imported)
        if rank is not None and rank > own:
            upward.append(f"line {line}: {imported} ({LAYERS[rank]} is above {LAYERS[own]})")

    assert upward == []


def test_no_model_relates_to_a_higher_layer() -> None:
    upward = []
    for model in apps.get_models():
        own = layer_of(model.__module__)
        if own is None:
            continue
        for field in model._meta.get_fields():
            related = field.related_model
            if related is None or not field.concrete:
                continue
            rank = layer_of(related.__module__)
            if rank is not None and rank > own:
                upward.append(f"{model.__name__}.{field.name} -> {related.__name__}")

    assert upward == []


def test_the_stripe_emulator_imports_no_service_app() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {imported}"
        for path in sorted((ROOT / "stripe_emulator").rglob("*.py"))
        for line, imported in imported_modules(path)
        if imported.split(".")[0] in SERVICE_PACKAGES
    ]

    assert offending == []


def test_the_demo_apps_use_only_the_client() -> None:
    """examples/ is what an app built on the service looks like: it reaches the service through
    `payment_service_client` alone, and no service code imports a demo."""
    service_side = {*SERVICE_PACKAGES, "config", "stripe_emulator", "paypal_emulator"}
    demos = {path.name for path in (ROOT / "examples").iterdir() if path.is_dir()}
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {imported}"
        for path in sorted((ROOT / "examples").rglob("*.py"))
        for line, imported in imported_modules(path)
        if imported.split(".")[0] in service_side
    ] + [
        f"{path.relative_to(ROOT)}:{line}: {imported}"
        for path in service_source_files()
        for line, imported in imported_modules(path)
        if imported.split(".")[0] in demos
    ]

    assert demos >= {"demo_common", "coursehub", "teamchat", "apiforge"}
    assert offending == []


def test_no_service_code_asks_whether_an_app_is_installed() -> None:
    offending = [
        str(path.relative_to(ROOT))
        for path in service_source_files()
        if "is_installed(" in path.read_text()
    ]

    assert offending == []


def app_graph() -> dict[str, dict[str, int]]:
    """Which layer imports which, and how often: `python tests/test_dependency_direction.py`."""
    graph: dict[str, dict[str, int]] = {}
    for path in service_source_files():
        own = layer_of(module_name(path))
        assert own is not None
        for _, imported in imported_modules(path):
            rank = layer_of(imported)
            if rank is not None and rank != own:
                edges = graph.setdefault(LAYERS[own], {})
                edges[LAYERS[rank]] = edges.get(LAYERS[rank], 0) + 1
    return graph


if __name__ == "__main__":
    for layer, edges in sorted(app_graph().items(), key=lambda item: LAYERS.index(item[0])):
        targets = ", ".join(f"{target} ({count})" for target, count in sorted(edges.items()))
        print(f"{layer} -> {targets}")
