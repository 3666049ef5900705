"""BLAS threads: iterations/s with one thread against OpenBLAS's default, measured in one run on this machine.

Run from the checkout: ``python benchmarks/blas_threads.py [--quick]`` (about 3 minutes, ``--quick`` about one).

engine/blas.py gives a run one thread when its largest product is small and all cores but one otherwise, the
same count in the window, the training worker and ``backpropviz train``. This script measures the choices that
rule is made of, for the nets the issue names, in four settings:

1. ``Stepper.run`` in this process, the machine as it is;
2. the same beside one busy core (a child process spinning), as when the window paints while the worker
   trains or another program runs;
3. ``backpropviz train`` as a child process (BACKPROPVIZ_BLAS_THREADS set for it), its training rate taken
   from the times its cost lines arrive (start-up and loading not counted);
4. Play at "Maximum" in the real window (offscreen), training in the worker process; iterations/s shown.

Choices: ``1`` (one thread) and ``default`` (the library's own count, here the core count), interleaved repeat
by repeat (two shared cores drift), the best repeat counting. The ``rule`` column is what blas.choose_threads
picks. The 784-128-64-1 net trains on m = 10,000 random examples, except in the CLI (a CSV of 2,000: reading
10,000 rows of 784 numbers takes 10 s a run).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

try:
    import backpropviz  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`: the package sits next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from threadpoolctl import threadpool_limits

from backpropviz.engine import blas
from backpropviz.engine.datasets import Dataset, toy_dataset
from backpropviz.engine.model import HiddenLayer, ModelSettings, build_stepper
from backpropviz.engine.stepper import Stepper

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts, however this one is started
from engine_vs_textbook import machine_header

CHOICES = ("1", "default")
WIDE_M = 10_000
CLI_WIDE_M = 2_000
CLI_SECONDS = 3.0


def deep(units: int) -> ModelSettings:
    return ModelSettings(hidden=tuple(HiddenLayer(units, "relu") for _ in range(6)), init="he", learning_rate=0.01)


def wide_settings() -> ModelSettings:
    return ModelSettings(hidden=(HiddenLayer(128, "relu"), HiddenLayer(64, "relu")), init="he", learning_rate=0.01)


def wide_dataset(m: int) -> Dataset:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((784, m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return Dataset.from_arrays(X, Y, name="random784")


NETS: dict[str, Callable[[], tuple[ModelSettings, Dataset]]] = {
    "flower 2-4-1 tanh": lambda: (ModelSettings(), toy_dataset("flower")),
    "2-50×6-1 relu": lambda: (deep(50), toy_dataset("flower")),
    "2-512×6-1 relu": lambda: (deep(512), toy_dataset("flower")),
    "2-1024×6-1 relu": lambda: (deep(1024), toy_dataset("flower")),
    "784-128-64-1 relu": lambda: (wide_settings(), wide_dataset(WIDE_M)),
}
PLAYED = ("2-50×6-1 relu", "784-128-64-1 relu")


def threads_of(choice: str) -> int:
    return blas.default_threads() if choice == "default" else int(choice)


def rule(stepper: Stepper) -> str:
    return str(blas.choose_threads(stepper.net.layer_dims, stepper.net.m))


# ===================================================================== 1, 2: Stepper.run in this process
def rate(stepper: Stepper, seconds: float) -> float:
    """Iterations per second of Stepper.run for about ``seconds`` (one warm-up iteration first)."""
    stepper.run(1)
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        stepper.run(1)
        done += 1
    return done / elapsed


def headless(seconds: float, repeats: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for name, make in NETS.items():
        settings, data = make()
        stepper = build_stepper(settings, data)
        best = dict.fromkeys(CHOICES, 0.0)
        for _ in range(repeats):
            for choice in CHOICES:
                with threadpool_limits(limits=threads_of(choice), user_api="blas"):
                    best[choice] = max(best[choice], rate(stepper, seconds))
        results[name] = {**best, "rule": rule(stepper)}
        print(f"  {name:20s} " + "  ".join(f"{c}: {best[c]:9.1f} it/s" for c in CHOICES), flush=True)
    return results


# ===================================================================== 3: the CLI
def cli_rate(args: list[str], choice: str, iterations: int) -> float:
    """Training iterations/s of ``backpropviz train``, from the times its "Cost after iteration i" lines arrive
    (printed unbuffered every eighth of the run): start-up and loading the data are not counted."""
    env = dict(os.environ, **{blas.ENV: choice}, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]),
                                                      env.get("PYTHONPATH")]))
    every = max(1, iterations // 8)
    command = [sys.executable, "-m", "backpropviz", "train", *args, "--iterations", str(iterations),
               "--print-every", str(every)]
    seen: list[tuple[float, int]] = []  # (time, iteration) of each cost line
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as child:
        for line in child.stdout:
            if line.startswith("Cost after iteration "):
                seen.append((time.perf_counter(), int(line.split()[3].rstrip(":"))))
    if child.returncode != 0 or len(seen) < 2:
        raise SystemExit(f"backpropviz train failed or printed too little: {command}")
    (t0, i0), (t1, i1) = seen[0], seen[-1]
    return (i1 - i0) / (t1 - t0)


def cli(quick: bool, folder: Path, headless_rates: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Each choice's run trains for about CLI_SECONDS (its length from part 1's rate for that choice)."""
    data = wide_dataset(CLI_WIDE_M)
    csv = folder / "random784.csv"
    table = np.column_stack([data.X.T, data.Y[0].astype(int)])
    np.savetxt(csv, table, delimiter=",", fmt=["%.6g"] * 784 + ["%d"])
    runs = {  # name: (arguments, part 1's net, its iterations/s over this run's)
        "2-50×6-1 relu": (["--dataset", "flower", "--layers", ",".join(["50"] * 6), "--activation", "relu",
                           "--init", "he", "--lr", "0.01", "--test-share", "0"], "2-50×6-1 relu", 1.0),
        f"784-128-64-1 relu, m = {CLI_WIDE_M:,}": (["--dataset", str(csv), "--layers", "128,64", "--activation",
                                                   "relu", "--init", "he", "--lr", "0.01", "--test-share", "0"],
                                                  "784-128-64-1 relu", WIDE_M / CLI_WIDE_M),
    }
    seconds = CLI_SECONDS / (2 if quick else 1)
    results = {}
    for name, (args, like, speedup) in runs.items():
        best = {}
        for choice in CHOICES:
            iterations = max(16, round(seconds * speedup * headless_rates[like][choice]))
            best[choice] = cli_rate(args, choice, iterations)
        dims = [784, 128, 64, 1] if "784" in name else [2, *([50] * 6), 1]
        results[name] = {**best, "rule": str(blas.choose_threads(dims, CLI_WIDE_M if "784" in name else 400))}
        print(f"  {name:30s} " + "  ".join(f"{c}: {best[c]:9.1f} it/s" for c in CHOICES), flush=True)
    return results


