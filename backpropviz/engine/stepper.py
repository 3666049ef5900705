"""The micro-step cursor: one iteration is F1 … FL, Cost, BL … B1, Update.

The cursor sits between micro-steps: ``position`` counts the micro-steps done in the current
``iteration`` (0 … 2L+1; the Update moves on to the next iteration at position 0). Each micro-step
fills exactly its equation's quantities; ``value`` returns them read-only, or None while they are not
computed in this iteration.

Every path — ``step``, ``finish_iteration``, ``run``, ``goto`` and ``Network.train`` — calls the same
Network methods, so they give bit-identical parameters. The past is kept as keyframes plus replay
(history.py), events (hand edits, learning-rate changes, the planted bug) are part of the history and
drop its redo future, and every micro-step is checked for divergence: at the first overflow the
stepper stops on the last finite state and says where and why.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from . import steps
from .changes import Change
from .divergence import DivergenceChecks, DivergenceReport, likely_cause
from .events import EDIT, LEARNING_RATE, PLANTED_BUG, Event, EventError, check_event, event_from_dict
from .history import DEFAULT_BUDGET_BYTES, Keyframes
from .layers import input_gradient
from .network import Network, Scorer, check_learning_rate
from .prefetch import Prefetch
from .records import RECORD_COLUMNS, Records
from .steps import BACKWARD, COST, FORWARD, UPDATE, MicroStep

Listener = Callable[[Change, "Stepper"], None]
F = TypeVar("F", bound=Callable[..., Any])


def _quietly(method: F) -> F:
    """Overflow on the way to a divergence is expected and reported by the checks, not as warnings."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclass
class _Checkpoint:
    """What back() needs after an Update done by micro-step: θ before it."""

    iteration: int
    theta: np.ndarray = field(repr=False)


