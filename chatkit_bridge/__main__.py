"""Command line of the bridge: `python -m chatkit_bridge new NAME` scaffolds a use case."""

import argparse
import sys
from pathlib import Path

from chatkit_bridge.scaffold import ScaffoldError, create, next_steps


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m chatkit_bridge")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create use_cases/NAME/: an assistant that runs at once")
    new.add_argument("name", help="lowercase letters, digits and _, e.g. help_desk")
    args = parser.parse_args(argv)
    project = Path.cwd()
    try:
        made = create(args.name, project)
    except ScaffoldError as error:
        print(f"Cannot create the use case: {error}", file=sys.stderr)
        return 2
    print(f"Created use_cases/{args.name}/ ({len(made)} files). Next:\n")
    print("\n".join(f"  {line}" for line in next_steps(args.name).splitlines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
