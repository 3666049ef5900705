"""``backpropviz train … --save run.bpv``: the saved session is the run just trained, and bad paths are refused."""

import json
import os

import numpy as np
import pytest

from backpropviz.__main__ import main
from backpropviz.engine import session as session_module
from backpropviz.engine.datasets import toy_dataset
from backpropviz.engine.network import Network
from backpropviz.engine.session import load_session


def test_save_writes_the_trained_run(tmp_path, capsys):
    path = tmp_path / "run.bpv"
    code = main(["train", "--dataset", "moons", "--iterations", "300", "--print-every", "100", "--lr", "0.5",
                 "--layers", "8,4", "--activation", "relu", "--init", "he", "--save", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[-1] == f"Session saved to {path}"

    session = load_session(path)
    assert (session.iteration, session.position) == (300, 0)
    assert session.dataset_generated
    s = session.settings
    assert (s.dataset, s.test_share, s.init, s.seed, s.learning_rate) == ("moons", 0.2, "he", 3, 0.5)
    assert [(h.units, h.activation) for h in s.hidden] == [(8, "relu"), (4, "relu")]
    assert session.description.startswith("backpropviz train --dataset moons")

    # the saved θ and costs are those of the CLI's own path, Network.train, bit for bit
    data = toy_dataset("moons", test_share=0.2)
    network = Network([2, 8, 4, 1], "relu", init="he", seed=3)
    network.bind(data.X, data.Y)
    costs = network.train(300, 0.5)
    _, dataset, stepper = session.build()
    assert dataset.X.tobytes() == data.X.tobytes()
    assert stepper.net.theta.tobytes() == network.theta.tobytes()
    assert stepper.series("cost").tobytes() == costs.tobytes()


def test_save_with_a_csv_and_json_output(tmp_path, capsys):
    csv = tmp_path / "tiny.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i},{(-1) ** i * i},{'yes' if i > 5 else 'no'}\n" for i in range(12)))
    path = tmp_path / "tiny.bpv"
    code = main(["train", "--dataset", str(csv), "--iterations", "40", "--lr", "0.1", "--standardize",
                 "--dtype", "float32", "--json", "--save", str(path)])
    record = json.loads(capsys.readouterr().out)  # still exactly one JSON object
    assert code == 0 and record["diverged"] is False
    session = load_session(path)
    assert session.iteration == 40
    assert not session.dataset_generated  # a CSV's points are stored in the session
    assert session.dataset.label_names == ("no", "yes") and session.dataset.feature_names == ("a", "b")
    assert session.dataset.standardized and session.settings.dtype == "float32"
    session.build()


def test_a_diverged_run_is_saved_at_its_last_finite_state(tmp_path, capsys):
    path = tmp_path / "boom.bpv"
    code = main(["train", "--lr", "1e300", "--iterations", "50", "--layers", "4", "--activation", "relu",
                 "--save", str(path)])
    assert code == 1 and "diverged" in capsys.readouterr().err
    _, _, stepper = load_session(path).build()
    assert np.all(np.isfinite(stepper.net.theta))
    assert stepper.iteration < 50


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("run.txt", "argument --save: the session file must end in .bpv, got"),
        ("no_such_folder/run.bpv", "argument --save: folder 'no_such_folder' does not exist"),
        ("folder.bpv", "is a folder"),
    ],
)
def test_bad_save_paths_give_one_line_and_status_2_before_training(target, fragment, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.bpv").mkdir()
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--iterations", "10", "--save", target])
    captured = capsys.readouterr()
    assert exit_info.value.code == 2
    assert fragment in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert captured.out == ""  # refused before any training
    assert sorted(os.listdir(tmp_path)) == ["folder.bpv"]


def test_too_many_iterations_to_save_are_refused_before_training(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--iterations", "100000000", "--save", str(tmp_path / "run.bpv")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "more than a session can hold" in err


def test_a_failed_write_is_one_line_status_2_and_leaves_the_old_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "run.bpv"
    path.write_bytes(b"old")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_module.os, "replace", full_disk)
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--iterations", "10", "--save", str(path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert f"argument --save: cannot write {path}: No space left on device" in err
    assert len(err.strip().splitlines()) == 1
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["run.bpv"]
