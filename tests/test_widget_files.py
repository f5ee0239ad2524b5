"""Widget Builder `.widget` files: loaded with WidgetTemplate, clear errors, live in /gallery."""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.ui.gallery_files import render_widget_files
from chatkit_bridge.widget_files import WidgetFileError, WidgetFiles, load
from tests.polling import until
from use_cases.rooms.data import Bookings
from use_cases.rooms.use_case import RoomsUseCase

ROOMS = Path(__file__).resolve().parents[1] / "use_cases" / "rooms"
GOOD_TEMPLATE = '{"type": "Card", "children": [{"type": "Text", "value": {{ greeting | tojson }}}]}'


def write_widget(folder: Path, template: str = GOOD_TEMPLATE, name: str = "Greeting") -> Path:
    """Write a small .widget file with a schema and a preview."""
    path = folder / "greeting.widget"
    definition: dict[str, Any] = {
        "version": "1.0",
        "name": name,
        "template": template,
        "jsonSchema": {
            "type": "object",
            "properties": {"greeting": {"type": "string"}},
            "required": ["greeting"],
        },
        "outputJsonPreview": {
            "type": "Card",
            "children": [{"type": "Text", "id": "preview-text", "value": f"{name} preview"}],
        },
    }
    path.write_text(json.dumps(definition, indent=2), encoding="utf-8")
    return path


def test_the_shipped_widget_files_build_and_preview() -> None:
    files = WidgetFiles(ROOMS)
    names = {found.name for found in files.all() if not isinstance(found, WidgetFileError)}
    assert names == {"Room booking form", "Room bookings"}
    for found in files.all():
        assert not isinstance(found, WidgetFileError), found
        assert found.preview_widget().type in {"Card", "ListView"}


def test_a_widget_builds_from_data_checked_against_its_schema(tmp_path: Path) -> None:
    widget = load(write_widget(tmp_path)).build({"greeting": 'Hi "you" <b>'})
    assert widget.model_dump()["children"][0]["value"] == 'Hi "you" <b>'
    with pytest.raises(WidgetFileError, match=r"greeting\.widget: data: 'greeting' is a required"):
        load(write_widget(tmp_path)).build({})


def test_a_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    template = '{"type": "Card",\n "children": [\n {% for x in %}\n]}'
    with pytest.raises(WidgetFileError, match=r"greeting\.widget:3: template line 3"):
        load(write_widget(tmp_path, template))


def test_a_template_failing_while_rendering_names_file_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    template = '{"type": "Card",\n "children": [\n{{ greeting.words[7].upper() }}\n]}'
    with pytest.raises(WidgetFileError, match=r"greeting\.widget:3: UndefinedError"):
        load(write_widget(tmp_path, template)).build({"greeting": "hi"})
    # The server log says it too: a tool's caller only sees "An error occurred".
    assert any("greeting.widget:3" in record.getMessage() for record in caplog.records)


def test_a_template_rendering_bad_json_says_so(tmp_path: Path) -> None:
    template = '{"type": "Card", "children": [{"type": "Text", "value": {{ greeting }}}]}'
    with pytest.raises(WidgetFileError, match=r"greeting\.widget: the template renders invalid"):
        load(write_widget(tmp_path, template)).build({"greeting": "hi"})


def test_a_saved_file_is_read_again(tmp_path: Path) -> None:
    files = WidgetFiles(tmp_path)
    write_widget(tmp_path, name="First")
    assert files.get("greeting.widget").name == "First"
    path = write_widget(tmp_path, name="Second")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert files.get("greeting.widget").name == "Second"


async def test_the_gallery_shows_each_file_by_name_and_follows_edits(
    user: User, tmp_path: Path
) -> None:
    use_case = RoomsUseCase(Bookings(TinyDBDocuments(tmp_path / "data", "bookings")))
    use_case.folder = tmp_path / "widgets"
    use_case.folder.mkdir()
    path = write_widget(use_case.folder, name="Greeting card")

    @ui.page("/widget-files")
    def page() -> None:
        """Show only the .widget section of the gallery."""
        render_widget_files([use_case])

    await user.open("/widget-files")
    await user.should_see("Greeting card")
    await user.should_see("Greeting card preview")

    write_widget(use_case.folder, name="Renamed card")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    await user.should_see("Renamed card preview")

    write_widget(use_case.folder, template='{"type": "Card",\n{% if %}')
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2_000_000))
    await until(lambda: bool(user.find(marker="widget-file-error").elements))
    (error,) = user.find(marker="widget-file-error").elements
    assert "greeting.widget:2" in error.text and str(tmp_path) not in error.text
