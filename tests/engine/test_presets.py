"""Lecture presets: every shipped session loads, builds, and shows what its description claims; the
shipped files are what the code makes now; the hidden-layer sweep gives the notebook's accuracies."""

import numpy as np
import pytest

from backpropviz.engine import presets
from backpropviz.engine.presets import (
    PRESETS,
    HiddenLayerSweep,
    build_preset,
    hidden_layer_sweep,
    l_model_forward_test_case,
    load_preset,
    session_presets,
    write_presets,
)
from backpropviz.engine.session import Session, load_session

# The notebook's "Tuning hidden layer size" cell (5000 iterations), 1–5 units; 20 and 50 units depend on
# the CPU's SIMD path (see the course reference notes), so they are not pinned here.
COURSE_SWEEP = [(1, 67.5), (2, 67.25), (3, 90.75), (4, 90.5), (5, 91.25)]
COURSE_AL = np.array([[0.03921668, 0.70498921, 0.19734387, 0.04728177]])


def built(key):
    """(dataset, stepper) of the shipped preset."""
    _settings, dataset, stepper = load_preset(key).build()
    return dataset, stepper


def rows_identical(matrix):
    """Every row exactly (bit for bit) equal to the first."""
    return all(np.array_equal(row, matrix[0]) for row in matrix)


# ---------------------------------------------------------------------------------- the catalogue
def test_catalogue_lists_six_presets_with_unique_keys_and_files():
    keys = [p.key for p in PRESETS]
    assert len(PRESETS) == 6 and len(set(keys)) == 6
    files = [p.filename for p in PRESETS if p.filename is not None]
    assert len(files) == 5 and len(set(files)) == 5 and all(f.endswith(".bpv") for f in files)
    assert [p.key for p in PRESETS if p.filename is None] == ["hidden_layer_sweep"]
    for p in PRESETS:
        assert p.title and p.purpose and "\n" not in p.purpose  # one line, for a menu's status tip


@pytest.mark.parametrize("entry", session_presets(), ids=lambda p: p.key)
def test_every_shipped_preset_loads_builds_and_runs(entry):
    session = load_preset(entry.key)
    assert session.title == entry.title
    assert session.description.startswith(entry.purpose)
    assert len(session.description) > len(entry.purpose) + 100  # the what-to-do part follows
    assert (session.iteration, session.position) == (0, 0)  # fresh: the class starts from the beginning
    settings, dataset, stepper = session.build()
    assert stepper.net.layer_dims == settings.layer_dims(dataset.n_x)
    stepper.run(100)
    assert stepper.iteration == 100 or stepper.report is not None


def test_the_shipped_files_are_what_write_presets_makes_now(tmp_path):
    """Compared as loaded sessions, not bytes: the zip members carry the time they were written."""
    written = write_presets(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.filename for p in session_presets())
    for entry in session_presets():
        shipped, fresh = load_preset(entry.key), load_session(tmp_path / entry.filename)
        assert_same_session(shipped, fresh)
        assert_same_session(shipped, build_preset(entry.key))


def assert_same_session(a: Session, b: Session) -> None:
    assert (a.title, a.description, a.settings, a.dataset_generated) == (
        b.title, b.description, b.settings, b.dataset_generated
    )
    assert a.state == b.state
    assert a.arrays.keys() == b.arrays.keys()
    for name in a.arrays:
        assert np.array_equal(a.arrays[name], b.arrays[name]), name
    np.testing.assert_array_equal(a.dataset.X_all, b.dataset.X_all)
    np.testing.assert_array_equal(a.dataset.Y_all, b.dataset.Y_all)
    assert (a.dataset.name, a.dataset.source) == (b.dataset.name, b.dataset.source)


def test_the_sweep_is_not_a_session():
    with pytest.raises(ValueError, match="not a session"):
        load_preset("hidden_layer_sweep")
    with pytest.raises(KeyError, match="valid keys"):
        load_preset("no_such_preset")


def test_list_command_prints_every_preset(capsys):
    assert presets.main(["list"]) == 0
    out = capsys.readouterr().out
    for p in PRESETS:
        assert p.key in out and p.title in out and p.purpose in out


# --------------------------------------------------------------------------------- each preset's claim
def test_week3_flower_starts_at_the_course_init_and_reaches_90_percent(flower):
    dataset, stepper = built("week3_flower")
    np.testing.assert_array_equal(dataset.X, flower[0])
    rng = np.random.RandomState(3)  # nn_model: np.random.seed(3), then W1 = randn(4, 2) × 0.01, W2
    np.testing.assert_array_equal(stepper.net.W[1], rng.randn(4, 2) * 0.01)
    np.testing.assert_array_equal(stepper.net.W[2], rng.randn(1, 4) * 0.01)
    assert not stepper.net.b[1].any() and not stepper.net.b[2].any()
    assert stepper.net.activation_names == ["tanh", "sigmoid"] and stepper.learning_rate == 1.2
    assert stepper.report is None and stepper.run(10000) is None
    assert stepper.series("cost")[0] == pytest.approx(0.693162, abs=1e-6)  # the newest notebook's first cost
    assert 0.895 <= stepper.net.accuracy(dataset.X, dataset.Y) <= 0.915  # "Accuracy: 90%"


