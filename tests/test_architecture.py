"""The layout shows the pipeline (issue 27): packages by stage, imports one way down the stages, no
cycles, openai only under engines/llm/, argparse only in the CLI package (cli/), the reference
server outside the product. See docs/architecture.md.

Stages, in the order a paper flows: sources -> engines -> relate -> digest -> deliver; store and run
sit beside them (relate, digest and deliver may use them; they use only what comes before relate).
The shared top-level modules (models, errors, http, text, numbers, phrases, ...) import only each
other; the application layer may import everything: the Python API (api, steps) and the CLI
package (cli/), which the API never imports. The package root holds `__version__` and loads the
API lazily.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src"
APP = {"paperbrief", "paperbrief.api", "paperbrief.steps", "paperbrief.lab_config",
       "paperbrief.marks", "paperbrief.serve"}
CLI = "paperbrief.cli"
# what each stage may import besides itself and the shared modules
ALLOWED = {
    "sources": set(),
    "engines": set(),
    "store": set(),
    "run": {"sources", "engines", "store"},
    "relate": {"sources", "engines", "store", "run"},
    "digest": {"sources", "engines", "store", "run", "relate"},
    "deliver": {"sources", "engines", "store", "run", "relate", "digest"},
}
# lazy imports (inside a function) that close a cycle on purpose, each with its reason
KNOWN_LAZY_CYCLES = {
    # the sources package names its parsers; sources.live (imported on use) reads listings with them
    frozenset({"paperbrief.sources", "paperbrief.sources.live"}),
    # a profile's terms and its cache are loaded with the profile; they use its classes
    frozenset({
        "paperbrief.relate.interests", "paperbrief.relate.profile_terms",
        "paperbrief.relate.profile_cache",
    }),
}


MAX_MODULE_LINES = 600  # the project brief: no module past ~600 lines
# modules allowed past it for now, each with its reason
LONG_MODULES: set[str] = set()


def _modules(package: str) -> dict[str, Path]:
    out = {}
    for path in (SRC / package).rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """(imported module, eager?) of every import in the file, TYPE_CHECKING blocks left out."""
    out: list[tuple[str, bool]] = []

    def visit(node: ast.AST, eager: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, eager)
                continue
            if isinstance(child, ast.Import):
                out.extend((a.name, eager) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                for a in child.names:
                    full = f"{child.module}.{a.name}"
                    out.append((full if full in known else child.module, eager))
            lazy = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            visit(child, eager and not lazy)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return out


def _graph(package: str) -> dict[str, list[tuple[str, bool]]]:
    modules = _modules(package)
    known = set(modules)
    # `from paperbrief import __version__` names the root, not what it loads lazily (the API)
    return {
        name: [(m, eager) for m, eager in _imports(path, known)
               if m in known and m != name and m != package]
        for name, path in modules.items()
    }


def _stage(module: str) -> str:
    """The stage of a paperbrief module: a package name, 'shared' or 'app'."""
    if module in APP or module == CLI or module.startswith(CLI + "."):
        return "app"
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and (SRC / "paperbrief" / parts[1]).is_dir()):
        return parts[1]
    return "shared"


def test_every_module_belongs_to_a_known_stage():
    stages = {_stage(m) for m in _modules("paperbrief")}
    assert stages <= {"shared", "app", *ALLOWED}, sorted(stages - {"shared", "app", *ALLOWED})


def test_imports_go_one_way_down_the_stages():
    back_edges = []
    for module, imports in sorted(_graph("paperbrief").items()):
        stage = _stage(module)
        if stage == "app":
            continue
        for target, _ in imports:
            to = _stage(target)
            if to in ("shared", stage):
                continue
            if stage == "shared" or to == "app" or to not in ALLOWED[stage]:
                back_edges.append(f"{module} ({stage}) imports {target} ({to})")
    assert back_edges == []


def _cycles(graph: dict[str, list[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, []):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


@pytest.mark.parametrize("package", ["paperbrief", "paperbrief_refserver"])
def test_no_import_cycles(package):
    graph = _graph(package)
    eager = {m: [t for t, e in imports if e] for m, imports in graph.items()}
    assert _cycles(eager) == []
    every = {m: [t for t, _ in imports] for m, imports in graph.items()}
    unexpected = [c for c in _cycles(every) if frozenset(c) not in KNOWN_LAZY_CYCLES]
    assert unexpected == []


def _imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_engines_llm_imports_openai_and_only_the_cli_imports_argparse():
    offenders = []
    llm = SRC / "paperbrief" / "engines" / "llm"
    for path in sorted((SRC / "paperbrief").rglob("*.py")):
        names = _imported_names(path)
        name = path.relative_to(SRC).as_posix()
        if "openai" in names and llm not in path.parents:
            offenders.append(f"{name} imports openai")
        if "argparse" in names and not name.startswith("paperbrief/cli/"):
            offenders.append(f"{name} imports argparse")
    assert offenders == []


def test_only_the_cli_imports_the_cli():
    """The CLI sits on top: the library and the Python API never import it."""
    offenders = sorted(
        f"{module} imports {target}"
        for module, imports in _graph("paperbrief").items()
        if module != CLI and not module.startswith(CLI + ".")
        for target, _ in imports
        if target == CLI or target.startswith(CLI + ".")
    )
    assert offenders == []


def test_importing_paperbrief_imports_nothing_else():
    """`import paperbrief` is cheap: the API's names are loaded on first use."""
    code = ("import sys; before = set(sys.modules); import paperbrief; "
            "print(sorted(set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['paperbrief']"
    code = "import paperbrief, sys; paperbrief.digest; print('paperbrief.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_product_does_not_import_the_reference_server():
    offenders = [
        path.relative_to(SRC).as_posix()
        for path in sorted((SRC / "paperbrief").rglob("*.py"))
        if "paperbrief_refserver" in _imported_names(path)
    ]
    assert offenders == []
    assert not list((SRC / "paperbrief").glob("refserver*.py"))


def test_every_package_says_its_job_and_what_it_may_import():
    for init in sorted((SRC / "paperbrief").rglob("__init__.py")):
        if init.parent == SRC / "paperbrief":
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(SRC)} has no docstring"


def test_no_module_under_src_is_past_600_lines():
    lengths = {
        path.relative_to(SRC).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(SRC.rglob("*.py"))
    }
    assert len(lengths) > 50  # the walk found the code base
    too_long = {name: n for name, n in lengths.items()
                if n > MAX_MODULE_LINES and name not in LONG_MODULES}  # fmt: skip
    assert too_long == {}
    gone = LONG_MODULES - set(lengths)
    assert not gone, f"{sorted(gone)} no longer exist: take them out of LONG_MODULES"
