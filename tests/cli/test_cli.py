"""``backpropviz train``: the course's result, output formats, and one-line errors for bad arguments."""

import json
import os
import subprocess
import sys

import pytest

from backpropviz.__main__ import main


def test_week3_flower_reaches_the_course_accuracy(capsys):
    code = main(["train", "--dataset", "flower", "--layers", "4", "--activation", "tanh", "--lr", "1.2",
                 "--iterations", "10000", "--seed", "3", "--print-every", "1000"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "Cost after iteration 0: 0.693162"  # the current notebook's first printed cost
    assert out[1] == "Cost after iteration 1000: 0.258625"
    assert len([line for line in out if line.startswith("Cost after")]) == 10
    accuracy = float(out[-1].removeprefix("Train accuracy: ").removesuffix(" %"))
    assert 89.5 <= accuracy <= 91.0  # the course reports 90 %


def test_json_output_is_one_object(capsys):
    code = main(["train", "--dataset", "moons", "--iterations", "300", "--print-every", "100", "--lr", "0.5",
                 "--json", "--layers", "8,4", "--activation", "relu", "--init", "he"])
    record = json.loads(capsys.readouterr().out)
    assert code == 0
    assert record["layer_dims"] == [2, 8, 4, 1]
    assert [c["iteration"] for c in record["costs"]] == [0, 100, 200]
    assert record["settings"]["test_share"] == 0.2 and record["test_accuracy"] is not None
    assert 0 <= record["train_accuracy"] <= 1 and record["diverged"] is False


def test_csv_dataset_and_float32(tmp_path, capsys):
    path = tmp_path / "tiny.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i},{-i},{int(i > 5)}\n" for i in range(12)))
    code = main(["train", "--dataset", str(path), "--iterations", "200", "--lr", "0.1", "--standardize",
                 "--dtype", "float32", "--print-every", "100", "--test-share", "0"])
    out = capsys.readouterr().out
    assert code == 0 and "Train accuracy: 100.00 %" in out


def test_divergence_exits_1_with_a_message(capsys):
    code = main(["train", "--lr", "1e300", "--iterations", "50", "--layers", "4", "--activation", "relu"])
    captured = capsys.readouterr()
    assert code == 1
    assert "diverged" in captured.err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--dataset", "nope"], "argument --dataset: unknown data set 'nope'"),
        (["--activation", "swish"], "argument --activation: invalid choice"),
        (["--layers", "4,0"], "argument --layers"),
        (["--layers", "four"], "argument --layers"),
        (["--iterations", "0"], "argument --iterations: must be > 0"),
        (["--lr", "0"], "argument --lr: must be a finite number > 0"),
        (["--lr", "nan"], "argument --lr"),
        (["--lr", "inf"], "argument --lr"),
        (["--test-share", "1.5"], "argument --test-share"),
        (["--noise", "-1"], "argument --noise"),
        (["--dataset", "missing.csv"], "argument --dataset"),
        (["--init", "ones"], "argument --init"),
        (["--lr", "1e-300"], "argument --lr: 1e-300 is below the smallest allowed, 1e-12"),
        (["--layers", "4,4,4,4,4,4,4"], "argument --layers: 7 hidden layers, more than the 6 the window can show"),
        (["--layers", "3000"], "argument --layers: hidden layer 1 has 3,000 units, more than the 1,024"),
        (
            ["--samples", "100000", "--layers", "1024,1024"],
            "would need 820,000,000 numbers of working memory, more than the 100,000,000 allowed",
        ),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(args, fragment, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", *args])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bad_csv_is_named(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("x1,label\n1,0\nabc,1\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--dataset", str(path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "line 3" in err and len(err.strip().splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_as_the_dataset_is_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait for ever
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--dataset", str(fifo)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "is a named pipe (FIFO), not a regular file" in err


def test_a_real_subprocess_run():
    result = subprocess.run(
        [sys.executable, "-m", "backpropviz", "train", "--iterations", "50", "--print-every", "25"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Cost after iteration 0: 0.693162")
    assert "Train accuracy" in result.stdout
