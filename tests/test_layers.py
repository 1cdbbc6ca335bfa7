"""The house's rules, read from the source: data flows one way, only ui/ imports streamlit, nothing
imports the developer tools, the app uses only the public API.

Imports are read with ``ast`` (every ``import`` statement, also inside functions and under
``TYPE_CHECKING``), so a late import cannot hide a cycle.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "posecheck"

#: The layers, lowest first (docs/ARCHITECTURE.md draws them). A module may import modules of its
#: own layer or below; a module not listed here fails the test until it is given a layer.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"types", "errors", "geometry", "names", "wording"}),
    frozenset(
        {
            "images",
            "bands",
            "video",
            "models",
            "tflite_metadata",
            "estimator",
            "samples",
            "pictures",
        }
    ),
    frozenset({"views", "roll", "calibration", "clothing"}),
    frozenset({"measures"}),
    frozenset({"capture"}),
    frozenset({"findings"}),
    frozenset({"exercises"}),
    frozenset({"analysis"}),
    frozenset({"combine", "live"}),
    frozenset({"report", "draw", "draw_live", "bodymap", "pdf", "store"}),
    frozenset({"batch", "cluster"}),
    frozenset({"cli"}),
    frozenset({"ui"}),
    frozenset({"dev"}),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _modules() -> Iterator[tuple[str, Path]]:
    """(dotted name, path) of every module in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


@functools.cache
def _tree(path: Path) -> ast.Module:
    """The file's syntax tree, parsed once per test process (every test here reads every module)."""
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.cache
def _imports(path: Path, module: str) -> frozenset[str]:
    """Every module the file imports, as dotted names (relative imports resolved)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from posecheck import measures` imports a module, not a name
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def _part(module: str) -> str | None:
    """The layer part a posecheck module belongs to (``posecheck.live.trackers`` -> ``live``)."""
    parts = module.split(".")
    if parts[0] != "posecheck" or len(parts) < 2:
        return None
    return parts[1]


def _internal_edges() -> dict[str, set[str]]:
    modules = dict(_modules())
    edges: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {name for name in _imports(path, module) if name in modules}
        edges[module] = targets - {module}
    return edges


def test_every_module_has_a_layer() -> None:
    parts = {_part(module) for module, _ in _modules()} - {None}
    assert parts <= RANK.keys(), f"give these a layer in LAYERS: {sorted(parts - RANK.keys())}"


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
def test_data_flows_one_way() -> None:
    wrong = []
    for module, targets in _internal_edges().items():
        part = _part(module)
        if part is None:
            continue
        for target in targets:
            target_part = _part(target)
            if target_part is not None and RANK[target_part] > RANK[part]:
                wrong.append(f"{module} imports {target} (a later layer)")
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
def test_no_import_cycles() -> None:
    edges = _internal_edges()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            cycle = " -> ".join((*path[path.index(module) :], module))
            pytest.fail(f"import cycle: {cycle}")
        if module in done:
            return
        for target in sorted(edges.get(module, ())):
            if target != "posecheck":  # the package's own __init__ is checked below
                visit(target, (*path, module))
        done.add(module)

    for module in sorted(edges):
        visit(module, ())


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_only_the_entry_points_import_the_public_package() -> None:
    """Inside posecheck, modules import each other; ``from posecheck import`` is for users."""
    users = {"ui", "dev"}
    wrong = [
        module
        for module, path in _modules()
        if module != "posecheck"
        and _part(module) not in users
        and any(name == "posecheck" for name in _imports_from_package_root(path))
    ]
    assert not wrong, f"these import the package root: {wrong}"


def _imports_from_package_root(path: Path) -> list[str]:
    return [
        node.module or ""
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ImportFrom) and node.module == "posecheck" and not node.level
    ]


def _third_party(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imports(path, "x.y")}


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("library", ["streamlit", "streamlit_webrtc", "av"])
def test_only_ui_imports_the_web_libraries(library: str) -> None:
    # and PyAV by the video module's H.264 writer too (OpenCV's own writer has no H.264)
    allowed = {"ui", "video"} if library == "av" else {"ui"}
    wrong = [
        module
        for module, path in _modules()
        if _part(module) not in allowed and library in _third_party(path)
    ]
    assert not wrong, f"{library} is imported outside {sorted(allowed)}: {wrong}"


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_nothing_imports_the_developer_tools() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in _internal_edges().items()
        if _part(module) != "dev"
        for target in targets
        if _part(target) == "dev"
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_runtime_does_not_import_matplotlib() -> None:
    wrong = [
        module
        for module, path in _modules()
        if _part(module) != "dev" and "matplotlib" in _third_party(path)
    ]
    assert not wrong, f"matplotlib is for the developer tools only: {wrong}"


def test_the_app_uses_only_the_public_api() -> None:
    """app.py and posecheck/ui import posecheck's public names, never its internal modules."""
    files = [ROOT / "app.py", *sorted((PACKAGE / "ui").rglob("*.py"))]
    wrong = []
    for path in files:
        for node in ast.walk(_tree(path)):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.startswith("posecheck.") and not module.startswith("posecheck.ui"):
                wrong.append(f"{path.relative_to(ROOT)}: from {module} import ...")
            if isinstance(node, ast.Import):
                wrong += [
                    f"{path.relative_to(ROOT)}: import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("posecheck.")
                    and not alias.name.startswith("posecheck.ui")
                ]
    assert not wrong, "\n".join(wrong)
