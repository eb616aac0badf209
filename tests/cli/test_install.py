"""Installing as a tool: the wheel built from a checkout runs `tformance sync --demo` on its own.

The wheel is built offline (``--no-build-isolation``: the dev extra installs the build backend)
from a copy of the checkout, installed into a directory of its own, and run from there, so a
module or data file left out of the package fails here rather than after `pipx install .`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "core", "fakes", "tui", "tformance")


def _backend_missing() -> str | None:
    """Why the build backend cannot run offline here, or None when it can."""
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    for text in wanted:
        requirement = Requirement(text)
        if importlib.util.find_spec(requirement.name) is None:
            return f"{requirement.name} is not installed (pip install -e '.[dev]')"
        from importlib.metadata import version

        if Version(version(requirement.name)) not in requirement.specifier:
            return f"the build needs {text}, this environment has {version(requirement.name)}"
    return None


def test_the_built_wheel_installs_and_syncs_the_demo(tmp_path: Path) -> None:
    reason = _backend_missing()
    if reason:
        pytest.skip(f"cannot build the wheel offline: {reason}")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, checkout / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels), str(checkout)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("tformance-*.whl")

    installed = tmp_path / "installed"
    install = subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(installed), str(wheel)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    # The dependencies come from this environment; tformance itself only from the installed copy.
    env = {**os.environ, "PYTHONPATH": str(installed), "PYTHONSAFEPATH": "1"}
    probe = "import json, tformance, tformance.tui.app as app; print(json.dumps([tformance.__file__, app.__file__]))"
    where = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert all(Path(path).is_relative_to(installed) for path in json.loads(where.stdout)), where.stderr
    assert (installed / "tformance" / "tui" / "app.tcss").exists()

    script = installed / "bin" / "tformance"
    database = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, str(script), "sync", "--demo", "--db", str(database), "--no-llm"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "acme-robotics/fleet-console" in result.stdout and "synced" in result.stdout
    report = subprocess.run(
        [sys.executable, str(script), "report", "--db", str(database), "--format", "json"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert json.loads(report.stdout)["total_prs"] > 600
