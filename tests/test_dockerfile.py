"""The Dockerfile, replayed without Docker: parse it, "build" it into a temp root, run its CMD.

No Docker engine runs here, so this test reads the Dockerfile instead of repeating its steps:

- `WORKDIR`, `ENV`, `COPY`, `RUN`, `USER`, `VOLUME`, `EXPOSE`, `HEALTHCHECK` and `CMD` are
  parsed; every absolute path under the `WORKDIR` (e.g. `/app/data`) is mapped into a temp root.
- `COPY` copies from this working tree through `.dockerignore`, as `docker build` would.
- `RUN` is split on `&&`. `pip install ...` runs with the pip of a fresh venv made with
  `python -m venv` (SLOW: it installs requirements.txt, ~15-60 s from the registry; pip's cache
  is used, so `--no-cache-dir` is dropped). `mkdir` and `chmod` run inside the temp root.
  `SKIPPED` below lists the commands that are not run here and why; any other command fails the
  test, so a new step has to be taught here.
- `CMD` runs with the Dockerfile's `ENV` and nothing else from this machine's environment (no
  PYTEST_* / NICEGUI_* variables, which NiceGUI reads as test mode), with `APP_HOST=127.0.0.1`
  and a free `APP_PORT`; then `/healthz`, `/readyz` and the `HEALTHCHECK` command must pass.

What this cannot show: that the image builds on `python:3.11-slim` (this machine's Python
stands in for it), and the file owners and permissions that the skipped commands set. Those are
checked by reading the Dockerfile.
"""

import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import httpx
import pytest

from chatkit_bridge.settings import Settings
from tests.app_process import app_environment, free_port, wait_until_healthy