def test_zero_init_keeps_every_hidden_unit_identical():
    dataset, stepper = built("zero_init")
    assert not stepper.net.theta.any()
    assert stepper.run(100) is None
    W1, W2 = stepper.net.W[1], stepper.net.W[2]
    assert np.abs(W1).max() > 0.01  # the units do learn …
    assert rows_identical(W1) and rows_identical(W2.T)  # … but in lock-step, exactly
    assert rows_identical(stepper.net.b[1])
    stepper.run(900)
    assert rows_identical(stepper.net.W[1])
    # four identical units are one unit: no better than the sweep's 1-unit net (67.5 %)
    assert stepper.net.accuracy(dataset.X, dataset.Y) < 0.70


def test_deep_sigmoid_gradients_vanish_towards_the_first_layer():
    _dataset, stepper = built("deep_sigmoid")
    assert set(stepper.net.activation_names) == {"sigmoid"} and stepper.L == 6
    assert stepper.run(100) is None
    grad_norm = stepper.series("grad_norm")
    assert grad_norm.shape == (100, 6)
    first, last = grad_norm[0, 0], grad_norm[0, -1]
    assert first * 100 <= last  # ‖dW1‖ at least 100× smaller than ‖dW6‖ (about 4,000× here)
    assert np.all(np.diff(grad_norm[0]) > 0)  # and it shrinks layer by layer on the way back
    assert abs(stepper.series("cost")[-1] - np.log(2)) < 0.01  # still on the plateau after 100 iterations


def test_large_learning_rate_oscillates_then_diverges_with_a_report():
    _dataset, stepper = built("large_learning_rate")
    report = stepper.run(1000)
    assert report is not None and stepper.report is report
    assert report.iteration < 300 and "learning rate" in report.cause
    cost = stepper.series("cost")
    assert np.all(np.isfinite(cost)) and cost.max() > 2 * cost[0]  # it climbed …
    assert np.count_nonzero(np.diff(cost) < 0) >= 2 and np.count_nonzero(np.diff(cost) > 0) >= 2  # … and swung
    assert np.all(np.isfinite(stepper.net.theta))  # the last finite state is kept


def test_course_l_model_forward_case_gives_the_notebooks_AL():
    session = load_preset("course_L_model_forward")
    assert not session.dataset_generated  # the 4 points of the test case are stored in the file
    _settings, dataset, stepper = session.build()
    X, parameters = l_model_forward_test_case()
    np.testing.assert_array_equal(dataset.X, X)
    np.testing.assert_array_equal(dataset.Y, [[1, 0, 1, 0]])
    for name, value in parameters.items():
        np.testing.assert_array_equal(getattr(stepper.net, name[0])[int(name[1])], value)
    assert stepper.net.activation_names == ["relu", "relu", "sigmoid"]
    for _ in range(3):
        assert stepper.step()
    assert [s.label for s in stepper.steps[: stepper.position]] == ["F1", "F2", "F3"]
    np.testing.assert_array_almost_equal(stepper.value("A", 3), COURSE_AL, decimal=8)
    stepper.run(100)
    stepper.reset()  # Reset returns to the course's parameters, not to a fresh random init
    np.testing.assert_array_equal(stepper.net.W[1], parameters["W1"])


def test_l_model_forward_test_case_leaves_the_global_rng_alone():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    l_model_forward_test_case()
    assert np.random.rand() == expected


# ------------------------------------------------------------------------------------- the sweep
def test_hidden_layer_sweep_reproduces_the_notebook_for_1_to_5_units():
    calls = []
    results = hidden_layer_sweep(sizes=(1, 2, 3, 4, 5), progress=lambda done, total: calls.append((done, total)))
    assert results == COURSE_SWEEP
    assert calls[-1] == (25000, 25000) and all(total == 25000 for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_sweep_in_small_chunks_equals_one_go():
    """A dialog advances the sweep a little per timer tick; that must not change a single bit."""
    chunked = HiddenLayerSweep(sizes=(3, 20), iterations=700)
    finished = []
    while not chunked.finished:
        assert chunked.current_size in (3, 20)
        finished += chunked.advance(97)
    assert chunked.current_size is None and chunked.done_iterations == chunked.total_iterations == 1400
    assert finished == chunked.results == hidden_layer_sweep(sizes=(3, 20), iterations=700)


def test_sweep_rejects_bad_arguments():
    with pytest.raises(ValueError):
        HiddenLayerSweep(sizes=())
    with pytest.raises(ValueError):
        HiddenLayerSweep(sizes=(0, 4))
    with pytest.raises(ValueError):
        HiddenLayerSweep(iterations=-1)
    with pytest.raises(ValueError):
        HiddenLayerSweep().advance(0)
    (size, accuracy), = HiddenLayerSweep(sizes=(2,), iterations=0).advance(1)  # untrained, still measured
    assert size == 2 and 0 <= accuracy <= 100
