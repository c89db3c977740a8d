"""The house rules of the package layout, read from the code's own imports.

Each package may import only the floors below it (see the README's architecture section): the
read model serves the API, the web pages and the CLI alike and knows none of them; the API and
the web pages never import each other; nothing imports in a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import geokg

SRC = Path(geokg.__file__).parent

#: What each package may import (besides itself). Top-level modules (app, cli, linked_data,
#: checks) sit above all packages; errors, settings and resources sit below them.
ALLOWED = {
    "model": {"errors", "resources", "settings"},
    "store": {"errors", "settings", "model"},
    "validate": {"errors", "resources", "settings", "model", "store"},
    "load": {"errors", "resources", "settings", "model", "store", "validate", "index"},
    "index": {"errors", "resources", "settings", "model", "store"},
    "read": {"errors", "resources", "settings", "model", "store", "index"},
    "ingest": {"errors", "resources", "settings", "model"},
    "annotate": {"errors", "resources", "settings", "model"},
    "api": {"errors", "resources", "settings", "model", "store", "validate", "load", "read", "index"},
    "web": {"errors", "resources", "settings", "model", "store", "read", "index"},
    "release": {"errors", "resources", "settings", "model", "store", "validate", "load", "read", "index"},
}
LOW = {"errors": set(), "settings": {"model"}, "resources": {"settings"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, runtime_only: bool) -> set[str]:
    """The geokg modules a file imports (``from geokg.x import y`` counts as geokg.x.y when that is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:  # imports under `if TYPE_CHECKING:` never run
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
                skipped |= {id(n) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("geokg")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geokg") and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if (SRC.parent / sub.replace(".", "/")).with_suffix(".py").exists()
                          or (SRC.parent / sub.replace(".", "/") / "__init__.py").exists() else node.module)
    return found


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def floor(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "geokg"


def test_enough_modules_are_read() -> None:
    assert len(MODULES) > 50


def test_every_package_imports_only_the_floors_below_it() -> None:
    broken = []
    for module, path in MODULES.items():
        own = floor(module)
        allowed = ALLOWED.get(own, LOW.get(own))
        if allowed is None:
            continue  # a top-level module above every package (app, cli, linked_data, checks)
        for target in imports(path, runtime_only=False):
            if floor(target) not in allowed | {own, "geokg"} or target == "geokg.app":
                broken.append(f"{module} imports {target}")
    assert not broken, "\n".join(broken)


def test_api_and_web_never_import_each_other_and_read_imports_neither() -> None:
    pairs = [(m, t) for m, p in MODULES.items() for t in imports(p, runtime_only=False)]
    assert not [(m, t) for m, t in pairs if floor(m) == "api" and floor(t) == "web"]
    assert not [(m, t) for m, t in pairs if floor(m) == "web" and floor(t) == "api"]
    assert not [(m, t) for m, t in pairs if floor(m) == "read" and floor(t) in ("api", "web")]


def test_no_module_imports_in_a_circle() -> None:
    graph = {m: {t for t in imports(p, runtime_only=True) if t in MODULES and t != m} for m, p in MODULES.items()}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for start in sorted(graph):
        if start not in seen:
            visit(start, [start])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)