# The first test here pays the replay: `pip install` into a fresh venv, minutes on a busy machine.
pytestmark = pytest.mark.timeout(900)

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# RUN commands that are read but not executed here, and why.
SKIPPED = {
    "groupadd": "creates a system group: needs root and would change this machine's /etc/group",
    "useradd": "creates a system user: needs root and would change this machine's /etc/passwd",
    "chown": "gives files to the image's user, who does not exist here (checked by reading)",
}
# RUN commands that run inside the temp root, with their absolute paths mapped into it.
MAPPED = {"mkdir", "chmod"}
PIP_INSTALL = (("pip", "install"), ("pip3", "install"), ("python", "-m", "pip", "install"))
# The environment a python:*-slim container starts with, besides the Dockerfile's ENV.
BASE_IMAGE_ENV = {"LANG": "C.UTF-8"}


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction with its continuation lines joined."""

    keyword: str
    args: str
    line: int


def parse_dockerfile(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions; drop comments, join `\\` continuations."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        keyword, _, args = " ".join(pending).partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip(), start))
        pending = []
    assert not pending, "the Dockerfile ends inside a line continuation"
    return instructions


def exec_form(args: str) -> list[str]:
    """Read a JSON (exec form) argument list; a shell-form string runs under /bin/sh -c."""
    if args.startswith("["):
        value = json.loads(args)
        assert isinstance(value, list) and all(isinstance(item, str) for item in value)
        return value
    return ["/bin/sh", "-c", args]


def parse_env(args: str) -> dict[str, str]:
    """Read `ENV a=1 b=2` (or the legacy `ENV a 1`)."""
    tokens = shlex.split(args)
    if "=" not in tokens[0]:
        return {tokens[0]: args.partition(" ")[2].strip()}
    return dict(token.split("=", 1) for token in tokens)


def parse_healthcheck(args: str) -> tuple[dict[str, str], list[str]]:
    """Split `HEALTHCHECK --opt=v ... CMD ...` into its options and its command."""
    options: dict[str, str] = {}
    rest = args
    while rest.startswith("--"):
        option, _, rest = rest.partition(" ")
        name, _, value = option[2:].partition("=")
        options[name] = value
        rest = rest.strip()
    keyword, _, command = rest.partition(" ")
    assert keyword.upper() == "CMD", f"HEALTHCHECK without CMD: {args!r}"
    return options, exec_form(command.strip())


def split_run(args: str) -> list[list[str]]:
    """Split a shell-form RUN into its `&&`-joined commands."""
    assert not args.startswith("["), "exec-form RUN is not replayed by this test"
    for operator in (";", "||", "|", "`", "$("):
        assert operator not in args.replace("&&", ""), f"RUN uses {operator!r}: {args!r}"
    return [shlex.split(part) for part in args.split("&&")]


def pip_install_args(argv: list[str]) -> list[str] | None:
    """Return what follows `pip install` in a command, or None if it installs nothing."""
    for prefix in PIP_INSTALL:
        if tuple(argv[: len(prefix)]) == prefix:
            return argv[len(prefix) :]
    return None


@dataclass(frozen=True)
class IgnoreRule:
    """One `.dockerignore` line, compiled."""

    pattern: str
    negated: bool
    regex: re.Pattern[str]


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a Docker ignore pattern (`*`, `?`, `[...]`, `**`) into a regex."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "[" and (end := pattern.find("]", index + 1)) != -1:
            body = pattern[index + 1 : end]
            if body.startswith(("!", "^")):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            index = end + 1
            continue
        if char == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        index += 1
    return re.compile("^" + "".join(out) + "$")


def read_dockerignore(text: str) -> list[IgnoreRule]:
    """Compile `.dockerignore` lines in order (the last matching rule wins)."""
    rules: list[IgnoreRule] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = posixpath.normpath(line.lstrip("!").strip().lstrip("/"))
        if pattern != ".":
            rules.append(IgnoreRule(pattern, negated, glob_regex(pattern)))
    return rules


def is_ignored(path: str, rules: list[IgnoreRule]) -> bool:
    """Tell whether Docker leaves `path` (relative, with /) out of the build context."""
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: length + 1]) for length in range(len(parts))]
    ignored = False
    for rule in rules:
        if any(rule.regex.match(candidate) for candidate in candidates):
            ignored = not rule.negated
    return ignored


def context_files(rules: list[IgnoreRule]) -> Iterator[str]:
    """Yield the files of this working tree that `docker build .` would send."""
    for folder, dirs, files in os.walk(ROOT):
        relative = Path(folder).relative_to(ROOT).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        dirs[:] = [
            name
            for name in sorted(dirs)
            if not is_ignored(prefix + name, rules)
            or any(rule.negated and rule.pattern.startswith(prefix + name + "/") for rule in rules)
        ]
        for name in sorted(files):
            if not is_ignored(prefix + name, rules):
                yield prefix + name


@dataclass
class Replay:
    """What replaying the Dockerfile produced: a temp root, a venv and the image's settings."""

    root: Path
    python: Path
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    volumes: list[str] = field(default_factory=list)
    exposed: list[int] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def host(self, image_path: str) -> Path:
        """Map a path inside the image to the temp root."""
        absolute = posixpath.join(self.workdir, image_path)
        return self.root / posixpath.normpath(absolute).lstrip("/")

    def mapped(self, value: str) -> str:
        """Map an absolute image path (an argument or an ENV value) into the temp root."""
        return str(self.host(value)) if value.startswith("/") else value

    def argv(self, command: list[str]) -> list[str]:
        """Run `python` as the venv's Python; other words are left as they are."""
        return [str(self.python) if command[0] == "python" else command[0], *command[1:]]

    def runtime_env(self, **overrides: str) -> dict[str, str]:
        """The container's environment: the image's ENV (paths mapped) and nothing inherited."""
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        env = {
            "PATH": f"{self.python.parent}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            **BASE_IMAGE_ENV,
        }
        env.update({name: self.mapped(value) for name, value in self.env.items()})
        env.update(overrides)
        return env


