"""The floors of the README's design section hold: imports point down, and never in a circle.

The test reads the `<!-- floors -->` block of README.md (top floor first), places every
module of `ticketbench/` on the floor of its longest matching entry, parses each module's
imports with `ast`, and fails on a module that stands on no floor, on an import of a higher
floor, and on an import circle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "ticketbench"


def floors() -> list[list[str]]:
    """Entries of each floor, bottom floor first (paths relative to ticketbench/)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- floors -->\s*```text\n(.*?)```", text, re.S)
    assert block, "README.md has no <!-- floors --> block"
    out = []
    for line in block.group(1).splitlines():
        if line.strip():
            names = re.split(r"\s{2,}", line.strip())[0]
            out.append([n.strip() for n in names.split("·")])
    return out[::-1]


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def floor_of(path: Path, table: list[list[str]]) -> int | None:
    rel = path.relative_to(PKG).as_posix()
    best: tuple[int, int] | None = None  # (match length, floor)
    for level, entries in enumerate(table):
        for entry in entries:
            hit = rel.startswith(entry) if entry.endswith("/") else rel == entry
            if hit and (best is None or len(entry) > best[0]):
                best = (len(entry), level)
    return None if best is None else best[1]


def imports(path: Path, known: set[str]) -> set[str]:
    """The package modules a file imports (a submodule when one is named, else the package)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module not in known:
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in known else node.module)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(path, known) - {name} for name, path in mods.items()}


def test_every_module_stands_on_a_floor() -> None:
    table = floors()
    homeless = [m for m, p in modules().items() if floor_of(p, table) is None]
    assert not homeless, f"modules on no floor of the README: {homeless}"


def test_imports_point_down() -> None:
    table = floors()
    mods = modules()
    level = {m: floor_of(p, table) for m, p in mods.items()}
    upward = [
        f"{a} (floor {level[a]}) -> {b} (floor {level[b]})"
        for a, targets in graph().items()
        for b in sorted(targets)
        if (level[a] or 0) < (level[b] or 0)
    ]
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_no_import_circles() -> None:
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_the_import_parser_reads_real_imports() -> None:
    """The parser finds the package's imports (a parser that read nothing would pass the
    floor and circle tests vacuously)."""
    g = graph()
    assert "ticketbench.env.state" in g["ticketbench.env.orders.booking"]
    assert sum(len(v) for v in g.values()) > 200
