"""Shared test setup: NiceGUI's test plugins and a clean environment."""

import os

pytest_plugins = ["nicegui.testing.plugin"]

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("CHROME_BINARY_LOCATION", "/usr/bin/chromium")
