"""What the stepper's history costs: ``Stepper.run(n)`` against the bare ``Network.train(n)``, one run.

The stepper keeps keyframes, records cost, accuracy and ‖dW‖ per iteration and checks every iteration
for divergence; the target is ≤ 10 % on the course's flower net (2-4-1 tanh, m = 400, no test set). Both
paths run the same engine methods, so the final parameters must be bit-identical — the script checks that
too.

    python benchmarks/stepper_overhead.py [--iterations N] [--repeats R]
"""

from __future__ import annotations

import argparse
import time

from backpropviz.engine.datasets import flower, make_dataset
from backpropviz.engine.network import Network
from backpropviz.engine.stepper import Stepper


def best_rate(run, iterations: int, repeats: int) -> float:
    """Iterations per second of the fastest of ``repeats`` runs (the others were disturbed), in this process's
    CPU time: on two cores shared with other work, wall-clock time also counts the time the process waited,
    which swamps a difference of a few per cent (the small nets' BLAS calls run on this thread)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return iterations / best


def measure(name: str, layer_dims: list[int], activation: str, X, Y, X_test, Y_test, iterations: int,
            repeats: int) -> tuple[str, float, float, bool]:
    """(name, bare it/s, stepper it/s, bit-identical) for one net; bare and stepper alternate."""
    bare_net = Network(layer_dims, activation, seed=3)
    stepper_net = Network(layer_dims, activation, seed=3)
    bare_net.bind(X, Y)
    theta0 = bare_net.theta.copy()
    state = {}

    def bare() -> None:
        bare_net.theta[...] = theta0
        bare_net.train(iterations, 1.2)

    def stepped() -> None:
        stepper_net.theta[...] = theta0
        state["stepper"] = Stepper(stepper_net, X, Y, 1.2, X_test, Y_test)
        state["stepper"].run(iterations)

    bare_rate = stepper_rate = 0.0
    for _ in range(repeats):  # alternate, so load from other processes hits both alike
        bare_rate = max(bare_rate, best_rate(bare, iterations, 1))
        stepper_rate = max(stepper_rate, best_rate(stepped, iterations, 1))
    identical = bare_net.theta.tobytes() == stepper_net.theta.tobytes()
    return name, bare_rate, stepper_rate, identical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    X, Y = flower()
    Xm, Ym = make_dataset("moons")
    rows = [
        measure("2-4-1 tanh, flower (no test set)", [2, 4, 1], "tanh", X, Y, None, None, args.iterations,
                args.repeats),
        measure("2-4-1 tanh, moons, 20 % test set", [2, 4, 1], "tanh", Xm[:, :160], Ym[:, :160], Xm[:, 160:],
                Ym[:, 160:], args.iterations, args.repeats),
        measure("2-20-7-5-1 relu, flower", [2, 20, 7, 5, 1], "relu", X, Y, None, None, args.iterations // 2,
                args.repeats),
    ]
    print(f"{'net':40} {'Network.train':>14} {'Stepper.run':>12} {'overhead':>9}  bit-identical")
    for name, bare, stepped, identical in rows:
        print(f"{name:40} {bare:12,.0f}/s {stepped:10,.0f}/s {100 * (bare / stepped - 1):8.1f} %  {identical}")
    print("\n| Measurement | Result |\n|---|---|")
    for name, bare, stepped, _ in rows:
        print(f"| {name}: Stepper.run vs Network.train | {stepped:,.0f} vs {bare:,.0f} it/s "
              f"(history costs **{100 * (bare / stepped - 1):.0f} %**) |")


if __name__ == "__main__":
    main()