# ===================================================================== 4: Play in the window
def play_child(net: str, seconds: float) -> None:
    """In a child process (BACKPROPVIZ_BLAS_THREADS set): Play in the real window; prints JSON."""
    from gui_live import make_app, make_window, run_loop

    from backpropviz.gui.controller import SPEEDS

    app = make_app()
    window = make_window(app)  # the worker ready
    settings, data = NETS[net]()
    window.controller.apply_settings(settings, data)
    window.speed.setCurrentIndex(len(SPEEDS) - 1)
    window.controller.play()
    run_loop(1.0)  # the hand-over and the first frames
    start_iteration, start = window.controller.stepper.iteration, time.perf_counter()
    run_loop(seconds)
    done = window.controller.stepper.iteration - start_iteration
    elapsed = time.perf_counter() - start
    window.controller.pause()
    print(json.dumps({"rate": done / elapsed, "threads": blas.current_threads()}))
    window.close()


def play(seconds: float) -> dict[str, dict[str, float]]:
    results = {}
    for net in PLAYED:
        best = {}
        for choice in CHOICES:
            env = dict(os.environ, **{blas.ENV: choice})
            out = subprocess.run([sys.executable, __file__, "--play-child", net, "--seconds", str(seconds)],
                                 env=env, check=True, capture_output=True, text=True).stdout
            best[choice] = json.loads(out.strip().splitlines()[-1])["rate"]
        settings, data = NETS[net]()
        results[net] = {**best, "rule": str(blas.choose_threads(settings.layer_dims(data.n_x), data.m))}
        print(f"  {net:20s} " + "  ".join(f"{c}: {best[c]:9.1f} it/s" for c in CHOICES), flush=True)
    return results


# ===================================================================== the report
def table(title: str, results: dict[str, dict[str, float]]) -> None:
    default = blas.default_threads()
    print(f"\n{title}")
    print(f"| net | 1 thread | default ({default}) | default / 1 | rule picks |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['1']:.1f} it/s | {r['default']:.1f} it/s | {r['default'] / r['1']:.2f}× | {r['rule']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter measurements")
    parser.add_argument("--play-child", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=4.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.play_child:
        play_child(args.play_child, args.seconds)
        return
    seconds, repeats = (0.5, 1) if args.quick else (1.0, 2)
    print("backpropviz benchmark: BLAS threads" + (" (--quick)" if args.quick else ""))
    for line in machine_header():  # the load average at the start too
        print("  " + line)
    print("1. Stepper.run in this process")
    quiet = headless(seconds, repeats)
    print("2. Stepper.run beside one busy core")
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        busy = headless(seconds, repeats)
    finally:
        spinner.kill()
        spinner.wait()
    print("3. backpropviz train")
    with tempfile.TemporaryDirectory() as folder:
        cli_results = cli(args.quick, Path(folder), quiet)
    print("4. Play in the window (training in the worker process)")
    played = play(2.0 if args.quick else 4.0)
    table("1. Stepper.run, the machine as it is", quiet)
    table("2. Stepper.run beside one busy core", busy)
    table("3. backpropviz train (a child process)", cli_results)
    table("4. Play at Maximum in the window, iterations/s shown", played)
    if hasattr(os, "getloadavg"):
        print("\nload average at the end: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
