"""``backpropviz train …``: train headless on the same engine the window steps.

Example (the course's week 3): backpropviz train --dataset flower --layers 4 --activation tanh
--lr 1.2 --iterations 10000 --seed 3 --print-every 1000
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import numpy as np

from .engine.activations import ACTIVATIONS
from .engine.init import INIT_SCHEMES
from .engine.network import Network, check_learning_rate

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
        check_learning_rate(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}") from None
    return value


def _hidden_layers(text: str) -> list[int]:
    """"4" or "20,7,5" → hidden layer sizes; "" or "0" → no hidden layer (logistic regression)."""
    if text.strip() in ("", "0"):
        return []
    try:
        return [_positive_int(part.strip()) for part in text.split(",")]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"layer sizes must be positive whole numbers: {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="backpropviz train", description="Train a network headless and print its cost.")
    parser.add_argument("--dataset", default="flower", help="toy set name or a CSV path (default: flower)")
    parser.add_argument("--layers", type=_hidden_layers, default=[4], help="hidden layer sizes, e.g. 4 or 20,7,5")
    parser.add_argument("--activation", default="tanh", choices=list(ACTIVATIONS), help="hidden activation")
    parser.add_argument("--init", default="scaled_normal", choices=list(INIT_SCHEMES), help="weight init")
    parser.add_argument("--lr", type=_learning_rate, default=1.2, help="learning rate α (default 1.2)")
    parser.add_argument("--iterations", type=_positive_int, default=10000)
    parser.add_argument("--seed", type=int, default=3, help="init seed (default 3, the course's nn_model)")
    parser.add_argument("--print-every", type=_positive_int, default=1000, metavar="K")
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def _progress(out: TextIO, done: int, total: int, cost: float) -> None:
    filled = PROGRESS_WIDTH * done // total
    bar = "#" * filled + "-" * (PROGRESS_WIDTH - filled)
    out.write(f"\r[{bar}] {done}/{total}  cost {cost:.6f}")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backpropviz train``; returns 0, 1 if training diverged, 2 for bad arguments."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .engine import datasets

    try:
        data = datasets.load_for_cli(args.dataset)
    except ValueError as exc:
        parser.error(f"argument --dataset: {exc}")
    layer_dims = [data.X.shape[0], *args.layers, 1]
    network = Network(layer_dims, args.activation, init=args.init, seed=args.seed, dtype=args.dtype)
    network.bind(data.X, data.Y)

    costs = np.empty(args.iterations)
    show_progress = not args.json and sys.stderr.isatty()
    done = 0
    diverged = False
    while done < args.iterations:
        chunk = min(args.print_every - done % args.print_every, args.iterations - done)
        costs[done : done + chunk] = network.train(chunk, args.lr)
        if not args.json and done % args.print_every == 0:
            if show_progress:
                sys.stderr.write("\r" + " " * (PROGRESS_WIDTH + 40) + "\r")
            print(f"Cost after iteration {done}: {costs[done]:f}")
        done += chunk
        if show_progress:
            _progress(sys.stderr, done, args.iterations, costs[done - 1])
        if not all(math.isfinite(W.sum()) for W in network.W[1:]):
            diverged = True
            break
    if show_progress:
        sys.stderr.write("\n")

    train_accuracy = network.accuracy(data.X, data.Y)
    test_accuracy = network.accuracy(data.X_test, data.Y_test) if data.Y_test.size else None
    if args.json:
        record = {
            "layer_dims": layer_dims,
            "settings": {
                "dataset": args.dataset, "activation": args.activation, "init": args.init,
                "learning_rate": args.lr, "iterations": args.iterations, "seed": args.seed,
                "dtype": args.dtype, "print_every": args.print_every,
            },
            "costs": [{"iteration": i, "cost": costs[i].item()} for i in range(0, done, args.print_every)],
            "final_cost": costs[done - 1].item(),
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
            "diverged": diverged,
        }
        print(json.dumps(record, allow_nan=diverged))
    else:
        print(f"Train accuracy: {100 * train_accuracy:.2f} %")
        if test_accuracy is not None:
            print(f"Test accuracy: {100 * test_accuracy:.2f} %")
    if diverged:
        print(f"backpropviz train: training diverged before iteration {done} (learning rate {args.lr} too large?)",
              file=sys.stderr)
        return 1
    return 0
