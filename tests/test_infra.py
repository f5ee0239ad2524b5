"""Consistency checks for azure.yaml and infra/: nothing here compiles or deploys.

There is no Bicep compiler and no Azure on this machine (the compiler is a download from GitHub,
which CI cannot reach), so every Bicep file is parsed with pycep-parser (Bicep's grammar in Lark,
the parser Checkov uses): a syntax error fails here. The parsed files are then checked against
each other, the Dockerfile and the app: every parameter azd passes is declared, modules get the
parameters they declare, every variable the container gets is a setting the app reads, the port
and data folder match the Dockerfile, and the properties this deployment depends on (one replica,
sticky sessions, the two role ids, the /app/data mount, pulls with the app's identity, the probes)
are written down. A misspelt property name or a wrong type still passes here; `az bicep build`
(or `azd provision --preview`) is the real check.

The deployed app against the app itself: tests/test_infra_app.py; the readers: tests/infra_files.py.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.infra_files import (
    API_VERSIONS,
    AZD_VALUE,
    INFRA,
    MAIN,
    PARAMETERS,
    modules_of,
    params_of,
    parsed,
    read,
)


@pytest.fixture(scope="module")
def parameters() -> dict[str, Any]:
    """main.parameters.json's parameters."""
    document = json.loads(read(PARAMETERS))
    assert document["contentVersion"] == "1.0.0.0"
    return document["parameters"]


def test_every_parameter_in_the_file_is_declared_and_every_required_one_given(
    parameters: dict[str, Any],
) -> None:
    """main.parameters.json and main.bicep name the same parameters."""
    declared = params_of(MAIN)
    assert set(parameters) <= set(declared), set(parameters) - set(declared)
    required = {name for name, param in declared.items() if not param["default"]}
    assert required <= set(parameters), required - set(parameters)


def test_parameters_come_from_the_azd_environment(parameters: dict[str, Any]) -> None:
    """Every value is `${VAR}` or `${VAR=default}`, and defaults are allowed values."""
    declared = params_of(MAIN)
    names = set()
    for name, entry in parameters.items():
        match = AZD_VALUE.match(entry["value"])
        assert match, f"{name}: {entry['value']!r} is not an azd substitution"
        names.add(match["name"])
        allowed = declared[name]["allowed"]
        if match["default"] is not None and allowed:
            assert match["default"] in allowed, f"{name} default {match['default']!r}"
    assert {
        "AZURE_ENV_NAME",
        "AZURE_LOCATION",
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_DEPLOYMENT",
        "AZURE_OPENAI_RESOURCE_ID",
        "SERVICE_WEB_RESOURCE_EXISTS",
    } <= names


def test_modules_exist_and_get_only_declared_parameters() -> None:
    """Each module file exists, declares what it is passed, and is passed what it requires."""
    for parent in sorted(INFRA.glob("*.bicep")):
        for name, (file, passed) in modules_of(parent).items():
            module = INFRA / file
            assert module.is_file(), f"{parent.name}: module {name} -> {file} is missing"
            declared = params_of(module)
            assert passed <= set(declared), f"{name}: unknown {passed - set(declared)}"
            required = {p for p, info in declared.items() if not info["default"]}
            assert required <= passed, f"{name}: missing {required - passed}"


def test_main_reaches_every_bicep_file() -> None:
    """main.bicep deploys every other .bicep file in infra/, directly or through a module."""
    reached, queue = {MAIN.name}, [MAIN]
    while queue:
        for file, _ in modules_of(queue.pop()).values():
            if file not in reached:
                reached.add(file)
                queue.append(INFRA / file)
    assert reached == {path.name for path in INFRA.glob("*.bicep")}


@pytest.mark.parametrize("path", sorted(INFRA.glob("*.bicep")), ids=lambda path: path.name)
def test_bicep_file_parses(path: Path) -> None:
    """Each file is valid Bicep syntax and declares something."""
    tree = parsed(path)
    assert tree.get("resources") or tree.get("modules"), f"{path.name} deploys nothing"


def test_api_versions_are_the_pinned_ones() -> None:
    """Resources use the API versions this template was written against."""
    used: dict[str, set[str]] = {}
    for path in INFRA.glob("*.bicep"):
        for resource in parsed(path).get("resources", {}).values():
            used.setdefault(resource["type"], set()).add(resource["api_version"])
    for kind, version in API_VERSIONS.items():
        assert used.get(kind) == {version}, f"{kind}: {used.get(kind)}"
