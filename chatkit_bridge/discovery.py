"""Find the use cases under `use_cases/` and build the ones USE_CASES names.

The bridge never names a use case: each is a package `use_cases/<name>/` whose `__init__.py`
exposes its `UseCase` subclass; the folder name is the use case's name.
"""

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from chatkit_bridge.use_case import Host, UseCase
from chatkit_bridge.use_case_names import RESERVED, UseCaseError

PACKAGE = "use_cases"


def available(package: str = PACKAGE) -> list[str]:
    """Return the names of the use case packages found, sorted."""
    root = importlib.import_module(package)
    return sorted(info.name for info in pkgutil.iter_modules(root.__path__) if info.ispkg)


def load(name: str, host: Host, package: str = PACKAGE) -> UseCase:
    """Import `use_cases/<name>/` and build its use case."""
    found = available(package)
    if name in RESERVED:
        raise UseCaseError(f"USE_CASES names {name!r}, an address the app uses; rename its folder")
    if name not in found:
        listed = ", ".join(found) or "none"
        raise UseCaseError(f"USE_CASES names {name!r}, but {package}/ holds: {listed}")
    module = importlib.import_module(f"{package}.{name}")
    use_case_class = _use_case_class(module)
    use_case = use_case_class.create(host)
    use_case.name = name
    use_case.folder = Path(module.__file__ or "").parent
    return use_case


def load_all(names: list[str], host: Host, package: str = PACKAGE) -> list[UseCase]:
    """Build the named use cases, in the order given."""
    return [load(name, host, package) for name in names]


def _use_case_class(module: ModuleType) -> type[UseCase]:
    candidate = getattr(module, "UseCase", None)
    if not (isinstance(candidate, type) and issubclass(candidate, UseCase)):
        raise UseCaseError(
            f"{module.__name__} must expose its use case class as `UseCase` in __init__.py"
        )
    return candidate
