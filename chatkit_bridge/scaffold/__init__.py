"""`python -m chatkit_bridge new NAME`: a new use case folder that runs at once.

The files are plain templates in `template/` (`.tmpl` files with `{{name}}`-style
placeholders); copying them is all the scaffold does, so what it makes is easy to read and
change. Nothing outside `use_cases/NAME/` is touched.
"""

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

from chatkit_bridge.use_case_names import RESERVED as APP_NAMES

TEMPLATE = Path(__file__).parent / "template"
_NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")
# Names the app serves or stores under, and folder names with another meaning.
RESERVED = APP_NAMES | {"tests", "threads"}


class ScaffoldError(Exception):
    """The use case cannot be created; the message says why."""


@dataclass(frozen=True)
class Names:
    """How the new use case is called in code and on screen."""

    name: str

    @property
    def words(self) -> str:
        """Return the name as words: "help_desk" -> "help desk"."""
        return self.name.replace("_", " ")

    @property
    def class_name(self) -> str:
        """Return the class name: "help_desk" -> "HelpDeskUseCase"."""
        return "".join(part.capitalize() for part in self.name.split("_")) + "UseCase"

    @property
    def title(self) -> str:
        """Return the title shown in the header: "Help desk assistant"."""
        return self.words.capitalize() + " assistant"

    def fill(self, text: str) -> str:
        """Replace the placeholders of a template file."""
        for key, value in (
            ("{{name}}", self.name),
            ("{{words}}", self.words),
            ("{{ClassName}}", self.class_name),
            ("{{title}}", self.title),
        ):
            text = text.replace(key, value)
        return text


def check_name(name: str, use_cases: Path) -> Names:
    """Refuse names that are not package names, clash, or already exist."""
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid name: use 2-31 lowercase letters, digits and _, "
            "starting with a letter (e.g. help_desk)"
        )
    if name in RESERVED:
        raise ScaffoldError(f"{name!r} is taken by the app; pick another name")
    if (use_cases / name).exists():
        raise ScaffoldError(f"use_cases/{name}/ already exists; pick another name")
    return Names(name)


def create(name: str, project: Path) -> list[Path]:
    """Write `use_cases/NAME/` under `project` and return the files made."""
    use_cases = project / "use_cases"
    if not use_cases.is_dir():
        raise ScaffoldError(f"no use_cases/ folder in {project}; run this from the project root")
    names = check_name(name, use_cases)
    target = use_cases / name
    made = []
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).with_suffix("")
        path = target / names.fill(str(relative))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(names.fill(source.read_text(encoding="utf-8")), encoding="utf-8")
        made.append(path)
    return made


def next_steps(name: str) -> str:
    """Return the two commands to run next."""
    return f"USE_CASES={name} python app.py\npython -m pytest use_cases/{name}"