class Stepper:
    """The micro-step cursor over a Network and a dataset, with history and divergence checks.

    X (n_x, m), Y (1, m) are the training set; X_test, Y_test (n_x, k) an optional test set whose
    cost and accuracy are recorded per iteration too.
    """

    def __init__(
        self,
        network: Network,
        X: np.ndarray,
        Y: np.ndarray,
        learning_rate: float,
        X_test: np.ndarray | None = None,
        Y_test: np.ndarray | None = None,
        memory_budget: int = DEFAULT_BUDGET_BYTES,
    ) -> None:
        check_learning_rate(learning_rate)
        self.net = network
        network.bind(X, Y)
        self.X_test = None if X_test is None or X_test.shape[1] == 0 else np.asarray(X_test, network.dtype)
        self.Y_test = None if self.X_test is None else np.asarray(Y_test, network.dtype)
        self.L = network.L
        self.steps = steps.micro_steps(self.L)
        self.initial_learning_rate = float(learning_rate)
        self.learning_rate = float(learning_rate)
        self.listeners: list[Listener] = []
        self.version = 0  # bumped by every notification: what was computed ahead belongs to one version
        self._prefetch = Prefetch(network)
        self._checks = DivergenceChecks(network)
        self._dA0_pending = False  # B1 left dA0 to be computed when first read (see _do_step)
        self.caches_current = True  # False after fast_forward without caches: the buffers hold an older iteration
        self._theta_initial = network.theta.copy()
        self.initialised_by_scheme = network.initialised_by_scheme  # θ_initial is what the init scheme drew
        self._scorer = Scorer(network.Y)  # this iteration's accuracy, once F L is done (``latest``)
        self._memory_budget = memory_budget
        self._record_width = len(RECORD_COLUMNS) + self.L
        self._start_new_history()

    # ----------------------------------------------------------------- state
    def _start_new_history(self) -> None:
        self.iteration = 0
        self.position = 0
        self.furthest = 0
        self.J: float | None = None
        self._gradients_of: int | None = None  # the iteration whose dW, db the buffers hold whole
        self.report: DivergenceReport | None = None
        self.events: list[Event] = []
        self.records = Records(self.net)
        work = self.net.theta.size * self.net.m
        self.keyframes = Keyframes(self.net.theta.nbytes, work, self._memory_budget)
        self.keyframes.store(0, self.net.theta)
        self._checkpoint: _Checkpoint | None = None

    def series(self, name: str) -> np.ndarray:
        """One per-iteration series, length ``furthest``: cost, train_accuracy, test_cost, test_accuracy
        (NaN without a test set), or grad_norm, shape (n, L), holding ‖dW[l]‖ of each layer."""
        table = self.records.values()
        if name == "grad_norm":
            return table[:, len(RECORD_COLUMNS) :]
        try:
            return table[:, RECORD_COLUMNS.index(name)]
        except ValueError:
            raise ValueError(f"unknown series {name!r} (choose from {', '.join(RECORD_COLUMNS)}, grad_norm)") from None

    @property
    def last_step(self) -> MicroStep | None:
        """The micro-step just done (Update when at position 0 of an iteration after the first)."""
        if self.position > 0:
            return self.steps[self.position - 1]
        return self.steps[-1] if self.iteration > 0 else None

    @property
    def next_step(self) -> MicroStep:
        return self.steps[self.position]

    @property
    def planted_bug_layer(self) -> int | None:
        return self.net.planted_bug_layer

    def is_filled(self, quantity: str, l: int) -> bool:
        """Whether ``quantity`` of layer l is computed in the current iteration (W, b and X always are);
        ValueError for a quantity or layer the network does not have."""
        return steps.is_filled(quantity, l, self.L, self.position)

    def value(self, quantity: str, l: int = 0) -> np.ndarray | None:
        """A read-only view of ``quantity`` of layer l (A of layer 0 is X, dA of layer 0 is dA0), or None
        while it is not computed in this iteration. J is one number: ``current_cost``."""
        if quantity == "J" or not self.is_filled(quantity, l):
            return None
        if quantity == "dA" and l == 0 and self._dA0_pending:
            self.net.compute_dA0()
            self._dA0_pending = False
        array = getattr(self.net, quantity)[l].view()
        array.flags.writeable = False
        return array

    def value_part(self, quantity: str, l: int, rows: slice, columns: slice) -> np.ndarray | None:
        """``value(quantity, l)[rows, columns]``; for a dA0 not computed yet, only those entries
        (W1[:, rows]ᵀ dZ1[:, columns]: a thumbnail's sample without the whole product)."""
        if quantity == "dA" and l == 0 and self._dA0_pending and self.is_filled("dA", 0):
            return input_gradient(self.net.dZ[1][:, columns], self.net.W[1][:, rows])
        values = self.value(quantity, l)
        return None if values is None else values[rows, columns]

    @property
    def current_cost(self) -> float | None:
        """J of this iteration once the Cost step is done, else None."""
        return self.J if self.is_filled("J", 0) else None

    def latest(self, name: str) -> tuple[float, int] | None:
        """What the views show of ``cost`` or ``train_accuracy`` and the iteration it belongs to: this
        iteration's once its step has run (Cost, F L), else the record of the iteration before; None at the
        very start. The status line and the diagram both read it, so they always agree."""
        now = {"cost": self.current_cost, "train_accuracy": None}[name]
        if name == "train_accuracy" and self.is_filled("A", self.L):
            now = self._scorer.correct(self.net.A[self.L]) / self.net.m
        if now is not None:
            return now, self.iteration
        t = self.iteration - 1
        return (self.series(name)[t].item(), t) if 0 <= t < self.furthest else None

    def previous_gradient(self, quantity: str, l: int) -> tuple[np.ndarray, int] | None:
        """dW[l] or db[l] as the last Update used them, while this iteration has not computed its own yet:
        (a read-only view, the iteration they belong to); None otherwise (or when the buffers no longer hold
        them: after a jump, a rewritten start, an undone backward step)."""
        if quantity not in ("dW", "db") or self.is_filled(quantity, l) or self._gradients_of != self.iteration - 1:
            return None
        array = getattr(self.net, quantity)[l].view()
        array.flags.writeable = False
        return array, self._gradients_of

    def dAL_clipped(self) -> np.ndarray | None:
        """Where A[L] was clipped into [ε, 1−ε] to display dA[L]; None before the Cost step."""
        return self.net.dAL_clipped if self.is_filled("dA", self.L) else None

    # ----------------------------------------------------------------- notifications
    def _notify(self, kind: Change) -> None:
        self.version += 1
        for listener in list(self.listeners):
            listener(kind, self)

    # ----------------------------------------------------------------- one micro-step
    def _do_step(self, step: MicroStep, ahead: bool = False) -> DivergenceReport | None:
        """Compute one micro-step's quantities and check them; None when all is finite. ``ahead``: take
        them from ``prepare_next_step`` if it computed them for this very state."""
        net = self.net
        ahead = ahead and self._prefetch.take(self._state_key, step.kind, step.layer)
        self.caches_current = True
        if step.kind != UPDATE:
            # A micro-step of the new iteration overwrites the old one's buffers: the shortcut back
            # over the last Update is gone.
            self._checkpoint = None
        if step.kind == FORWARD:
            if not ahead:
                net.forward_layer(step.layer)
            return self._checks.after_forward(step.layer, self.iteration)
        if step.kind == COST:
            self.J = net.compute_cost()
            net.compute_output_dA()
            return self._checks.after_cost(self.J, self.iteration)
        if step.kind == BACKWARD:
            # B1's dA0 = W1ᵀ dZ1 is as costly as its dW1 (2 GFLOP on a 784-input net with m = 10,000) and
            # only a view shows it: computed when first read (value), from the same W1 and dZ1 (the
            # Update that changes W1 also ends the time dA0 is shown).
            if not ahead:
                net.backward_layer(step.layer, need_dA_prev=step.layer > 1)
            if step.layer == 1:
                self._dA0_pending = True
            return None
        new = self.iteration >= self.furthest
        if new:
            self._record_iteration(self.J)
        self._checkpoint = _Checkpoint(self.iteration, net.theta.copy())
        net.update(self.learning_rate)
        report = self._checks.after_update(self.iteration)
        if report is not None:
            np.copyto(net.theta, self._checkpoint.theta)
            if new:
                self._truncate_series(self.iteration)
        else:
            self._gradients_of = self.iteration
        return report

    def _advance(self) -> None:
        """Move the cursor past the micro-step just done; after Update enter the next iteration."""
        self.position += 1
        if self.position == len(self.steps):
            self.position = 0
            self.iteration += 1
            self._enter_iteration(self.iteration)

    @_quietly
    def step(self) -> bool:
        """Take the next micro-step; False (and nothing changes) if it would diverge."""
        if self.report is not None:
            return False
        report = self._do_step(self.next_step, ahead=True)
        if report is not None:
            self._diverged(report)
            return False
        self._advance()
        self._notify(Change.STEP)
        return True

    @property
    def _state_key(self) -> tuple[int, int, int]:
        return self.version, self.iteration, self.position

    def prepare_next_step(self) -> bool:
        """Start computing the next micro-step on a background thread if it is costly (prefetch.py);
        the next ``step`` uses it if nothing changed in between. False when there is nothing worth it."""
        if self.report is not None:
            return False
        step = self.next_step
        return self._prefetch.start(self._state_key, step.kind, step.layer)

    @_quietly
    def finish_iteration(self) -> DivergenceReport | None:
        """Micro-step until this iteration's Update is done; returns a divergence report if it stops early."""
        self._steps_to(self.iteration + 1, 0)
        self._notify(Change.ITERATION)
        return self.report

    def _steps_to(self, t: int, position: int) -> None:
        """Micro-step from here to (t, position), which must not lie behind the cursor, or to a divergence."""
        while (self.iteration, self.position) < (t, position) and self.report is None:
            report = self._do_step(self.next_step)
            if report is not None:
                self._diverged(report)
                return
            self._advance()

    @_quietly
    def step_backward_phase(self) -> bool:
        """The next backward micro-step; before the Cost is computed, run forward through the Cost instead."""
        if self.next_step.kind in (FORWARD, COST):
            self._steps_to(self.iteration, self.L + 1)
            self._notify(Change.STEP)
            return self.report is None
        return self.step()

    # ----------------------------------------------------------------- whole iterations
    @_quietly
    def run(self, n: int) -> DivergenceReport | None:
        """Complete n iterations (the current one first, by micro-steps if it is under way).

        Returns early with the divergence report rather than raising.
        """
        if n <= 0 or self.report is not None:
            return self.report
        target = self.iteration + n
        self._steps_to(self.iteration + (self.position > 0), 0)
        self._iterate_to(target)
        self._notify(Change.RUN)
        return self.report

    def _iterate_to(self, target: int) -> None:
        """Whole iterations up to the start of ``target``, checked and recorded where new.

        This is Play's hot loop: Network.iterate opened up (its lists of NumPy calls run here, the record
        staged before the Update), the new iterations' forward passes tested cheaply every iteration and θ
        at keyframes and at the end (divergence.py); a failed test replays with the exact checks.
        """
        net, checks, keyframes, records = self.net, self._checks, self.keyframes, self.records
        cost, update = net.cross_entropy.cost, net.update_ops(self.learning_rate)
        self.caches_current = True
        unchecked = False  # whether θ has had new Updates since it was last found finite
        while self.iteration < target and self.report is None:
            t = self.iteration
            for function, args in net.iteration_forward_ops:
                function(*args)
            J = cost().item()
            for function, args in net.iteration_backward_ops:
                function(*args)
            new = t >= self.furthest
            if new:  # _record_iteration, inlined
                records.stage(t, J, None if self.X_test is None else net.evaluate(self.X_test, self.Y_test))
                self.furthest = t + 1
            for function, args in update:
                function(*args)
            self._gradients_of = t
            if new:
                unchecked = True
                if not checks.forward_clean(J) and checks.forward_report(J, t) is not None:
                    self._replay_checked(t)
                    return
            self.iteration = t = t + 1
            spacing = keyframes.spacing
            if unchecked and t % spacing == 0:
                if not checks.theta_finite() and self._replay_checked(t - 1):
                    return
                unchecked = False
            if self.events or (t % spacing == 0 and t not in keyframes):
                self._enter_iteration(t)
                update = net.update_ops(self.learning_rate)  # an event may have changed α
        if unchecked and self.report is None and not checks.theta_finite():
            self._replay_checked(self.iteration - 1)
        self._checkpoint = None

    def _replay_checked(self, last: int) -> bool:
        """A cheap test failed by iteration ``last``: replay from the keyframe before it (keyframes hold checked,
        finite θ) with the micro-steps' exact checks and stop at the first failure, which may lie in an
        earlier iteration's Update. True when stopped; the exact checks compute the tests' quantities, so
        they find what the test saw, and False (the state then as it was) would mean they disagree."""
        net, checks = self.net, self._checks
        start, theta = self.keyframes.nearest(last)
        np.copyto(net.theta, theta)
        self._settings_as_of(start)
        for t in range(start, last + 1):
            if t > start:
                self._enter_iteration(t)
            self.iteration = t
            report = checks.after_iteration(net.iterate(self.learning_rate), t)
            if report is not None:
                self._truncate_series(t)
                self._stop_inside(t, report)
                return True
        self.iteration = last + 1
        return False

    @_quietly
    def fast_forward(
        self,
        iteration: int,
        theta: np.ndarray,
        rows_from: int,
        rows: np.ndarray,
        frames: Sequence[tuple[int, np.ndarray]] = (),
        caches: np.ndarray | None = None,
    ) -> None:
        """Take over whole iterations trained elsewhere on an exact copy of this stepper (Play's worker
        process): afterwards this stepper is where ``run`` would have left it, at the start of ``iteration``.

        ``theta`` is θ there, ``rows`` the records of the iterations that were new (from row
        ``rows_from``, which must be ``furthest``), ``frames`` (t, θ at the start of t) for every t on
        the way that is a multiple of the keyframe spacing (the ones ``run`` would have kept are kept),
        ``caches`` the buffers the last iteration left (``Network.export_caches``; without them
        ``caches_current`` turns False). ValueError, and nothing changed, when they cannot belong here.
        """
        if self.position != 0 or iteration < self.iteration or self.report is not None:
            raise ValueError(
                f"cannot fast-forward from iteration {self.iteration}, step {self.position} to iteration {iteration}"
            )
        if theta.shape != self.net.theta.shape or any(frame.shape != theta.shape for _, frame in frames):
            raise ValueError(f"θ of shape {theta.shape} for a network of {self.net.theta.size} parameters")
        if len(rows) and (rows_from != self.furthest or rows.shape[1:] != (self._record_width,)):
            raise ValueError(f"records from row {rows_from}, shape {rows.shape}: the history ends at {self.furthest}")
        if caches is not None and caches.shape != (self.net.caches_size,):
            raise ValueError(f"caches of shape {caches.shape} for {self.net.caches_size} cache entries")
        self.records.write_rows(rows_from, rows)
        self.furthest = max(self.furthest, rows_from + len(rows))
        for t, frame in frames:
            if t not in self.keyframes and self.keyframes.wants(t):
                self.keyframes.store(t, frame)
        np.copyto(self.net.theta, theta)
        if caches is not None:
            self.net.import_caches(caches)
        self.caches_current = caches is not None
        self._gradients_of = iteration - 1 if caches is not None else None
        self.iteration = iteration
        if self.events:
            self._settings_as_of(iteration)
        self._checkpoint = None
        self._notify(Change.RUN)

    def _stop_inside(self, t: int, report: DivergenceReport) -> None:
        """Iteration t went bad at ``report.step``: rebuild the state just before that micro-step."""
        index = next(i for i, s in enumerate(self.steps) if s.label == report.step)
        self._restore(t, index, from_keyframe=True)
        self._diverged(report)

    def _diverged(self, report: DivergenceReport) -> None:
        edits = [e.data for e in self.events if e.kind == EDIT and e.iteration <= self.iteration]
        report.cause = likely_cause(self.net, self.iteration, self.learning_rate, edits)
        self.report = report
        self._notify(Change.DIVERGED)

    # ----------------------------------------------------------------- history
    def _record_iteration(self, J: float | None) -> None:
        """Record iteration t's cost, accuracies and ‖dW‖ per layer (records.py) from the buffers, which
        hold it until its Update."""
        test = None if self.X_test is None else self.net.evaluate(self.X_test, self.Y_test)
        self.records.stage(self.iteration, J, test)
        self.furthest = self.iteration + 1

    def _enter_iteration(self, t: int) -> None:
        """At the start of iteration t: apply its events, keep a keyframe if one is due."""
        for event in self.events:
            if event.iteration == t:
                self._apply(event)
        if t not in self.keyframes and self.keyframes.wants(t):
            self.keyframes.store(t, self.net.theta)

    def _settings_as_of(self, t: int) -> None:
        """Learning rate and planted bug as the events up to iteration t left them."""
        self.learning_rate = self.initial_learning_rate
        self.net.planted_bug_layer = None
        for event in self.events:
            if event.iteration <= t and event.kind != EDIT:
                self._apply(event)

    def _restore(self, t: int, position: int, from_keyframe: bool = False) -> None:
        """Rebuild the exact state at iteration t, ``position`` micro-steps in.

        Ahead of the cursor it computes on, unless a keyframe lies between (the timeline moved forward over
        trained iterations: computing the way to it took the flower net 0.6 s for 10,000 iterations); behind it
        (or when the current buffers cannot be trusted) it starts from the last keyframe at or before t and
        replays.
        """
        self.report = None
        ahead = not from_keyframe and (t, position) >= (self.iteration, self.position)
        if ahead and 0 in self.keyframes and self.keyframes.nearest(t)[0] > self.iteration:
            ahead = False  # start from that keyframe, as behind the cursor
        if ahead:
            if t > self.iteration:
                self._steps_to(self.iteration + (self.position > 0), 0)
        else:
            if 0 not in self.keyframes:
                self._rebuild_first_keyframe()
            start, theta = self.keyframes.nearest(t)
            np.copyto(self.net.theta, theta)
            self._settings_as_of(start)
            self.iteration, self.position = start, 0
            self._checkpoint = None
            self._gradients_of = None  # the buffers hold whatever came before
        self._iterate_to(t)
        self._steps_to(t, position)

    def _rebuild_first_keyframe(self) -> None:
        """θ at the start of iteration 0: the initial parameters with iteration 0's events applied."""
        np.copyto(self.net.theta, self._theta_initial)
        self._settings_as_of(0)
        for event in self.events:
            if event.iteration == 0 and event.kind == EDIT:
                self._apply(event)
        self.keyframes.store(0, self.net.theta)

    @_quietly
    def goto(self, iteration: int, position: int = 0) -> DivergenceReport | None:
        """Jump to any iteration and micro-step, past (replayed exactly) or future (trained)."""
        if iteration < 0 or not 0 <= position < len(self.steps):
            raise ValueError(f"no such point: iteration {iteration}, position {position}")
        self._restore(iteration, position)
        self._notify(Change.GOTO)
        return self.report

    @_quietly
    def back(self) -> bool:
        """Undo the last micro-step or hand-made event; False at the very start."""
        self.report = None
        last = self.events[-1] if self.events else None
        if last is not None and (last.iteration, last.position_after) == (self.iteration, self.position):
            self._undo_event(last)
        elif self.position > 0:
            # Each buffer is written by exactly one micro-step per iteration, so stepping back only
            # has to forget that the last one was done (the gradients it wrote are no longer the last Update's).
            self.position -= 1
            if self.steps[self.position].kind == BACKWARD:
                self._gradients_of = None
        elif self.iteration > 0:
            checkpoint = self._checkpoint
            if checkpoint is not None and checkpoint.iteration == self.iteration - 1:
                np.copyto(self.net.theta, checkpoint.theta)
                self._settings_as_of(self.iteration - 1)
                self.iteration -= 1
                self.position = len(self.steps) - 1
                self._checkpoint = None
            else:
                self._restore(self.iteration - 1, len(self.steps) - 1)
        else:
            return False
        self._notify(Change.BACK)
        return True

    # ----------------------------------------------------------------- events
    def _apply(self, event: Event) -> None:
        if event.kind == EDIT:
            getattr(self.net, event.data["name"][0])[event.data["layer"]][event.data["index"]] = event.data["value"]
        elif event.kind == LEARNING_RATE:
            self.learning_rate = event.data["value"]
        else:
            self.net.planted_bug_layer = event.data["value"]

    @_quietly
    def _add_event(self, kind: str, data: dict[str, Any], restarts_iteration: bool, what: str) -> None:
        """Record an event at the current iteration: the redo future is dropped. ValueError (``what`` says
        of what) if it does not fit the network."""
        try:
            data = check_event(kind, data, self.net.layer_dims, self.net.dtype)
        except EventError as exc:
            raise ValueError(f"{what}{exc}") from None
        t = self.iteration
        self.report = None
        position_after = 0 if restarts_iteration else self.position
        event = Event(t, kind, data, self.position, position_after)
        event.replaced_events = [e for e in self.events if e.iteration > t]
        event.replaced_records = self.records.values()[t:].copy()
        self.events = [e for e in self.events if e.iteration <= t] + [event]
        self._truncate_future(t)
        self._apply(event)
        if restarts_iteration and self.position > self.L + 1:
            self._gradients_of = None  # backward steps of this iteration had overwritten the last Update's
        self.position = position_after
        self.keyframes.store(t, self.net.theta)
        self._checkpoint = None
        self._notify(Change(kind))

    def _truncate_future(self, t: int) -> None:
        """Iteration t's start was rewritten: forget its keyframes and every record from t on."""
        self.keyframes.drop_from(t)
        self._truncate_series(t)

    def _truncate_series(self, t: int) -> None:
        self.furthest = min(self.furthest, t)
        self.records.truncate(t)

    def _undo_event(self, event: Event) -> None:
        """Take the event back, with the future it had replaced."""
        t = self.iteration
        self.events.pop()
        self.events.extend(event.replaced_events)
        self._truncate_future(t)
        replaced = event.replaced_records  # loaded events have none
        if replaced is None:
            replaced = np.empty((0, self.records.width))
        self.records.write_rows(t, replaced)
        self.furthest = t + len(replaced)
        self._restore(t, event.position_before, from_keyframe=True)

    def set_parameter(self, name: str, index: tuple[int, int], value: float) -> None:
        """A hand edit of one weight or bias, e.g. ``set_parameter("W2", (0, 1), 0.5)``.

        It restarts the current iteration (everything computed from the old value is stale); back()
        removes it again. ValueError (and nothing changed) names what does not fit.
        """
        self._add_event(EDIT, {"name": name, "index": index, "value": value}, True, f"{name}{list(index)}: ")

    def set_learning_rate(self, learning_rate: float) -> None:
        """Change α from this iteration's Update on (an event: back() restores the old one)."""
        self._add_event(LEARNING_RATE, {"value": learning_rate}, False, "")

    def set_planted_bug(self, layer: int | None) -> None:
        """Double dW of ``layer`` from this iteration on (None removes the bug); restarts the iteration."""
        self._add_event(PLANTED_BUG, {"value": layer}, True, "planted bug layer: ")

    @_quietly
    def reset(self) -> None:
        """Back to the initial parameters and learning rate, with an empty history."""
        np.copyto(self.net.theta, self._theta_initial)
        self.learning_rate = self.initial_learning_rate
        self.net.planted_bug_layer = None
        self._start_new_history()
        self._notify(Change.RESET)

    # ----------------------------------------------------------------- saving and loading
    def export_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The history as JSON-able metadata and arrays: enough to rebuild this exact state.

        θ is saved as it stands at the start of the current iteration (nothing inside an iteration
        changes it before the Update), so loading replays only the micro-steps since.
        """
        events = [e.to_dict() for e in self.events]
        meta = {
            "iteration": self.iteration, "position": self.position, "furthest": self.furthest,
            "initial_learning_rate": self.initial_learning_rate, "events": events,
        }
        arrays = {
            "theta_initial": self._theta_initial.copy(),
            "theta_start": self.net.theta.copy(),
            "records": self.records.values().copy(),
        }
        return meta, arrays

    @_quietly
    def import_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Rebuild a state saved by ``export_state`` on this stepper's network and data.

        ValueError (and nothing changed) if the arrays do not fit this network or the metadata is
        inconsistent.
        """
        n_params, width = self.net.theta.size, self._record_width
        theta_initial, theta_start, records = arrays["theta_initial"], arrays["theta_start"], arrays["records"]
        for name, array in (("theta_initial", theta_initial), ("theta_start", theta_start)):
            if array.shape != (n_params,):
                raise ValueError(f"{name} has shape {array.shape}, the network has {n_params} parameters")
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} holds NaN or infinite values")
        iteration, position, furthest = int(meta["iteration"]), int(meta["position"]), int(meta["furthest"])
        if records.ndim != 2 or records.shape[1] != width or records.shape[0] != furthest:
            raise ValueError(f"records have shape {records.shape}, expected ({furthest}, {width})")
        if not (0 <= iteration <= furthest and 0 <= position < len(self.steps)):
            raise ValueError(f"no such point: iteration {iteration}, position {position} (trained: {furthest})")
        learning_rate = float(meta["initial_learning_rate"])
        check_learning_rate(learning_rate)
        try:
            events = [event_from_dict(e, self.net.layer_dims, self.net.dtype) for e in meta["events"]]
        except EventError as exc:
            raise ValueError(f"an event does not fit this network: {exc}") from None
        if any(a.iteration > b.iteration for a, b in itertools.pairwise(events)):
            raise ValueError("events are not in the order of their iterations")
        self.initial_learning_rate = learning_rate
        # a saved state may start from parameters of its own (a course test case), not from the init scheme
        self.initialised_by_scheme = bool(np.array_equal(self._theta_initial, theta_initial))
        self._theta_initial = theta_initial.astype(self.net.dtype)
        self._start_new_history()
        self.events = events
        self.keyframes.drop_from(0)
        self._rebuild_first_keyframe()
        self.records.set_rows(records)
        self.furthest = furthest
        np.copyto(self.net.theta, theta_start)
        self._settings_as_of(iteration)
        self.iteration, self.position = iteration, 0
        if iteration > 0:
            self.keyframes.store(iteration, self.net.theta)
        self._steps_to(iteration, position)
        self._notify(Change.LOADED)

    # ----------------------------------------------------------------- memory
    @property
    def history_nbytes(self) -> int:
        """Bytes held by the keyframes and the series."""
        return self.keyframes.nbytes + self.records.nbytes