def replay(instructions: list[Instruction], root: Path) -> Replay:
    """Execute the Dockerfile's instructions into `root` as far as this machine allows."""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    image = Replay(root=root / "image", python=venv / "bin" / "python")
    rules = read_dockerignore(DOCKERIGNORE.read_text(encoding="utf-8"))
    for instruction in instructions:
        keyword, args = instruction.keyword, instruction.args
        if keyword == "WORKDIR":
            image.workdir = posixpath.join(image.workdir, args)
            image.host(".").mkdir(parents=True, exist_ok=True)
        elif keyword == "ENV":
            image.env.update(parse_env(args))
        elif keyword == "COPY":
            copy(image, args, rules)
        elif keyword == "RUN":
            for command in split_run(args):
                run(image, command)
        elif keyword == "USER":
            image.user = args
        elif keyword == "VOLUME":
            image.volumes += exec_form(args) if args.startswith("[") else args.split()
        elif keyword == "EXPOSE":
            image.exposed += [int(port.split("/")[0]) for port in args.split()]
        elif keyword == "HEALTHCHECK":
            image.healthcheck = parse_healthcheck(args)[1]
        elif keyword == "CMD":
            image.cmd = exec_form(args)
        else:
            assert keyword in {"FROM", "LABEL", "STOPSIGNAL", "ARG"}, f"unhandled {keyword}"
    return image


def copy(image: Replay, args: str, rules: list[IgnoreRule]) -> None:
    """Copy build-context files into the image, through `.dockerignore`."""
    words = exec_form(args) if args.startswith("[") else shlex.split(args)
    flags = [word for word in words if word.startswith("--")]
    assert not [flag for flag in flags if flag.startswith("--from")], "multi-stage COPY"
    *sources, destination = [word for word in words if not word.startswith("--")]
    target = image.host(destination)
    for source in sources:
        source = posixpath.normpath(source)
        if source == ".":
            files = list(context_files(rules))
            for relative in files:
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / relative, target / relative, follow_symlinks=False)
            image.ran.append(f"COPY {source} ({len(files)} files through .dockerignore)")
            continue
        assert not is_ignored(source, rules), f"COPY {source}: .dockerignore leaves it out"
        assert (ROOT / source).is_file(), f"COPY {source}: only files and . are replayed"
        into = target / Path(source).name if destination.endswith(("/", ".")) else target
        into.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / source, into)
        image.ran.append(f"COPY {source} {destination}")


