"""How many threads NumPy's BLAS may use for a run: one for small products, more only where they pay.

OpenBLAS splits every product that is not tiny over all cores, and its threads wait for work by spinning. On
the two shared cores this app is taught on, a small net pays far more for waking and joining them than the
split saves, and a core that another thread needs (the window's painting while the worker trains, another
program) makes it worse: a 2-50×6-1 relu net trained 7× slower with OpenBLAS's default threads than with one.
Large products gain from threads, but only from cores nothing else wants: a run gets all cores but one (the
window's), and so one thread on a two-core machine. Measured in ``benchmarks/blas_threads.py``, which prints
iterations/s for each choice.

The count depends on the run alone (its layer sizes and m), never on which process computes it: BLAS sums in
another order with another number of threads, and the last bits of θ with it, while the window, the training
worker and ``backpropviz train`` must compute the same bits for the same run (the worker trains what the
window replays; the CLI saves sessions the window opens).

``BACKPROPVIZ_BLAS_THREADS`` overrides the choice for every process of the app: a whole number of threads,
or ``default`` for the library's own count (the benchmark compares the choices this way; a machine unlike
these may want another).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

ENV = "BACKPROPVIZ_BLAS_THREADS"
# Below this many multiply-adds in the largest product of an iteration (n_l · n_{l−1} · m), one thread is
# faster even on an idle machine: 2-512×6-1 at m = 400 (10⁸) gains from two, 2-50×6-1 (10⁶) loses.
SMALL_PRODUCT_MACS = 20_000_000

_controller: Any = None  # threadpoolctl's ThreadpoolController, made on first use (it scans the loaded libraries)
_default_threads = 1


def _blas() -> Any:
    """The BLAS libraries NumPy loaded, as a threadpoolctl controller (found once)."""
    global _controller, _default_threads
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController().select(user_api="blas")
        _default_threads = max((lib.num_threads for lib in _controller.lib_controllers), default=1)
    return _controller


def default_threads() -> int:
    """The library's own thread count (as it was before this module changed it)."""
    _blas()
    return _default_threads


def largest_product(layer_dims: Sequence[int], m: int) -> int:
    """Multiply-adds of the largest matrix product of an iteration: max over layers of n_l · n_{l−1} · m."""
    return max((n * n_prev for n, n_prev in zip(layer_dims[1:], layer_dims[:-1], strict=True)), default=0) * max(m, 1)


def choose_threads(layer_dims: Sequence[int], m: int) -> int:
    """Threads for a run on ``layer_dims`` with m examples: 1 for small products, else all cores but one."""
    override = os.environ.get(ENV, "").strip().lower()
    if override == "default":
        return default_threads()
    if override.isdigit() and int(override) > 0:
        return int(override)
    if largest_product(layer_dims, m) < SMALL_PRODUCT_MACS:
        return 1
    return max(1, default_threads() - 1)


def use_threads(layer_dims: Sequence[int], m: int) -> int:
    """Set the process's BLAS threads for this run (``choose_threads``); returns the count set."""
    threads = choose_threads(layer_dims, m)
    _blas().limit(limits=threads)
    return threads


def current_threads() -> int:
    """The BLAS threads in force now (the largest count over NumPy's BLAS libraries)."""
    return max((lib.num_threads for lib in _blas().lib_controllers), default=1)
