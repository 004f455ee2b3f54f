"""Imports point down the layers (README "Layout", DESIGN.md "Layers"), and never in a circle.

Every ``import``/``from ... import`` in ``alkannot/**/*.py`` counts, also those inside functions
(lazy imports are still dependencies). A module may import its own layer or any layer below;
inside the middle layer, a reader never imports a writer, and the decision modules (which know
the catalogue and nothing of file formats) import neither readers nor writers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "alkannot"

#: top to bottom; a module belongs to the first group with a matching prefix (longest first)
LAYERS = [
    ("cli", ["alkannot.cli", "alkannot.__main__"]),
    ("api", ["alkannot.api", "alkannot.batch", "alkannot.patient", "alkannot.versions",
             "alkannot.knowledge", "alkannot.redecide"]),
    ("stages", ["alkannot.timepoint", "alkannot.reads.integrate"]),
    ("decision", ["alkannot.annotate", "alkannot.drugs", "alkannot.catalogue",
                  "alkannot.copynumber", "alkannot.fusion", "alkannot.baseline", "alkannot.lines",
                  "alkannot.sample_identity"]),
    ("readers", ["alkannot.io", "alkannot.reads"]),
    ("writers", ["alkannot.report", "alkannot.exchange"]),
    ("sequence", ["alkannot.consequence", "alkannot.hgvs", "alkannot.genome", "alkannot.request"]),
    ("base", ["alkannot.models", "alkannot.frames", "alkannot.errors", "alkannot.resources", "alkannot.cache",
              "alkannot.outdir", "alkannot.checksums", "alkannot.bounds", "alkannot"]),
]  # fmt: skip
#: decision, readers and writers are one layer, side by side
RANK = {"cli": 5, "api": 4, "stages": 3, "decision": 2, "readers": 2, "writers": 2}
RANK |= {"sequence": 1, "base": 0}
#: imports between the side-by-side groups that are not allowed
FORBIDDEN = {("readers", "writers"), ("decision", "readers"), ("decision", "writers")}
#: the one exception, and why: the catalogue's YAML is read behind the readers' alias-bomb guard
ALLOWED = {("alkannot.catalogue", "alkannot.io.yaml_limits")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def group(module: str) -> str | None:
    """The module's group: the longest matching prefix (the package ``alkannot`` only itself)."""
    matches = [
        (prefix, name) for name, prefixes in LAYERS for prefix in prefixes
        if module == prefix or (prefix != "alkannot" and module.startswith(prefix + "."))
    ]  # fmt: skip
    return max(matches, key=lambda t: len(t[0]))[1] if matches else None


def imports(module: str) -> set[str]:
    """The alkannot modules ``module`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "alkannot"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if base.split(".")[0] != "alkannot":
                continue
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES}
    return (out & set(MODULES)) - {module}


GRAPH = {m: imports(m) for m in MODULES}


def violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(graph.items()):
        g = group(module)
        if g is None:
            continue  # reported by the test that every module has a layer
        for target in sorted(targets):
            t = group(target)
            if t is None or (module, target) in ALLOWED:
                continue
            if RANK[t] > RANK[g] or (g, t) in FORBIDDEN:
                out.append(f"{module} ({g}) imports {target} ({t})")
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each circle of imports once (depth-first search over the graph)."""
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "active"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "active":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_every_module_has_a_layer_and_the_walk_sees_the_package():
    assert len(MODULES) > 60  # alkannot/**/*.py; a broken walk would see none
    unplaced = [m for m in MODULES if group(m) is None]
    assert not unplaced, f"add these modules to LAYERS in tests/test_layers.py: {unplaced}"
    assert {group(m) for m in MODULES} == set(RANK)
    assert sum(len(t) for t in GRAPH.values()) > 200  # imports between alkannot modules


def test_no_module_imports_a_layer_above_it():
    assert violations(GRAPH) == []


def test_no_circle_of_imports():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize(
    ("edge", "expected"),
    [
        # the three upward imports issue 19 named, and the genome circle
        (("alkannot.io.samplesheet", "alkannot.api"), "io.samplesheet (readers) imports"),
        (("alkannot.io.results", "alkannot.report.json"), "(readers) imports alkannot.report"),
        (("alkannot.annotate", "alkannot.io.annotations"), "(decision) imports alkannot.io"),
        (("alkannot.models", "alkannot.genome.build"), "models (base) imports"),
    ],
)
def test_the_check_fails_on_an_upward_import(edge, expected):
    graph = {m: set(t) for m, t in GRAPH.items()}
    graph[edge[0]].add(edge[1])
    assert any(expected in v for v in violations(graph))


def test_the_check_finds_a_circle():
    graph = {m: set(t) for m, t in GRAPH.items()}
    graph["alkannot.genome.build"].add("alkannot.genome.codons")  # codons imports build
    assert ["alkannot.genome.build", "alkannot.genome.codons", "alkannot.genome.build"] in [
        c[-3:] for c in cycles(graph)
    ]
