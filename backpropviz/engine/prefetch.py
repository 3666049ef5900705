"""The next micro-step computed ahead, on a background thread, while the window waits for a click.

On a 784-128-64-1 net with m = 10,000, F1 and B1 are each a (128 × 784) by (784 × 10,000) product: 30–50 ms
of float64 BLAS on these machines, a micro-step's whole time budget before anything is drawn. A student
reads a step for seconds before the next click, so the step is computed in that pause, into buffers of its
own, by the very Network method the step calls; the click then only copies them in: the same bits as
computing it there and then.

Such a result is used only by the step it was computed for, and only if the stepper has not changed
since (its ``version``, bumped by every notification, says so); anything else drops it. NumPy's
products release the GIL, so the window stays responsive while the thread works.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from .network import Network

# Multiply-adds of a micro-step up to which computing ahead is not worth a thread and two copies
# (F2 of the 784-128-64-1 net above is 8·10⁷, ~3 ms; every step of the course's nets is far below).
MIN_WORK = 2e7

_pool: ThreadPoolExecutor | None = None


def _shared_pool() -> ThreadPoolExecutor:
    """One thread for the whole app: a step computed ahead needs no more, and two would share the cores."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backpropviz-prefetch")
    return _pool


def step_work(net: Network, kind: str, l: int) -> float:
    """Multiply-adds of micro-step F_l / B_l (its products; the element-wise parts are far smaller)."""
    if kind not in ("forward", "backward"):
        return 0.0  # the Cost and the Update are element-wise
    product = net.layer_dims[l] * net.layer_dims[l - 1] * net.m
    return product * (2 if kind == "backward" and l > 1 else 1)  # B_l (l > 1) also computes dA[l−1]


class Prefetch:
    """At most one micro-step of one network computed ahead, tagged with the state it was computed from."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self._scratch: dict[tuple[str, int], list[np.ndarray]] = {}
        self._key: tuple | None = None
        self._future: Future | None = None

    def start(self, key: tuple, kind: str, l: int) -> bool:
        """Compute micro-step (kind, l) ahead for state ``key``; False when it is too cheap to bother.
        An earlier job not yet begun is cancelled (its state is gone)."""
        if step_work(self.net, kind, l) <= MIN_WORK:  # the Cost and the Update do none
            return False
        if self._key == key:
            return True
        if self._future is not None:
            self._future.cancel()
        buffers = self._scratch.get((kind, l))
        if buffers is None:
            buffers = [np.empty_like(b) for b in self.net.step_buffers(kind, l)]
            self._scratch[(kind, l)] = buffers
        self._key = key
        self._future = _shared_pool().submit(self._compute, kind, l, buffers)
        return True

    def _compute(self, kind: str, l: int, buffers: list[np.ndarray]) -> None:
        # A divergence is the stepper's to report, after the step; overflow warnings here would be noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if kind == "forward":
                self.net.forward_layer(l, into=buffers)
            else:
                self.net.backward_layer(l, need_dA_prev=l > 1, into=buffers)

    def take(self, key: tuple, kind: str, l: int) -> bool:
        """Copy micro-step (kind, l) into the network's buffers if it was computed ahead for state ``key``
        (waiting for it if still under way); False, and nothing written, otherwise."""
        future, wanted = self._future, self._key == key
        self._key, self._future = None, None
        if future is None or not wanted or future.cancelled():
            return False
        future.result()  # an exception in the thread is a bug: raised here, in the step
        for target, computed in zip(self.net.step_buffers(kind, l), self._scratch[(kind, l)], strict=True):
            np.copyto(target, computed)
        return True
