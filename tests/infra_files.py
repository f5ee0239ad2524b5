"""Reading azure.yaml and infra/: each Bicep file parsed once, its parameters, modules and code."""

import re
from functools import cache
from pathlib import Path
from typing import Any

from pycep import BicepParser

from tests.docker_replay import DOCKERFILE, parse_dockerfile

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"
RESOURCES = INFRA / "resources.bicep"
PARAMETERS = INFRA / "main.parameters.json"
OPENAI_USER_ROLE = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"
ACR_PULL_ROLE = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
API_VERSIONS = {
    "Microsoft.App/containerApps": "2024-03-01",
    "Microsoft.App/managedEnvironments": "2024-03-01",
    "Microsoft.App/managedEnvironments/storages": "2024-03-01",
    "Microsoft.ContainerRegistry/registries": "2023-07-01",
    "Microsoft.Storage/storageAccounts": "2023-05-01",
    "Microsoft.OperationalInsights/workspaces": "2023-09-01",
    "Microsoft.Authorization/roleAssignments": "2022-04-01",
    "Microsoft.DBforPostgreSQL/flexibleServers": "2022-12-01",
    "Microsoft.DBforPostgreSQL/flexibleServers/databases": "2022-12-01",
    "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules": "2022-12-01",
    "Microsoft.DBforPostgreSQL/flexibleServers/administrators": "2022-12-01",
}
AZD_VALUE = re.compile(r"^\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?:=(?P<default>[^}]*))?\}$")


def read(path: Path) -> str:
    """A file's text."""
    return path.read_text(encoding="utf-8")


def code_of(bicep: str) -> str:
    """Bicep text without comments (strings kept), so checks do not match commentary."""
    out: list[str] = []
    index, length = 0, len(bicep)
    while index < length:
        if bicep.startswith("//", index):
            newline = bicep.find("\n", index)
            index = length if newline == -1 else newline
        elif bicep.startswith("/*", index):
            index = bicep.index("*/", index) + 2
        elif bicep[index] == "'":
            end = index + 1
            while bicep[end] != "'":
                end += 2 if bicep[end] == "\\" else 1
            out.append(bicep[index : end + 1])
            index = end + 1
        else:
            out.append(bicep[index])
            index += 1
    return "".join(out)


@cache
def parsed(path: Path) -> dict[str, Any]:
    """A Bicep file's syntax tree (pycep-parser's JSON form); a syntax error raises."""
    return BicepParser().parse(file_path=path)


def params_of(path: Path) -> dict[str, dict[str, Any]]:
    """Each `param` with whether it has a default and its @allowed values."""
    params: dict[str, dict[str, Any]] = {}
    for name, param in parsed(path).get("parameters", {}).items():
        allowed = [d["argument"] for d in param["decorators"] if d["type"] == "allowed"]
        params[name] = {
            "default": param["default"] is not None,
            "allowed": allowed[0] if allowed else None,
        }
    return params


def block_after(text: str, start: int) -> str:
    """The `{ ... }` block that opens at or after `start`, braces balanced."""
    opening = text.index("{", start)
    depth = 0
    for index in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[opening : index + 1]
    raise AssertionError("unbalanced braces")


def modules_of(path: Path) -> dict[str, tuple[str, set[str]]]:
    """Each `module` with its file and the parameter names passed to it."""
    modules: dict[str, tuple[str, set[str]]] = {}
    for name, module in parsed(path).get("modules", {}).items():
        config = module["config"]
        # A conditional module (`= if (...) {...}`) nests its body under the condition.
        body = config["config"] if "condition" in config else config
        modules[name] = (module["detail"]["path"], set(body.get("params", {})))
    return modules


def dockerfile_env() -> dict[str, str]:
    """The Dockerfile's ENV, merged."""
    return parse_dockerfile(DOCKERFILE)[-1].env


def bicep_var(bicep: str, name: str) -> str:
    """The literal value of `var name = ...` (a number or a quoted string)."""
    match = re.search(rf"^var {name} = '?([^'\n]*)'?$", code_of(bicep), re.MULTILINE)
    assert match, f"no var {name}"
    return match[1]
