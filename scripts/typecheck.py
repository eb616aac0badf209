"""Strict mypy over the real package names, whatever the checkout's layout.

`core/`, `fakes/` and `tui/` install as `tformance.core`, `tformance.fakes` and `tformance.tui`
(pyproject's `package-dir`), a mapping mypy cannot follow. So this builds a tree of symlinks that
spells the installed names (`.typecheck/tformance/core -> ../../core`) and checks that: every import
resolves and every error names a real file under its installed name.

Run: ``python scripts/typecheck.py [extra mypy args]``. The settings live in pyproject's [tool.mypy].
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / ".typecheck"
MAPPED = {"core": "core", "fakes": "fakes", "tui": "tui"}  # installed name under tformance -> checkout dir


def build_tree() -> Path:
    package = TREE / "tformance"
    package.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry for entry in (ROOT / "tformance").iterdir() if entry.name != "__pycache__"}
    wanted.update({name: ROOT / source for name, source in MAPPED.items()})
    for link in package.iterdir():
        if link.name not in wanted:
            link.unlink()
    for name, target in wanted.items():
        link = package / name
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(target, package))
    return package


def main(argv: list[str]) -> int:
    package = build_tree()
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *argv, str(package)]
    env = {**os.environ, "MYPYPATH": str(TREE)}
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
