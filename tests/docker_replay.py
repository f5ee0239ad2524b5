"""Replay the Dockerfile without Docker: parse it, "build" it into a temp root, run its CMD.

No Docker engine runs here, so this test reads the Dockerfile instead of repeating its steps:

- dockerfile-parse reads the instructions and docker-py's `PatternMatcher` applies
  `.dockerignore`, so neither syntax is parsed by hand here.
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
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from docker.utils.build import PatternMatcher
from dockerfile_parse import DockerfileParser

from tests.app_process import app_environment

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


class Instruction(NamedTuple):
    """One Dockerfile instruction as dockerfile-parse reads it (continuation lines joined)."""

    keyword: str
    args: str
    line: int
    env: dict[str, str]  # every ENV in effect after this instruction


def parse_dockerfile(path: Path) -> list[Instruction]:
    """Read a Dockerfile's instructions in order, without its comments."""
    parser = DockerfileParser(path=str(path))
    return [
        Instruction(entry["instruction"], entry["value"], entry["startline"] + 1, context.envs)
        for entry, context in zip(parser.structure, parser.context_structure, strict=True)
        if entry["instruction"] != "COMMENT"
    ]


def exec_form(args: str) -> list[str]:
    """Read a JSON (exec form) argument list; a shell-form string runs under /bin/sh -c."""
    if args.startswith("["):
        value = json.loads(args)
        assert isinstance(value, list) and all(isinstance(item, str) for item in value)
        return value
    return ["/bin/sh", "-c", args]


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


def read_dockerignore() -> PatternMatcher:
    """Compile `.dockerignore` as docker-py's build does (blank lines and comments dropped)."""
    lines = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    return PatternMatcher([line for line in lines if line and not line.startswith("#")])


def context_files(rules: PatternMatcher) -> list[str]:
    """List the files of this working tree that `docker build .` would send."""
    return sorted(path for path in rules.walk(str(ROOT)) if (ROOT / path).is_file())


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
    rules = read_dockerignore()
    for instruction in instructions:
        keyword, args = instruction.keyword, instruction.args
        if keyword == "WORKDIR":
            image.workdir = posixpath.join(image.workdir, args)
            image.host(".").mkdir(parents=True, exist_ok=True)
        elif keyword == "ENV":
            image.env = dict(instruction.env)
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


def copy(image: Replay, args: str, rules: PatternMatcher) -> None:
    """Copy build-context files into the image, through `.dockerignore`."""
    words = exec_form(args) if args.startswith("[") else shlex.split(args)
    flags = [word for word in words if word.startswith("--")]
    assert not [flag for flag in flags if flag.startswith("--from")], "multi-stage COPY"
    *sources, destination = [word for word in words if not word.startswith("--")]
    target = image.host(destination)
    for source in sources:
        source = posixpath.normpath(source)
        if source == ".":
            files = context_files(rules)
            for relative in files:
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / relative, target / relative, follow_symlinks=False)
            image.ran.append(f"COPY {source} ({len(files)} files through .dockerignore)")
            continue
        assert not rules.matches(source), f"COPY {source}: .dockerignore leaves it out"
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
