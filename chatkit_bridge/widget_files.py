"""Widget Builder `.widget` files: load them with ChatKit's `WidgetTemplate`, reload on change.

A `.widget` file (exported from OpenAI's Widget Builder) is JSON with `version`, `name`,
`template` (Jinja that renders widget JSON), `jsonSchema` (the data the template takes) and
`outputJsonPreview` (the widget rendered from example data). Every failure names the file, and
the template line when the template itself is at fault.
"""

import json
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
from chatkit.widgets import DynamicWidgetRoot, WidgetTemplate
from pydantic import BaseModel, ValidationError

logger = logging.getLogger(__name__)
SUFFIX = ".widget"
_TEMPLATE_FRAME = "<template>"  # the file name Jinja gives template lines in tracebacks


class WidgetFileError(Exception):
    """A `.widget` file cannot be read, or its template fails; the message names file and line."""


@dataclass(frozen=True)
class WidgetFile:
    """One loaded `.widget` file."""

    path: Path
    name: str
    template: WidgetTemplate
    schema: dict[str, Any]
    preview: dict[str, Any] | None

    def build(self, data: dict[str, Any] | BaseModel | None = None) -> DynamicWidgetRoot:
        """Render the widget from `data`, checked against the file's jsonSchema first."""
        try:
            return self._build(data)
        except WidgetFileError as error:
            # Tools turn exceptions into a vague message for the model: say what broke here.
            logger.error("widget file failed: %s", error)
            raise

    def _build(self, data: dict[str, Any] | BaseModel | None) -> DynamicWidgetRoot:
        values = data.model_dump(mode="json") if isinstance(data, BaseModel) else data or {}
        if self.schema:
            try:
                jsonschema.validate(values, self.schema)
            except jsonschema.ValidationError as error:
                where = "/".join(str(part) for part in error.absolute_path) or "data"
                raise WidgetFileError(f"{self.path}: {where}: {error.message}") from None
        try:
            return self.template.build(values)
        except json.JSONDecodeError as error:
            raise WidgetFileError(
                f"{self.path}: the template renders invalid JSON (rendered line {error.lineno}, "
                f"column {error.colno}: {error.msg}); use `| tojson` for values"
            ) from None
        except ValidationError as error:
            raise WidgetFileError(f"{self.path}: not a widget: {_first(error)}") from None
        except Exception as error:
            line = _template_line(error)
            at = f":{line}" if line else ""
            raise WidgetFileError(f"{self.path}{at}: {type(error).__name__}: {error}") from None

    def preview_widget(self) -> DynamicWidgetRoot:
        """Return the widget the file shows as its example (`outputJsonPreview`)."""
        if self.preview is None:
            raise WidgetFileError(f"{self.path}: has no outputJsonPreview to show")
        try:
            return DynamicWidgetRoot.model_validate(self.preview)
        except ValidationError as error:
            raise WidgetFileError(f"{self.path}: outputJsonPreview: {_first(error)}") from None


def load(path: Path) -> WidgetFile:
    """Read and compile one `.widget` file."""
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WidgetFileError(f"{path}: cannot be read ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise WidgetFileError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
    if not isinstance(definition, dict):
        raise WidgetFileError(f"{path}: not a .widget file (expected a JSON object)")
    missing = [key for key in ("version", "name", "template") if key not in definition]
    if missing:
        raise WidgetFileError(f"{path}: missing {', '.join(missing)}")
    try:
        template = WidgetTemplate(definition)
    except jinja2.TemplateSyntaxError as error:
        raise WidgetFileError(
            f"{path}:{error.lineno}: template line {error.lineno}: {error.message}"
        ) from None
    except ValueError as error:  # an unsupported version
        raise WidgetFileError(f"{path}: {error}") from None
    preview = definition.get("outputJsonPreview")
    if isinstance(preview, str):  # some exports keep it as a JSON string
        preview = json.loads(preview)
    return WidgetFile(path, str(definition["name"]), template, definition.get("jsonSchema") or {},
                      preview)  # fmt: skip


class WidgetFiles:
    """The `.widget` files of one folder, each reloaded when its file changes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[Path, tuple[int, WidgetFile]] = {}

    def paths(self) -> list[Path]:
        """Return every `.widget` file under the folder, sorted."""
        return sorted(self.folder.rglob(f"*{SUFFIX}")) if self.folder.is_dir() else []

    def get(self, file_name: str) -> WidgetFile:
        """Return one file by its name in the folder ("room_booking.widget"), fresh from disk."""
        path = self.folder / file_name
        try:
            changed = path.stat().st_mtime_ns
        except OSError as error:
            raise WidgetFileError(f"{path}: cannot be read ({error.strerror})") from None
        cached = self._loaded.get(path)
        if cached is None or cached[0] != changed:
            cached = (changed, load(path))
            self._loaded[path] = cached
        return cached[1]

    def all(self) -> list[WidgetFile | WidgetFileError]:
        """Return every file, or the error that stops it loading, in path order."""
        found: list[WidgetFile | WidgetFileError] = []
        for path in self.paths():
            try:
                found.append(self.get(str(path.relative_to(self.folder))))
            except WidgetFileError as error:
                found.append(error)
        return found


def _template_line(error: BaseException) -> int | None:
    """Return the template line an error was raised on, from Jinja's rewritten traceback."""
    lines = [
        f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == _TEMPLATE_FRAME
    ]
    return lines[-1] if lines else None  # fmt: skip


def _first(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "root"
    return f"{where}: {first['msg']}"
