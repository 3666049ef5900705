"""Install check: build the wheel, install it into a fresh venv and run it from outside the checkout.

Run from the checkout: ``python benchmarks/install_check.py [--keep]`` (a few minutes: the fresh venv
installs NumPy, PySide6-Essentials and pyqtgraph from the package index). ``tests/test_install.py`` calls
``run_checks`` (marked slow: ``pytest -m slow tests/test_install.py``).

The checks, one summary line each:

1. the wheel builds (``python -m pip wheel . --no-deps``, on a copy of the checkout without build output
   or caches) and holds the resources (icons, example CSVs, preset sessions) under ``backpropviz/resources/``;
2. a fresh venv (``python -m venv``) and ``pip install`` of the wheel; its dependencies come from the index;
3. ``backpropviz --version`` and a short headless ``backpropviz train`` run, from a temporary working
   directory outside the checkout;
4. ``backpropviz --screenshot shot.png --steps 4`` with ``QT_QPA_PLATFORM=offscreen`` writes a PNG that is not
   blank (many colours, and most of the picture is not the background colour);
5. from the installed package, in the fresh venv's interpreter: ``backpropviz`` and
   ``backpropviz.resources`` live inside that venv (not the checkout); every icon
   (``backpropviz.resources/icons/*.svg``) parses and renders; every session preset loads
   (``engine.presets.load_preset``) and builds; every example CSV loads (``engine.csv_import.load_example``).

Nothing in the checkout is written to; everything happens in a temporary directory, removed at the end
unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT = 1800  # seconds: PySide6-Essentials is a large download on a slow link
RUN_TIMEOUT = 300
# Not copied into the build folder: version control, build output, environments, caches.
COPY_IGNORE = (".git", "build", "dist", "*.egg-info", ".venv", "venv", "__pycache__", ".ruff_cache", ".pytest_cache",
               "*.pyc")

# Run by the fresh venv's interpreter, from the temporary working directory. Prints one JSON object.
CHECK_SCRIPT = r'''
import json, os, sys
from pathlib import Path

checkout = Path(sys.argv[1]).resolve()
screenshot = Path(sys.argv[2])
prefix = Path(sys.prefix).resolve()
out = {"prefix": str(prefix), "executable": sys.executable}


def inside(path):
    path = Path(path).resolve()
    return path.is_relative_to(prefix) and not path.is_relative_to(checkout)


def attempt(name, function):
    try:
        out[name] = {"ok": True, **function()}
    except Exception as exc:
        out[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def location():
    from importlib import resources
    import backpropviz
    folder = resources.files("backpropviz.resources")
    where = {"module": backpropviz.__file__, "resources": str(folder), "version": backpropviz.__version__}
    if not (inside(backpropviz.__file__) and inside(str(folder))):
        raise AssertionError(f"not loaded from the venv {prefix}: {where}")
    return where


def icons():
    from importlib import resources
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer
    from backpropviz.gui.icons import icon
    folder = resources.files("backpropviz.resources") / "icons"
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".svg"))
    if not names:
        raise AssertionError(f"no icons in {folder}")
    bad = []
    for name in names:
        data = (folder / name).read_bytes()
        renderer = QSvgRenderer(QByteArray(data))
        picture = icon(name[:-4], "#000000")
        if not renderer.isValid() or picture.isNull() or picture.pixmap(24, 24).isNull():
            bad.append(name)
    if bad:
        raise AssertionError(f"icons that do not render: {bad}")
    return {"count": len(names), "names": names}


def presets():
    from backpropviz.engine.presets import load_preset, session_presets
    loaded = []
    for preset in session_presets():
        session = load_preset(preset.key)
        settings, dataset, stepper = session.build()
        loaded.append(f"{preset.key} ({'-'.join(map(str, stepper.net.layer_dims))}, m={dataset.m})")
    if not loaded:
        raise AssertionError("no session presets")
    return {"count": len(loaded), "names": loaded}


def csvs():
    from backpropviz.engine.csv_import import example_csv_names, load_example
    names = example_csv_names()
    if not names:
        raise AssertionError("no example CSVs")
    loaded = []
    for name in names:
        dataset = load_example(name)
        if dataset.m + dataset.m_test == 0:
            raise AssertionError(f"{name} is empty")
        loaded.append(f"{name} ({dataset.n_x}×{dataset.m + dataset.m_test})")
    return {"count": len(loaded), "names": loaded}


def png():
    import numpy as np
    from PySide6.QtGui import QImage
    image = QImage(str(screenshot))
    if image.isNull():
        raise AssertionError(f"{screenshot} is not a readable image")
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes()).reshape(h, image.bytesPerLine())
    pixels = rows[:, : 4 * w].copy().view(np.uint32).reshape(-1)
    colours, counts = np.unique(pixels, return_counts=True)
    background = 1.0 - counts.max() / pixels.size
    result = {"width": w, "height": h, "colours": int(colours.size), "not_background": round(float(background), 3)}
    if colours.size < 64 or background < 0.05:
        raise AssertionError(f"the screenshot looks blank: {result}")
    return result


from PySide6.QtWidgets import QApplication  # noqa: E402

app = QApplication([sys.argv[0]])  # icons render into pixmaps: a GUI application (offscreen) is needed
attempt("location", location)
attempt("icons", icons)
attempt("presets", presets)
attempt("csvs", csvs)
attempt("png", png)
print(json.dumps(out))
'''


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail} [{self.seconds:.1f} s]"


def _environment(venv: Path | None = None) -> dict[str, str]:
    """The environment without anything that points Python at the checkout or another venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONNOUSERSITE"] = "1"
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = str(_bin(venv)) + os.pathsep + env.get("PATH", "")
    return env


