"""`./run client --check` (what CI runs) finds the committed client equal to what the schema
generates, and names every file that is not: changed, missing or extra."""

import shutil
from pathlib import Path

import pytest

from config import launch


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return launch.client_expected_files()


def test_the_committed_client_is_what_the_schema_generates(expected: dict[str, str]):
    committed = launch.client_committed_files()

    assert launch.client_differences(expected=expected, committed=committed) == []
    assert "payment_service_client/generated/operations.py" in committed
    assert "payment_service_client/generated/api/v1/v1_customers_create.py" in committed


def test_a_changed_a_missing_and_an_extra_file_are_each_shown(
    expected: dict[str, str], tmp_path: Path
):
    copy = tmp_path / "python"
    shutil.copytree(launch.CLIENT, copy, ignore=shutil.ignore_patterns("__pycache__", "build"))
    generated = copy / "payment_service_client" / "generated"
    model = generated / "models" / "customer_output.py"
    model.write_text(model.read_text().replace("external_id", "externalId", 1))
    (generated / "api" / "v1" / "v1_app_retrieve.py").unlink()
    (generated / "api" / "v1" / "v1_stale_route.py").write_text("# from an older schema\n")
    schema = copy / "openapi.json"
    schema.write_text(schema.read_text().replace('"title": "payment-service API"', '"title": "x"'))

    differences = "".join(
        launch.client_differences(expected=expected, committed=launch.client_committed_files(copy))
    )

    assert (
        "a/clients/python/payment_service_client/generated/models/customer_output.py" in differences
    )
    assert "-    externalId" in differences or "-externalId" in differences.replace(" ", "")
    assert (
        "+++ b/clients/python/payment_service_client/generated/api/v1/v1_app_retrieve.py"
        in differences
    )
    assert (
        "--- a/clients/python/payment_service_client/generated/api/v1/v1_stale_route.py"
        in differences
    )
    assert '\n-    "title": "x",\n+    "title": "payment-service API",\n' in differences
    removed = [
        line
        for line in differences.splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    assert len(removed) == 3  # the two changed lines and the stale file's one, nothing else
