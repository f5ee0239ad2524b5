"""The gallery's `.widget` section: every Widget Builder file of the enabled use cases, rendered
from its `outputJsonPreview`, labelled with its `name`, and redrawn when a file changes."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chatkit.actions import ActionConfig
from nicegui import ui

from chatkit_bridge.use_case import UseCase
from chatkit_bridge.widget_files import WidgetFile, WidgetFileError, WidgetFiles

from .renderer import WidgetView

CHECK_SECONDS = 1.0


def _stamp(sources: Sequence[WidgetFiles]) -> tuple[tuple[str, int], ...]:
    """Return every file with its change time, to notice edits, additions and removals."""
    stamps = []
    for source in sources:
        for path in source.paths():
            try:
                stamps.append((str(path), path.stat().st_mtime_ns))
            except OSError:
                continue
    return tuple(stamps)


def _shown(text: str, root: Path) -> str:
    """Show paths relative to the project, never the server's folders."""
    return text.replace(f"{root}/", "")


async def _notify(action: ActionConfig, payload: dict[str, Any]) -> None:
    ui.notify(f"{action.type} {payload}")


def render_widget_files(use_cases: Sequence[UseCase]) -> None:
    """Render the `.widget` files of `use_cases` into the current page."""
    sources = [WidgetFiles(uc.folder) for uc in use_cases if uc.folder is not None]
    if not sources:
        return
    root = sources[0].folder.parent.parent
    seen = _stamp(sources)

    @ui.refreshable
    def section() -> None:
        ui.label("Widget Builder files").classes("text-2xl font-bold mt-8")
        ui.label(
            "Each .widget file of the enabled use cases, drawn from its outputJsonPreview. "
            "Saving a file redraws it here."
        ).classes("text-grey-8")
        files = [found for source in sources for found in source.all()]
        if not files:
            ui.label("No .widget files yet.").classes("text-grey-7")
        for found in files:
            with ui.column().classes("w-full gap-1 widget-file"):
                if isinstance(found, WidgetFileError):
                    ui.label(_shown(str(found), root)).classes("text-negative").mark(
                        "widget-file-error"
                    )
                    continue
                _render_file(found, root)

    def check() -> None:
        nonlocal seen
        now = _stamp(sources)
        if now != seen:
            seen = now
            section.refresh()

    with ui.column().classes("w-full max-w-3xl mx-auto p-4 gap-2"):
        section()
    ui.timer(CHECK_SECONDS, check)


def _render_file(found: WidgetFile, root: Path) -> None:
    ui.label(found.name).classes("text-lg font-semibold ck-gallery-title")
    ui.label(_shown(str(found.path), root)).classes("text-xs text-grey-7")
    try:
        widget = found.preview_widget()
    except WidgetFileError as error:
        ui.label(_shown(str(error), root)).classes("text-negative").mark("widget-file-error")
        return
    WidgetView(widget, on_action=_notify)
