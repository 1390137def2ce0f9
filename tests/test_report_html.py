"""The report page opens in headless Chromium without errors and every chart decodes.

On a developer machine without Chromium the test is skipped with the reason;
in CI (``CI=true``, which ``.ci/run`` sets and installs Chromium for) a
missing Chromium fails it instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.browser import chromium, probe
from bot.reporting.report import build_report
from tests.report_support import NOW, seed, settings_in


@pytest.fixture
def browser() -> None:
    if chromium() is not None:
        return
    reason = "chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI", "").casefold() == "true":
        pytest.fail(f"{reason}; CI must run the browser test")
    pytest.skip(reason)


async def test_every_chart_decodes_in_headless_chromium(browser: None, tmp_path: Path) -> None:
    settings = settings_in(tmp_path / "data")
    await seed(settings)
    written = build_report(settings, tmp_path / "report", now=lambda: NOW)
    page = written.html.read_text(encoding="utf-8")
    assert page.count("<img ") == 5
    assert "http://" not in page and "https://" not in page and "<script" not in page

    seen = probe(written.html)
    assert "error" not in seen
    assert seen["images"] == "5/5"
    assert int(seen["height"]) > 1000
