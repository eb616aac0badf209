"""`core` must stay usable headless: importing all of it never pulls in Textual."""

import pkgutil
import subprocess
import sys

import tformance.core


def test_core_never_imports_textual():
    modules = [f"tformance.core.{info.name}" for info in pkgutil.walk_packages(tformance.core.__path__)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if m.startswith('textual'))\n"
        "print(len(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(modules) > 10
