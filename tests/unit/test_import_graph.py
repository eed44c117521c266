"""No import cycle in ``api/`` or ``taxonomy/`` (issue 13), counting every import a module makes,
at its top or inside a function, so a cycle hidden behind a late import is found too."""

from __future__ import annotations

import ast
from pathlib import Path

from api.settings import PROJECT_ROOT

PACKAGES = ("api", "taxonomy")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports (``from x import y`` counts ``x.y`` when that is a module)."""
    files = {
        _module_name(path): path for package in PACKAGES for path in (PROJECT_ROOT / package).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                    ).strip(".")
                edges.update(
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                    for alias in node.names
                )
        graph[name] = {edge for edge in edges if edge in files and edge != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of module names, or None (a depth-first search)."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        if name in stack:
            return [*stack[stack.index(name) :], name]
        if name in done:
            return None
        stack.append(name)
        for target in sorted(graph[name]):
            if cycle := visit(target):
                return cycle
        stack.pop()
        done.add(name)
        return None

    for name in sorted(graph):
        if cycle := visit(name):
            return cycle
    return None


def test_there_is_no_import_cycle() -> None:
    graph = import_graph()
    assert "api.cli.local" in graph["api.cli.backend"], "the graph sees imports inside functions"
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_the_search_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
