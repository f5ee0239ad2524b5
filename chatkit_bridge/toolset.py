"""A use case's tools, each built by one small function; tool names come from those functions."""

from collections.abc import Callable
from typing import Generic, TypeVar

from agents import FunctionTool

Deps = TypeVar("Deps")
ToolMaker = Callable[[Deps], FunctionTool]


class Toolset(Generic[Deps]):
    """Collect tool makers (`def add_todos(deps) -> FunctionTool`) and build the tools.

    A maker's function name is its tool's name, so the names the offline rules and the tests use
    come from the tools themselves rather than from lists kept by hand.
    """

    def __init__(self) -> None:
        self._makers: dict[str, ToolMaker[Deps]] = {}
        self._read_only: set[str] = set()

    def tool(
        self, maker: ToolMaker[Deps] | None = None, *, read_only: bool = False
    ) -> ToolMaker[Deps] | Callable[[ToolMaker[Deps]], ToolMaker[Deps]]:
        """Register a tool maker: `@tools.tool` or `@tools.tool(read_only=True)`."""

        def register(maker: ToolMaker[Deps]) -> ToolMaker[Deps]:
            self._makers[maker.__name__] = maker
            if read_only:
                self._read_only.add(maker.__name__)
            return maker

        return register if maker is None else register(maker)

    @property
    def names(self) -> tuple[str, ...]:
        """Return every tool's name, in registration order."""
        return tuple(self._makers)

    @property
    def changing(self) -> frozenset[str]:
        """Return the names of the tools that change the user's data."""
        return frozenset(self._makers) - self._read_only

    def build(self, deps: Deps) -> list[FunctionTool]:
        """Build every tool over the shared dependencies."""
        tools = [maker(deps) for maker in self._makers.values()]
        for name, tool in zip(self._makers, tools, strict=True):
            if tool.name != name:
                raise ValueError(f"tool maker {name}() built a tool named {tool.name!r}")
        return tools
