"""The gallery renders every example without errors and its actions report their payloads."""

import logging

import pytest
from nicegui.testing import User

from chatkit_bridge.ui.gallery import GALLERY


async def test_gallery_renders(user: User, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    await user.open("/gallery")
    await user.should_see("Widget gallery")
    for example in GALLERY:
        await user.should_see(example.title)
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not errors, [r.getMessage() for r in errors]
