"""The wheel installs into a fresh venv and runs from outside the checkout (slow: builds, installs, runs).

Run with ``pytest -m slow tests/test_install.py``. The work is ``benchmarks/install_check.py``'s
``run_checks``; this test only asserts that every check passed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "install_check.py"


def load_install_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("install_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    install_check = load_install_check()
    lines: list[str] = []
    checks = install_check.run_checks(tmp_path, lambda check: lines.append(check.line()))
    names = [check.name for check in checks]
    failed = [check.line() for check in checks if not check.ok]
    assert not failed, "\n".join(lines)
    for name in ("wheel", "install", "command", "screenshot", "location", "icons", "presets", "example CSVs"):
        assert name in names, "\n".join(lines)
