"""``backpropviz train …``: train headless on the same engine the window steps.

Example (the course's week 3): backpropviz train --dataset flower --layers 4 --activation tanh
--lr 1.2 --iterations 10000 --seed 3 --print-every 1000

With ``--save run.bpv`` the trained run is saved as a session, which ``backpropviz run.bpv`` opens.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from .engine import blas
from .engine.activations import ACTIVATIONS
from .engine.csv_import import load_for_cli
from .engine.datasets import GENERATORS, Dataset, DatasetError
from .engine.init import INIT_SCHEMES
from .engine.limits import check_hidden_layers
from .engine.model import HiddenLayer, ModelSettings, build_stepper
from .engine.network import check_learning_rate
from .engine.session import SUFFIX, SessionError, max_saved_iterations, save_session

PROGRESS_WIDTH = 30


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line on stderr and exit status 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}") from None
    try:
        check_learning_rate(value)
    except ValueError as exc:  # the engine's reason; argparse names the option already
        raise argparse.ArgumentTypeError(str(exc).removeprefix("learning rate ")) from None
    return value


def _hidden_layers(text: str) -> list[int]:
    """"4" or "20,7,5" → hidden layer sizes; "" or "0" → no hidden layer (logistic regression)."""
    if text.strip() in ("", "0"):
        return []
    try:
        units = [_positive_int(part.strip()) for part in text.split(",")]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"layer sizes must be positive whole numbers: {exc}") from None
    try:
        check_hidden_layers(units)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return units


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value}")
    return value


def _noise(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a finite number ≥ 0, got {text!r}")
    return value


def _session_path(text: str) -> Path:
    """--save: a .bpv path in an existing folder, checked before training so no training is wasted."""
    path = Path(text)
    if path.suffix.lower() != SUFFIX:
        raise argparse.ArgumentTypeError(f"the session file must end in {SUFFIX}, got {text!r}")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder")
    if not path.absolute().parent.is_dir():
        raise argparse.ArgumentTypeError(f"folder {str(path.parent)!r} does not exist")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="backpropviz train", description="Train a network headless and print its cost.")
    names = ", ".join(GENERATORS)
    parser.add_argument("--dataset", default="flower", help=f"{names}, or a CSV path (default: flower)")
    parser.add_argument("--samples", type=_positive_int, help="number of points of a toy set (default: its own)")
    parser.add_argument("--noise", type=_noise, help="noise of a toy set (default: its own)")
    parser.add_argument("--data-seed", type=int, help="seed of a toy set (default: its own; flower's is 1)")
    parser.add_argument(
        "--test-share", type=_share,
        help="share of points held out for testing (default 0 for flower, to keep the course's numbers; else 0.2)",
    )
    parser.add_argument("--standardize", action="store_true", help="standardise the features (train mean/std)")
    parser.add_argument("--layers", type=_hidden_layers, default=[4], help="hidden layer sizes, e.g. 4 or 20,7,5")
    parser.add_argument("--activation", default="tanh", choices=list(ACTIVATIONS), help="hidden activation")
    parser.add_argument("--init", default="scaled_normal", choices=list(INIT_SCHEMES), help="weight init")
    parser.add_argument("--lr", type=_learning_rate, default=1.2, help="learning rate α (default 1.2)")
    parser.add_argument("--iterations", type=_positive_int, default=10000)
    parser.add_argument("--seed", type=int, default=3, help="init seed (default 3, the course's nn_model)")
    parser.add_argument("--print-every", type=_positive_int, default=1000, metavar="K")
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument(
        "--save", type=_session_path, metavar="PATH.bpv",
        help="save the session after training (open it in the window with: backpropviz PATH.bpv)",
    )
    return parser


def run_settings(args: argparse.Namespace, data: Dataset) -> ModelSettings:
    """The run the arguments describe, as the window and sessions describe runs."""
    return ModelSettings(
        dataset=args.dataset if args.dataset in GENERATORS else ModelSettings.dataset,
        samples=args.samples, noise=args.noise, data_seed=args.data_seed, test_share=data.test_share,
        split_seed=data.split_seed, standardize=data.standardized,
        hidden=tuple(HiddenLayer(units, args.activation) for units in args.layers), init=args.init,
        seed=args.seed, learning_rate=args.lr, dtype=args.dtype,
    )


def _progress(out: TextIO, done: int, total: int, cost: float) -> None:
    filled = PROGRESS_WIDTH * done // total
    bar = "#" * filled + "-" * (PROGRESS_WIDTH - filled)
    out.write(f"\r[{bar}] {done}/{total}  cost {cost:.6f}")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backpropviz train``; returns 0, 1 if training diverged, 2 for bad arguments."""
    parser = build_parser()
    command = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(command)
    if args.save is not None and args.iterations > max_saved_iterations(len(args.layers) + 1):
        parser.error(f"argument --save: {args.iterations:,} iterations are more than a session can hold")
    try:
        data = load_for_cli(
            args.dataset, samples=args.samples, noise=args.noise, data_seed=args.data_seed,
            test_share=args.test_share, standardize=args.standardize,
        )
    except DatasetError as exc:
        parser.error(f"argument --dataset: {exc}")
    settings = run_settings(args, data)
    # The stepper runs the engine's own iterations (bit-identical to Network.train) and keeps the
    # per-iteration record a saved session needs; it also stops on the last finite state if α is absurd.
    try:
        stepper = build_stepper(settings, data)
    except ValueError as exc:  # beyond the limits every run obeys (e.g. working memory)
        parser.error(str(exc))
    network = stepper.net
    blas.use_threads(network.layer_dims, data.m)  # as the window would: a saved session replays to the same bits
    show_progress = not args.json and sys.stderr.isatty()
    done = 0
    while done < args.iterations and stepper.report is None:
        chunk = min(args.print_every - done % args.print_every, args.iterations - done)
        stepper.run(chunk)
        costs = stepper.series("cost")
        if not args.json and done % args.print_every == 0 and done < len(costs):
            if show_progress:
                sys.stderr.write("\r" + " " * (PROGRESS_WIDTH + 40) + "\r")
            print(f"Cost after iteration {done}: {costs[done]:f}")
        done = stepper.iteration
        if show_progress and done:
            _progress(sys.stderr, done, args.iterations, costs[done - 1])
    if show_progress:
        sys.stderr.write("\n")
    costs = stepper.series("cost")
    diverged = stepper.report is not None

    if args.save is not None:
        try:
            save_session(args.save, settings, data, stepper, description=shlex.join(["backpropviz", "train", *command]))
        except SessionError as exc:
            parser.error(f"argument --save: {exc}")
        except OSError as exc:
            parser.error(f"argument --save: cannot write {args.save}: {exc.strerror or exc}")

    train_accuracy = network.accuracy(data.X, data.Y)
    test_accuracy = network.accuracy(data.X_test, data.Y_test) if data.Y_test.size else None
    if args.json:
        record = {
            "layer_dims": network.layer_dims,
            "settings": {
                "dataset": args.dataset, "samples": data.m + data.m_test, "noise": args.noise,
                "data_seed": args.data_seed, "test_share": data.test_share, "standardize": args.standardize,
                "activation": args.activation, "init": args.init,
                "learning_rate": args.lr, "iterations": args.iterations, "seed": args.seed,
                "dtype": args.dtype, "print_every": args.print_every,
            },
            "costs": [{"iteration": i, "cost": costs[i].item()} for i in range(0, done, args.print_every)],
            "final_cost": costs[done - 1].item() if done else None,
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
            "diverged": diverged,
        }
        print(json.dumps(record, allow_nan=diverged))
    else:
        print(f"Train accuracy: {100 * train_accuracy:.2f} %")
        if test_accuracy is not None:
            print(f"Test accuracy: {100 * test_accuracy:.2f} %")
        if args.save is not None:
            print(f"Session saved to {args.save}")
    if diverged:
        print(f"backpropviz train: {stepper.report.message}", file=sys.stderr)
        return 1
    return 0
