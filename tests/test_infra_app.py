"""The deployed container app matches the app: one replica, identity, mount, port, settings.

Checked on the parsed Bicep files like tests/test_infra.py (nothing compiles or deploys).
"""

import re
from typing import get_args

import yaml

from chatkit_bridge.settings import Provider, Settings
from tests.docker_replay import DOCKERFILE, exec_form, parse_dockerfile
from tests.infra_files import (
    ACR_PULL_ROLE,
    INFRA,
    MAIN,
    OPENAI_USER_ROLE,
    RESOURCES,
    ROOT,
    bicep_var,
    block_after,
    code_of,
    dockerfile_env,
    params_of,
    parsed,
    read,
)


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
