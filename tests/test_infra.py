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
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pycep import BicepParser

from chatkit_bridge.settings import Provider, Settings
from tests.docker_replay import DOCKERFILE, exec_form, parse_dockerfile

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


def test_the_app_runs_one_sticky_replica_with_its_own_identity() -> None:
    """One replica on TinyDB (one writer), several only on PostgreSQL; sticky; own identity."""
    app = code_of(read(RESOURCES))
    for expected in (
        "minReplicas: 1",
        "maxReplicas: replicas",
        "var replicas = usePostgres ? maxReplicas : 1",
        "affinity: 'sticky'",
        "activeRevisionsMode: 'Single'",
        "type: 'SystemAssigned'",
        "identity: 'system'",
        "adminUserEnabled: false",
        "external: true",
        "targetPort: appPort",
        "'azd-service-name': 'web'",
        "mcr.microsoft.com/azuredocs/containerapps-helloworld:latest",
    ):
        assert expected in app, expected
    assert not re.search(r"maxReplicas: (?!1\b|replicas\b)", app)


def test_postgres_signs_in_with_the_app_identity_and_no_password() -> None:
    """usePostgres: Entra-only server, the app's identity as admin, a token as the password."""
    server = code_of(read(INFRA / "postgres.bicep"))
    for expected in (
        "activeDirectoryAuth: 'Enabled'",
        "passwordAuth: 'Disabled'",
        "principalType: 'ServicePrincipal'",
        "name: appPrincipalId",
    ):
        assert expected in server, expected
    assert "administratorLoginPassword" not in server
    app = code_of(read(RESOURCES))
    assert "appPrincipalId: app.identity.principalId" in app
    assert "usePostgres ? postgresEnv : []" in app
    assert "'DATABASE_AUTH'" in app and "'entra'" in app
    assert "sslmode=require" in app


def test_roles_are_granted_by_id() -> None:
    """AcrPull on the registry and Cognitive Services OpenAI User on the given account."""
    assert ACR_PULL_ROLE in code_of(read(RESOURCES))
    role = code_of(read(INFRA / "openai-role.bicep"))
    assert OPENAI_USER_ROLE in role and "scope: openAi" in role
    assert "principalType: 'ServicePrincipal'" in role


def test_the_data_share_is_mounted_where_the_dockerfile_keeps_data() -> None:
    """The Azure Files volume is mounted at the Dockerfile's DATA_STORE_PATH and VOLUME."""
    app = code_of(read(RESOURCES))
    data_path = bicep_var(read(RESOURCES), "dataPath")
    assert data_path == dockerfile_env()["DATA_STORE_PATH"] == "/app/data"
    volumes = [i.args for i in parse_dockerfile(DOCKERFILE) if i.keyword == "VOLUME"]
    assert any(data_path in exec_form(v) for v in volumes)
    assert "mountPath: dataPath" in app and "storageType: 'AzureFile'" in app
    assert "Microsoft.Storage/storageAccounts/fileServices/shares@" in app
    assert "Microsoft.App/managedEnvironments/storages@" in app
    uid = re.search(r"--uid (\d+)", read(DOCKERFILE))
    assert uid and f"uid={uid[1]}" in bicep_var_default(read(RESOURCES), "dataMountOptions")


def bicep_var_default(bicep: str, name: str) -> str:
    """The default of `param name string = '...'`."""
    match = re.search(rf"^param {name} string = '([^']*)'", code_of(bicep), re.MULTILINE)
    assert match, f"no param {name} with a default"
    return match[1]


def test_port_and_probes_match_the_app() -> None:
    """Ingress and probes use the Dockerfile's port; probes hit /healthz and /readyz."""
    app = code_of(read(RESOURCES))
    port = bicep_var(read(RESOURCES), "appPort")
    exposed = [i.args for i in parse_dockerfile(DOCKERFILE) if i.keyword == "EXPOSE"]
    assert exposed == [port] == [str(Settings.model_fields["app_port"].default)]
    for probe, path in (("Liveness", "/healthz"), ("Readiness", "/readyz")):
        block = block_after(app, app.rfind("{", 0, app.index(f"type: '{probe}'")))
        assert f"path: '{path}'" in block and "port: appPort" in block, probe


def test_container_variables_are_settings_the_app_reads() -> None:
    """Every env var name is a Settings field; the secret comes from a Container Apps secret."""
    app = code_of(read(RESOURCES))
    names = set(re.findall(r"name: '([A-Z][A-Z0-9_]+)'", app))
    assert names <= {field.upper() for field in Settings.model_fields}, names
    assert {
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_DEPLOYMENT",
        "AZURE_OPENAI_API_VERSION",
        "LLM_PROVIDER",
        "AUTH_MODE",
        "STORAGE_SECRET",
        "DATA_STORE_PATH",
    } <= names
    assert re.search(r"name: 'STORAGE_SECRET'\s+secretRef:", app)
    assert re.search(r"@secure\(\)\s*(@description\([^)]*\)\s*)?param storageSecret", app)


def test_choices_match_the_settings() -> None:
    """LLM_PROVIDER and AUTH_MODE allow exactly what the app accepts."""
    providers = {provider.value for provider in Provider}
    auth_modes = set(get_args(Settings.model_fields["auth_mode"].annotation))
    for path in (MAIN, RESOURCES):
        params = params_of(path)
        assert set(params["llmProvider"]["allowed"]) == providers, path.name
        assert set(params["authMode"]["allowed"]) == auth_modes, path.name


def test_main_outputs_what_azd_and_the_docs_use() -> None:
    """The registry endpoint (azd pushes there), the app URL and the identity's principal id."""
    outputs = set(parsed(MAIN)["outputs"])
    assert {
        "AZURE_CONTAINER_REGISTRY_ENDPOINT",
        "SERVICE_WEB_URI",
        "SERVICE_WEB_PRINCIPAL_ID",
        "AZURE_STORAGE_ACCOUNT_NAME",
        "AZURE_STORAGE_SHARE_NAME",
    } <= outputs
    assert "targetScope = 'subscription'" in code_of(read(MAIN))


def test_azure_yaml_builds_the_dockerfile_into_a_container_app() -> None:
    """Service `web`: Python, hosted on Container Apps, built from ./Dockerfile."""
    config = yaml.safe_load(read(ROOT / "azure.yaml"))
    web = config["services"]["web"]
    assert web["language"] == "python" and web["host"] == "containerapp"
    assert web["docker"]["path"] == "./Dockerfile"
    assert (ROOT / web.get("project", ".") / web["docker"]["path"]).resolve() == DOCKERFILE
    infra = config.get("infra", {})
    assert (ROOT / infra.get("path", "infra") / f"{infra.get('module', 'main')}.bicep").is_file()