def run(image: Replay, command: list[str]) -> None:
    """Run one RUN command the way this machine can, or record why it is skipped."""
    text = shlex.join(command)
    if (pip_args := pip_install_args(command)) is not None:
        # Keep pip's cache here: the image drops it to stay small, this test wants speed.
        pip_args = [arg for arg in pip_args if arg != "--no-cache-dir"]
        env = {**app_environment(), **image.env}
        result = subprocess.run(
            [str(image.python), "-m", "pip", "install", *pip_args],
            cwd=image.host("."),
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"{text} failed:\n{result.stdout[-3000:]}{result.stderr}"
        image.ran.append(f"{text}  (with the venv's pip, pip cache on)")
    elif command[0] in MAPPED:
        subprocess.run([command[0], *map(image.mapped, command[1:])], check=True)
        image.ran.append(f"{text}  (inside the temp root)")
    elif command[0] in SKIPPED:
        image.skipped.append(f"{text}  -- skipped: {SKIPPED[command[0]]}")
    else:
        pytest.fail(f"RUN {text!r}: this test does not know how to replay {command[0]!r}")


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    """The Dockerfile, parsed."""
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def image(instructions: list[Instruction], tmp_path_factory: pytest.TempPathFactory) -> Replay:
    """Replay the Dockerfile once for the module (slow: pip installs into a fresh venv)."""
    replayed = replay(instructions, tmp_path_factory.mktemp("docker"))
    print("\nReplayed:", *replayed.ran, "Not run here:", *replayed.skipped, sep="\n  ")
    return replayed


def keywords(instructions: list[Instruction]) -> list[str]:
    """The instruction keywords in order."""
    return [instruction.keyword for instruction in instructions]


def index_of(instructions: list[Instruction], keyword: str, args: str = "") -> int:
    """Position of the first instruction with this keyword whose arguments contain `args`."""
    for position, instruction in enumerate(instructions):
        if instruction.keyword == keyword and args in instruction.args:
            return position
    raise AssertionError(f"no {keyword} {args} in the Dockerfile")


def test_base_image_is_python_slim(instructions: list[Instruction]) -> None:
    """Build from one slim official Python image."""
    assert keywords(instructions).count("FROM") == 1
    base = instructions[index_of(instructions, "FROM")].args
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base


def test_requirements_are_installed_before_the_code_is_copied(
    instructions: list[Instruction],
) -> None:
    """Install dependencies in their own layer so code changes reuse it."""
    copy_requirements = index_of(instructions, "COPY", "requirements.txt")
    install = index_of(instructions, "RUN", "-r requirements.txt")
    copy_code = next(
        position
        for position, instruction in enumerate(instructions)
        if instruction.keyword == "COPY" and shlex.split(instruction.args)[0] == "."
    )
    assert copy_requirements < install < copy_code


def test_runs_as_a_user_who_owns_only_the_data_volume(instructions: list[Instruction]) -> None:
    """Switch to a non-root user before CMD; that user is created and owns the data folder."""
    users = [i for i in instructions if i.keyword == "USER"]
    assert users, "no USER: the app would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}
    assert index_of(instructions, "USER") < index_of(instructions, "CMD")
    assert index_of(instructions, "USER") > max(
        position for position, i in enumerate(instructions) if i.keyword in {"RUN", "COPY"}
    ), "RUN/COPY after USER would run as the app user"
    commands = [c for i in instructions if i.keyword == "RUN" for c in split_run(i.args)]
    created = [c for c in commands if c[0] == "useradd"]
    assert created and created[0][-1] == user, f"no `useradd ... {user}`"
    uid = created[0][created[0].index("--uid") + 1]
    assert int(uid) > 0
    data = parse_all_env(instructions)["DATA_STORE_PATH"]
    chowns = [c for c in commands if c[0] == "chown" and data in c]
    assert chowns and chowns[0][-2].split(":")[0] == user, f"{user} must own {data}"


def parse_all_env(instructions: list[Instruction]) -> dict[str, str]:
    """Every ENV of the Dockerfile merged."""
    env: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ENV":
            env.update(parse_env(instruction.args))
    return env


def test_data_lives_in_the_declared_volume(instructions: list[Instruction]) -> None:
    """Point DATA_STORE_PATH at /app/data and declare that folder a VOLUME."""
    volume = instructions[index_of(instructions, "VOLUME")].args
    assert "/app/data" in (exec_form(volume) if volume.startswith("[") else volume.split())
    assert parse_all_env(instructions)["DATA_STORE_PATH"] == "/app/data"


def test_exposes_the_default_port(instructions: list[Instruction]) -> None:
    """EXPOSE the port the app listens on when nothing is configured."""
    default_port = Settings.model_fields["app_port"].default
    exposed = instructions[index_of(instructions, "EXPOSE")].args.split()
    assert exposed == [str(default_port)]
    assert parse_all_env(instructions).get("APP_PORT", str(default_port)) == str(default_port)


def test_healthcheck_and_cmd_use_python_only(instructions: list[Instruction]) -> None:
    """Probe /healthz with Python's urllib (slim has no curl) and start with `python app.py`."""
    _, check = parse_healthcheck(instructions[index_of(instructions, "HEALTHCHECK")].args)
    assert check[:2] == ["python", "-c"] and "/healthz" in check[2] and "urllib" in check[2]
    assert exec_form(instructions[index_of(instructions, "CMD")].args) == ["python", "app.py"]


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        (".git/config", True),
        (".env", True),
        (".venv/bin/python", True),
        (".azure/dev/.env", True),
        ("data/.storage_secret", True),
        ("data/users/ab/todos.json", True),
        ("tests/test_store.py", True),
        ("bench/store.py", True),
        ("docs/DEPLOY.md", True),
        ("chatkit_bridge/__pycache__/store.cpython-311.pyc", True),
        (".pytest_cache/v/cache", True),
        ("infra/main.bicep", True),
        ("app.py", False),
        ("requirements.txt", False),
        ("chatkit_bridge/store.py", False),
        ("use_cases/todo/data.py", False),
        (".env.example", False),
    ],
)
def test_dockerignore_keeps_out_secrets_data_and_dev_files(path: str, ignored: bool) -> None:
    """Leave secrets, data, tests, docs and caches out of the build context; keep the code."""
    rules = read_dockerignore(DOCKERIGNORE.read_text(encoding="utf-8"))
    assert is_ignored(path, rules) is ignored


