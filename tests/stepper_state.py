"""What the tests compare when they claim two stepper states are bit-identical."""

import numpy as np

from backpropviz.engine.steps import QUANTITIES


def snapshot(stepper, history: bool = False) -> dict:
    """Everything a view or a later step can depend on: cursor, θ, every filled quantity, J, α, the bug,
    and the records of the past. ``history`` adds what only a saved session must keep too: the known
    future's records, the initial θ and α, and the events."""
    state = {
        "cursor": (stepper.iteration, stepper.position),
        "theta": stepper.net.theta.copy(),
        "J": stepper.current_cost,
        "lr": stepper.learning_rate,
        "bug": stepper.planted_bug_layer,
        # a step may add to the known future, which back() keeps (it replays identically)
        "records": stepper.records.values()[: stepper.iteration].copy(),
    }
    if history:
        state.update(
            furthest=stepper.furthest,
            theta_initial=stepper.export_state()[1]["theta_initial"],
            initial_lr=stepper.initial_learning_rate,
            records=stepper.records.values().copy(),
            events=[(e.iteration, e.kind, e.data, e.position_before, e.position_after) for e in stepper.events],
        )
    for q in QUANTITIES:
        for l in range(0 if q in ("A", "dA") else 1, stepper.L + 1):
            value = stepper.value(q, l)
            state[f"{q}{l}"] = None if value is None else value.copy()
    return state


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].shape == b[key].shape, key
            assert a[key].dtype == b[key].dtype, key
            assert a[key].tobytes() == b[key].tobytes(), key  # bit-identical, NaN rows included
        else:
            assert a[key] == b[key], key


def assert_same_run(here, there) -> None:
    """Two runs bit-identical in everything: state, history, keyframes and the buffers Play's ghosts show."""
    assert_same(snapshot(here, history=True), snapshot(there, history=True))
    assert here.keyframes.spacing == there.keyframes.spacing
    assert sorted(here.keyframes._frames) == sorted(there.keyframes._frames)
    for t, theta in here.keyframes._frames.items():
        assert theta.tobytes() == there.keyframes._frames[t].tobytes(), t
    assert here.caches_current and there.caches_current
    assert here.net.export_caches().tobytes() == there.net.export_caches().tobytes()
