"""Robustness: a long Play on the course's flower net with every plot visible, watching the memory.

Run from the checkout: ``python benchmarks/soak.py [--iterations N]`` (offscreen; 100,000 iterations by
default, about half a minute at Play's speed).

The real ``MainWindow`` plays the flower 2-4-1 tanh net at "Maximum" with the diagram, the inspector and
all five plots on screen (see ``gui_live.show_all_plots``). The resident set size (VmRSS of
/proc/self/status) is read before Play, at every tenth of the run and at the end; what the run's own
history legitimately holds (``Stepper.history_nbytes``: per-iteration records and keyframes) is printed
beside it, and so are the numbers of graphics items in the diagram's and the plots' scenes (items created
per frame rather than updated in place would show there). After the run, Reset clears the history and the
RSS is read once more. The target: growth ≤ 50 MB over the run.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import argparse
import gc
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # gui_live, next door

import gui_live

TARGET_GROWTH_MB = 50.0


def rss_mb() -> float:
    """The resident set size now, in MB (VmRSS); the peak (ru_maxrss) where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def peak_mb() -> float:
    """The peak resident set size so far, in MB (VmHWM)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_mb()


def scene_items(window) -> int:
    """Graphics items in the diagram's and every plot's scene."""
    count = len(window.network_view.scene().items())
    for plot in gui_live.plot_views(window).values():
        count += len(plot.graphics.scene().items())
    return count


@dataclass
class Sample:
    iteration: int
    seconds: float
    rss: float
    history: float  # MB the stepper's history holds
    items: int


def sample(window, start: float) -> Sample:
    stepper = window.controller.stepper
    return Sample(stepper.iteration, time.perf_counter() - start, rss_mb(), stepper.history_nbytes / 2**20,
                  scene_items(window))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=100_000, help="iterations of Play (default 100,000)")
    args = parser.parse_args(argv)
    total = max(10, args.iterations)
    every = max(1, total // 10)

    app = gui_live.make_app()
    print(f"backpropviz soak: {total:,} iterations of Play on the flower net, all plots visible")
    for line in gui_live.header_lines(app):
        print("  " + line)
    window = gui_live.make_window(app)
    sizes = gui_live.show_all_plots(app, window)
    print("  " + gui_live.sizes_text(sizes))
    controller = window.controller
    window.speed.setCurrentIndex(gui_live.maximum_speed_index())
    gc.collect()
    t0 = time.perf_counter()
    samples = [sample(window, t0)]
    next_mark = every

    def on_changed(kind: str) -> None:
        nonlocal next_mark
        if kind == "run" and controller.stepper.iteration >= next_mark:
            samples.append(sample(window, t0))
            next_mark = (controller.stepper.iteration // every + 1) * every

    controller.changed.connect(on_changed)
    diverged: list[object] = []
    controller.diverged.connect(diverged.append)
    controller.play()
    # a generous bound (Play runs thousands of iterations a second); the loop quits as soon as it is done
    done = lambda: controller.stepper.iteration >= total or not controller.playing  # noqa: E731
    gui_live.run_loop(max(60.0, total / 200), until=done)
    controller.pause()
    elapsed = time.perf_counter() - t0
    controller.changed.disconnect(on_changed)
    gui_live.settle(app)
    gc.collect()
    end = sample(window, t0)
    end.seconds = elapsed
    if samples[-1].iteration != end.iteration:
        samples.append(end)
    controller.reset()
    gui_live.settle(app, 200)
    gc.collect()
    after_reset = rss_mb()
    window.close()

    # ---------------------------------------------------------------- report
    start = samples[0]
    print()
    head = (f"  {'iteration':>10} {'time s':>7} {'it/s':>7} {'RSS MB':>8} {'Δ MB':>7} {'history MB':>11} "
            f"{'scene items':>12}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    previous = start
    for s in samples:
        rate = (s.iteration - previous.iteration) / (s.seconds - previous.seconds) if s is not start else 0.0
        print(f"  {s.iteration:>10,} {s.seconds:>7.1f} {gui_live.fmt_rate(rate) if rate else '—':>7} {s.rss:>8.1f} "
              f"{s.rss - start.rss:>+7.1f} {s.history:>11.2f} {s.items:>12}")
        previous = s
    growth = end.rss - start.rss
    first = next((s for s in samples[1:] if s.iteration >= every), None)
    steady = end.rss - first.rss if first is not None and first is not end else float("nan")
    history_growth = end.history - start.history
    print()
    print(f"  {end.iteration:,} iterations in {elapsed:.1f} s ({gui_live.fmt_rate(end.iteration / elapsed)} it/s)"
          + (f"; Play stopped early: diverged ({diverged[0]})" if diverged else ""))
    print(f"  RSS {start.rss:.1f} MB before Play → {end.rss:.1f} MB at the end: growth {growth:+.1f} MB "
          f"(the history holds {history_growth:+.2f} MB of it); peak {peak_mb():.1f} MB")
    if first is not None and first is not end:
        print(f"  growth after the first {first.iteration:,} iterations (steady state): {steady:+.1f} MB")
    print(f"  after Reset (history cleared): {after_reset:.1f} MB")
    print(f"  scene items {start.items} → {end.items}")
    ok = growth <= TARGET_GROWTH_MB and end.iteration >= total
    print(f"Target: growth ≤ {TARGET_GROWTH_MB:.0f} MB over {total:,} iterations: {'met' if ok else 'NOT met'} "
          f"({growth:+.1f} MB)")
    print()
    print("Markdown for README:")
    print()
    print("| Measurement | Result |")
    print("|---|---|")
    print(f"| Soak: {end.iteration:,} iterations of Play, flower 2-4-1, all plots visible | {elapsed:.0f} s; RSS "
          f"{start.rss:.0f} → {end.rss:.0f} MB (**{growth:+.1f} MB**, history {history_growth:+.1f} MB), "
          f"scene items {start.items} → {end.items} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
