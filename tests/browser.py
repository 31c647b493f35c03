"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded one). A module
of such tests sets `pytestmark = BROWSER_REQUIRED`, so a machine without either skips it and
says why (.ci/run installs Chromium)."""

from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

BROWSER_REQUIRED = [
    pytest.mark.skipif(sync_playwright is None, reason="the playwright package is not installed"),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)",
    ),
]

__all__ = ["BROWSER_REQUIRED", "CHROMIUM", "CHROMIUM_ARGUMENTS", "sync_playwright"]