def test_replay_skips_only_the_root_only_steps(image: Replay) -> None:
    """Run every RUN step except the user and ownership commands listed in SKIPPED."""
    assert image.skipped, "expected the useradd/chown steps to be listed as skipped"
    assert all(line.split()[0] in SKIPPED for line in image.skipped)
    assert image.host("/app/data").is_dir(), "the data folder is made in a RUN step"
    assert image.host("/app/app.py").is_file() and not image.host("/app/tests").exists()


@contextmanager
def container(image: Replay, **overrides: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Start the image's CMD in its WORKDIR; yield the base URL and the environment."""
    port = free_port()
    env = image.runtime_env(APP_HOST="127.0.0.1", APP_PORT=str(port), **overrides)
    log_path = image.root.parent / f"container-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            image.argv(image.cmd),
            cwd=image.host("."),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_healthy(base_url, process)
            except RuntimeError as error:
                pytest.fail(f"{error}\n{log_path.read_text(encoding='utf-8')[-4000:]}")
            yield base_url, env
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def tree(folder: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under `folder`, leaving out `skip`."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() and skip not in path.parents
    }


def run_healthcheck(image: Replay, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the HEALTHCHECK command as Docker would inside the container."""
    return subprocess.run(
        image.argv(image.healthcheck), env=env, capture_output=True, text=True, timeout=30
    )


def add_todo(client: httpx.Client, text: str) -> None:
    """Ask the assistant (offline model) to add a todo over `POST /chatkit`."""
    body = {
        "type": "threads.create",
        "params": {
            "input": {
                "content": [{"type": "input_text", "text": text}],
                "attachments": [],
                "inference_options": {},
            }
        },
    }
    response = client.post("/chatkit", json=body)
    assert response.status_code == 200, response.text


def test_cmd_serves_with_no_configuration(image: Replay) -> None:
    """Start with only the image's ENV: offline model, data and secret in the volume only."""
    data = image.host(image.env["DATA_STORE_PATH"])
    app_dir = image.host(".")
    before = tree(app_dir, data)
    with container(image) as (base_url, env), httpx.Client(base_url=base_url, timeout=30) as user:
        assert user.get("/healthz").status_code == 200
        ready = user.get("/readyz")
        assert ready.status_code == 200, ready.text
        add_todo(user, "add buy milk")
        titles = [todo["title"] for todo in user.get("/api/todos").json()["todos"]]
        assert any("milk" in title for title in titles), titles
        check = run_healthcheck(image, env)
        assert check.returncode == 0, f"HEALTHCHECK fails against a healthy app: {check.stderr}"
    down = run_healthcheck(image, {**env, "APP_PORT": str(free_port())})
    assert down.returncode != 0, "the HEALTHCHECK command passes with nothing listening"
    # The app user owns only the data folder: the app must not write anywhere else.
    assert tree(app_dir, data) == before
    files = [path for path in data.rglob("*") if path.is_file()]
    assert (data / ".storage_secret").is_file(), "the generated secret belongs in the volume"
    loose = [f"{p.relative_to(data)} {p.stat().st_mode & 0o777:o}" for p in files]
    assert all(p.stat().st_mode & 0o077 == 0 for p in files), loose


def test_cmd_serves_with_the_azure_settings(image: Replay, tmp_path: Path) -> None:
    """Start with the variables infra/ sets on Azure (the endpoint is never called here)."""
    settings = {
        # A closed local port: starting must not need Azure; no chat request is sent.
        "AZURE_OPENAI_ENDPOINT": f"http://127.0.0.1:{free_port()}/",
        "AZURE_OPENAI_DEPLOYMENT": "gpt-4o",
        "AZURE_OPENAI_API_VERSION": "2025-01-01-preview",
        "LLM_PROVIDER": "azure",
        "AUTH_MODE": "easyauth",
        "STORAGE_SECRET": "a-secret-from-container-apps-32-chars-or-more",
        "DATA_STORE_PATH": str(tmp_path / "share"),
    }
    with container(image, **settings) as (base_url, _):
        assert httpx.get(f"{base_url}/healthz", timeout=10).status_code == 200
        ready = httpx.get(f"{base_url}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert "Azure" in ready.json().get("model", ""), ready.text
    assert not (tmp_path / "share" / ".storage_secret").exists(), "STORAGE_SECRET was ignored"