def _bin(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def _run(command: Sequence[str | Path], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _tail(process: subprocess.CompletedProcess, lines: int = 12) -> str:
    text = (process.stdout or "") + (process.stderr or "")
    return " | ".join(text.strip().splitlines()[-lines:])


def _wheel_contents(wheel: Path) -> dict[str, int]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    prefix = "backpropviz/resources/"
    return {
        "icons": sum(n.startswith(prefix + "icons/") and n.endswith(".svg") for n in names),
        "csvs": sum(n.startswith(prefix + "data/") and n.endswith(".csv") for n in names),
        "presets": sum(n.startswith(prefix + "presets/") and n.endswith(".bpv") for n in names),
        "files": len(names),
    }


def run_checks(root: Path | None = None, report: Callable[[Check], None] = lambda check: None) -> list[Check]:
    """Every check in order, each passed to ``report`` as it finishes; later checks are skipped once one that
    they need fails. ``root`` is an empty working folder (a temporary one, removed at the end, if None)."""
    if root is None:
        with tempfile.TemporaryDirectory(prefix="backpropviz-install-") as folder:
            return run_checks(Path(folder), report)
    root = Path(root).resolve()
    if root.is_relative_to(CHECKOUT):
        raise ValueError(f"the working folder must lie outside the checkout {CHECKOUT}")
    checks: list[Check] = []

    def add(name: str, ok: bool, detail: str, start: float) -> bool:
        check = Check(name, ok, detail, time.perf_counter() - start)
        checks.append(check)
        report(check)
        return ok

    source, dist, venv, work = root / "source", root / "dist", root / "venv", root / "work"
    dist.mkdir()
    work.mkdir()
    env = _environment()

    # ---------------------------------------------------------------- 1. the wheel
    start = time.perf_counter()
    # Built from a copy: setuptools builds in the source tree, and a stale build/lib there would ship files
    # that no longer exist in the checkout (and the checkout would get a build/ folder).
    shutil.copytree(CHECKOUT, source, ignore=shutil.ignore_patterns(*COPY_IGNORE))
    built = _run([sys.executable, "-m", "pip", "wheel", source, "--no-deps", "-w", dist], work, env, RUN_TIMEOUT)
    wheels = sorted(dist.glob("backpropviz-*.whl"))
    if built.returncode != 0 or not wheels:
        add("wheel", False, f"pip wheel failed (exit {built.returncode}): {_tail(built)}", start)
        return checks
    wheel = wheels[0]
    contents = _wheel_contents(wheel)
    has_resources = contents["icons"] > 0 and contents["csvs"] > 0 and contents["presets"] > 0
    add("wheel", has_resources,
        f"{wheel.name}, {wheel.stat().st_size / 1024:.0f} kB, {contents['files']} files: {contents['icons']} icons, "
        f"{contents['csvs']} example CSVs, {contents['presets']} presets under backpropviz/resources/", start)

    # ---------------------------------------------------------------- 2. a fresh venv with the wheel
    start = time.perf_counter()
    created = _run([sys.executable, "-m", "venv", venv], work, env, RUN_TIMEOUT)
    python = _bin(venv) / ("python.exe" if os.name == "nt" else "python")
    if created.returncode != 0 or not python.exists():
        add("venv", False, f"python -m venv failed (exit {created.returncode}): {_tail(created)}", start)
        return checks
    venv_env = _environment(venv)
    installed = _run([python, "-m", "pip", "install", wheel], work, venv_env, INSTALL_TIMEOUT)
    if installed.returncode != 0:
        add("install", False, f"pip install failed (exit {installed.returncode}): {_tail(installed)}", start)
        return checks
    frozen = _run([python, "-m", "pip", "list", "--format=json"], work, venv_env, RUN_TIMEOUT)
    try:
        versions = {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in json.loads(frozen.stdout)}
    except (ValueError, KeyError, TypeError):
        versions = {}
    wanted = ("backpropviz", "numpy", "pyside6-essentials", "pyqtgraph")
    listed = ", ".join(f"{n} {versions.get(n, 'MISSING')}" for n in wanted)
    add("install", all(name in versions for name in wanted), f"fresh venv, pip install of the wheel: {listed}", start)

    # ---------------------------------------------------------------- 3. the command, outside the checkout
    script = _bin(venv) / ("backpropviz.exe" if os.name == "nt" else "backpropviz")
    start = time.perf_counter()
    version = _run([script, "--version"], work, venv_env, RUN_TIMEOUT)
    trained = _run([script, "train", "--iterations", "200", "--print-every", "100"], work, venv_env, RUN_TIMEOUT)
    ok = version.returncode == 0 and "backpropviz" in version.stdout and trained.returncode == 0
    last = trained.stdout.strip().splitlines()[-1] if trained.stdout.strip() else ""
    add("command", ok, f"`backpropviz --version` → {version.stdout.strip() or _tail(version)!r}; `backpropviz train "
        f"--iterations 200` exit {trained.returncode}: {last or _tail(trained)!r}", start)

    # ---------------------------------------------------------------- 4. the screenshot
    shot = work / "shot.png"
    start = time.perf_counter()
    screenshot = _run([script, "--screenshot", "shot.png", "--steps", "4"], work, venv_env, RUN_TIMEOUT)
    made = screenshot.returncode == 0 and shot.is_file() and shot.stat().st_size > 0
    if not made:
        add("screenshot", False, f"exit {screenshot.returncode}, PNG written: {shot.is_file()}: {_tail(screenshot)}",
            start)
    screenshot_seconds = time.perf_counter() - start

    # ---------------------------------------------------------------- 5. resources and the PNG, from site-packages
    start = time.perf_counter()
    (work / "check_installed.py").write_text(CHECK_SCRIPT, encoding="utf-8")
    probe = _run([python, "check_installed.py", CHECKOUT, shot], work, venv_env, RUN_TIMEOUT)
    try:
        result = json.loads(probe.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        add("installed package", False, f"the check script failed (exit {probe.returncode}): {_tail(probe)}", start)
        return checks
    if made:
        png = result["png"]
        detail = (f"`backpropviz --screenshot shot.png --steps 4` in {work}: {png['width']}×{png['height']}, "
                  f"{png['colours']} colours, {png['not_background']:.0%} not background" if png["ok"]
                  else png["error"])
        checks.append(Check("screenshot", png["ok"], detail, screenshot_seconds))
        report(checks[-1])
    where = result["location"]
    add("location", where["ok"],
        f"backpropviz {where['version']} from {Path(where['module']).parent}, resources {where['resources']}"
        if where["ok"] else where["error"], start)
    for key, title in (("icons", "icons"), ("presets", "presets"), ("csvs", "example CSVs")):
        entry = result[key]
        detail = f"{entry['count']} {title} load from site-packages: {', '.join(entry['names'])}" if entry["ok"] \
            else entry["error"]
        checks.append(Check(title, entry["ok"], detail, 0.0))
        report(checks[-1])
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (wheel, venv, screenshot)")
    args = parser.parse_args(argv)
    print(f"backpropviz install check: wheel → fresh venv → run outside the checkout ({CHECKOUT})")
    t0 = time.perf_counter()
    if args.keep:
        root = Path(tempfile.mkdtemp(prefix="backpropviz-install-"))
        print(f"  working folder (kept): {root}")
        checks = run_checks(root, lambda check: print("  " + check.line(), flush=True))
    else:
        checks = run_checks(report=lambda check: print("  " + check.line(), flush=True))
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed in {time.perf_counter() - t0:.0f} s"
          + (f"; FAILED: {', '.join(c.name for c in failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
