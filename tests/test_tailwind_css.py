"""The prebuilt Tailwind stylesheet covers every utility class the app's source can use."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.tailwind_css import OUTPUT, build_css, candidates

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)


def selectors(css: str) -> set[str]:
    """Return the class selectors a stylesheet defines."""
    return set(re.findall(r"^\s*(\.[^\s{,]+)", css, re.MULTILINE))


def test_every_utility_the_source_uses_is_in_the_stylesheet() -> None:
    built = selectors(build_css(candidates()))
    shipped = selectors(OUTPUT.read_text(encoding="utf-8"))
    missing = sorted(built - shipped)
    assert not missing, f"run `python -m tests.tailwind_css`: {missing} are not in {OUTPUT.name}"
    assert {".max-w-3xl", ".rounded-2xl", r".max-w-\[80\%\]"} <= shipped
