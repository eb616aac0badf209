"""The seam as drawn: who may import whom, read from the source files (no module is imported).

The front ends (the CLI in ``tformance/*.py``, the app in ``tui/``) reach the engine through the
workspace facade and a few shared modules, listed once in ``FRONT_END_MAY_IMPORT``. The engine
(``core/``) never imports a front end, Textual or a fake; the demo is wired in ``fakes/demo.py``
and chosen in one place, ``tformance/wiring.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Checkout directory -> installed package (pyproject's package-dir).
PACKAGES = {"tformance": "tformance", "core": "tformance.core", "fakes": "tformance.fakes", "tui": "tformance.tui"}

# The seam: the only core modules a front end imports.
FRONT_END_MAY_IMPORT = frozenset(
    {
        "tformance.core.workspace",  # the facade: Workspace, Services and the types its methods use
        "tformance.core.events",  # progress events, for the front ends' sinks
        "tformance.core.errors",  # what can go wrong, to say it in one line
        "tformance.core.settings",  # read once at start-up, passed in
        "tformance.core.metrics.types",  # the report's types (ReportFilter, TeamReport, PRRow, ...)
        "tformance.core.reports.figures",  # numbers, shares and durations in words, shared by every output
        "tformance.core.reports.wording",  # the report's sentences, shared by every output
        "tformance.core.paths",  # where the files are
        "tformance.core.logs",  # logging set up by the command line
        "tformance.core.safe_text",  # terminal-safe text from GitHub
    }
)
# The one front-end module that chooses the demo or production (and so may import the fakes).
DEMO_CHOICE = "tformance.wiring"
CLI_MODULES = frozenset(f"tformance.{path.stem}" for path in (ROOT / "tformance").glob("*.py"))


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = [PACKAGES[relative.parts[0]], *relative.parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(directory: str) -> list[Path]:
    return sorted(path for path in (ROOT / directory).rglob("*.py") if "__pycache__" not in path.parts)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports (top level, in functions, under TYPE_CHECKING), as absolute names.

    ``from package import name`` yields ``package.name`` when that is a module of ours, else ``package``.
    """
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node.lineno, candidate if _is_our_module(candidate) else base


def _is_our_module(name: str) -> bool:
    parts = name.split(".")
    if parts[0] != "tformance":
        return False
    directory = {package: folder for folder, package in PACKAGES.items()}
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in directory:
            path = ROOT / directory[prefix] / Path(*parts[length:])
            return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()
    return False


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(directory: str, is_forbidden) -> list[str]:
    found: dict[str, None] = {}  # in order, once per line and module
    for path in sources(directory):
        for line, name in imports(path):
            if is_forbidden(module_name(path), name):
                found[f"{path.relative_to(ROOT)}:{line} imports {name}"] = None
    return list(found)


def test_the_contract_reads_real_imports() -> None:
    """The reader itself: relative imports resolve, names imported from a package resolve to modules."""
    cli = dict((name, line) for line, name in imports(ROOT / "tformance" / "sync_command.py"))
    assert "tformance.cli" in cli and "tformance.core.workspace" in cli
    assert {name for _, name in imports(ROOT / "tformance" / "config_command.py")} >= {"tformance.core.paths"}
    assert module_name(ROOT / "core" / "workspace" / "__init__.py") == "tformance.core.workspace"


def test_the_engine_imports_no_front_end_textual_or_fake() -> None:
    def forbidden(_module: str, name: str) -> bool:
        return (
            _within(name, "textual")
            or _within(name, "tformance.tui")
            or _within(name, "tformance.fakes")
            or name in CLI_MODULES
        )

    assert violations("core", forbidden) == []


def test_the_command_line_imports_only_the_seam() -> None:
    def forbidden(module: str, name: str) -> bool:
        if _within(name, "tformance.fakes"):
            return module != DEMO_CHOICE
        return _within(name, "tformance.core") and name not in FRONT_END_MAY_IMPORT and name != "tformance.core"

    assert violations("tformance", forbidden) == []


def test_the_app_imports_only_the_seam() -> None:
    def forbidden(_module: str, name: str) -> bool:
        if _within(name, "tformance.fakes"):
            return True  # the app is handed its services: the demo is chosen before it starts
        return _within(name, "tformance.core") and name not in FRONT_END_MAY_IMPORT and name != "tformance.core"

    assert violations("tui", forbidden) == []


def test_the_fakes_stand_below_the_front_ends() -> None:
    """Fakes may import the engine (the demo wiring builds ``Services``), never a front end."""

    def forbidden(_module: str, name: str) -> bool:
        return _within(name, "textual") or _within(name, "tformance.tui") or name in CLI_MODULES

    assert violations("fakes", forbidden) == []
