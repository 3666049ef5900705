"""Cold start: ``backpropviz --screenshot out.png --steps 0`` against a bare PySide6 + pyqtgraph window with one
plot, measured in one run on this machine.

Run from the checkout: ``python benchmarks/cold_start.py [--runs N]`` (offscreen; about 30 s for the default 11
runs of each).

Each side is a fresh interpreter started from this one (the same Python, the same environment), timed from
``Popen`` to its exit: imports, the window built, shown at 1440×900 (the app's default size), painted, grabbed
into a PNG, closed. The bare side is the least a window of this kind costs: PySide6, pyqtgraph and NumPy
imported, a QMainWindow whose centre is one PlotWidget with one curve. The two alternate run by run (two
shared cores drift) after one unmeasured run of each that writes the bytecode caches (as an installed wheel has
them; ``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment for that). Medians are printed,
and the ratio of the medians, against the target of 1.3. The CPU time of each run (user + system, every thread
of the child) is printed beside it: on shared cores other programs stretch the wall-clock time by up to 2× from
one run to the next, the CPU time much less. The least CPU time of each side is printed too, with its ratio: other
programs only ever add to a run's time, so the least-disturbed runs compare the two programs' own work most
closely when the machine is busy (the load average is printed before and after).

``--instructions`` counts, in addition, the instructions of one run of each side under valgrind's callgrind
(if valgrind is installed; ~3 minutes): a count that other programs on the machine do not change at all, close
to the CPU time's ratio (main before this option: 1.49 in instructions, ~1.45 in CPU time on a quiet machine).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.3
SIZE = (1440, 900)

BARE = f"""
import sys
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
plot = pg.PlotWidget()
plot.plot([0.0, 1.0, 2.0, 3.0], [0.69, 0.5, 0.4, 0.35])
window.setCentralWidget(plot)
window.resize({SIZE[0]}, {SIZE[1]})
window.show()
for _ in range(3):
    app.processEvents()
window.grab().save(sys.argv[1])
window.close()
"""

APP = "import sys; from backpropviz.__main__ import main; sys.exit(main(sys.argv[1:]))"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    package_root = str(Path(__file__).resolve().parents[1])  # importable from a checkout not installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    return env


def commands(png: Path) -> dict[str, list[str]]:
    size = f"{SIZE[0]}x{SIZE[1]}"
    return {
        "bare": [sys.executable, "-c", BARE, str(png)],
        "backpropviz": [sys.executable, "-c", APP, "--screenshot", str(png), "--steps", "0", "--size", size],
    }


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str], png: Path) -> tuple[float, float]:
    """(wall-clock seconds from start to exit, CPU seconds); the run must succeed and leave a PNG."""
    png.unlink(missing_ok=True)
    cpu, start = cpu_of_children(), time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds, cpu = time.perf_counter() - start, cpu_of_children() - cpu
    if result.returncode != 0 or not png.exists():
        raise SystemExit(f"{command[2][:40]!r}… failed ({result.returncode}):\n{result.stderr}")
    return seconds, cpu


def instructions(command: list[str], env: dict[str, str], png: Path) -> int:
    """Instructions one run executes, counted by valgrind's callgrind (its threads' too)."""
    png.unlink(missing_ok=True)
    counted = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    result = subprocess.run(counted, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if result.returncode != 0 or not png.exists() or found is None:
        raise SystemExit(f"{command[2][:40]!r}… failed under valgrind ({result.returncode}):\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="measured runs of each side (default 11)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind too")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (apt-get install valgrind)")
    env = environment()
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "shot.png"
        sides = commands(png)
        for command in sides.values():  # bytecode caches written, files in the page cache
            timed(command, env, png)
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for _ in range(args.runs):
            for name, command in sides.items():
                runs[name].append(timed(command, env, png))
        counts = {name: instructions(command, env, png) for name, command in sides.items()} if args.instructions else {}
    print(f"backpropviz benchmark: cold start, {args.runs} runs of each side, alternating")
    if load is not None:
        print("  load average before: " + " ".join(f"{v:.2f}" for v in load))
    wall = {name: statistics.median(r[0] for r in values) for name, values in runs.items()}
    cpu = {name: statistics.median(r[1] for r in values) for name, values in runs.items()}
    least_cpu = {name: min(r[1] for r in values) for name, values in runs.items()}
    for name, values in runs.items():
        shown = " ".join(f"{w:.2f}" for w, _ in values)
        print(f"  {name:12s} median {wall[name]:.3f} s wall, {cpu[name]:.3f} s CPU, least {least_cpu[name]:.3f} s CPU"
              f"   (wall of each run: {shown})")
    ratio = wall["backpropviz"] / wall["bare"]
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"  ratio backpropviz / bare: {ratio:.2f} wall-clock (target ≤ {TARGET_RATIO}: {verdict}), "
          f"{cpu['backpropviz'] / cpu['bare']:.2f} CPU time, {least_cpu['backpropviz'] / least_cpu['bare']:.2f} "
          "least CPU time")
    if counts:
        print(f"  instructions: bare {counts['bare'] / 1e9:.3f} G, backpropviz {counts['backpropviz'] / 1e9:.3f} G, "
              f"ratio {counts['backpropviz'] / counts['bare']:.2f}")
    if hasattr(os, "getloadavg"):
        print("  load average after: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
