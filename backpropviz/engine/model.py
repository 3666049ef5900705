"""What defines a run — data, architecture, initialisation, α — and how to build it.

The window, the CLI and saved sessions all describe a run with a ModelSettings and build it here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from .datasets import Dataset, DatasetError, toy_dataset
from .limits import check_network
from .network import Network
from .stepper import Stepper


@dataclass(frozen=True)
class HiddenLayer:
    """One hidden layer: its number of units and its activation's name."""

    units: int
    activation: str


@dataclass(frozen=True)
class ModelSettings:
    """Everything that defines a fresh run: data, architecture, initialisation and α.

    The defaults are the course's week 3: flower, 4 tanh hidden units, initialisation ×0.01 with
    seed 3, α = 1.2, no test set (the course trains on all 400 points).
    """

    dataset: str = "flower"
    samples: int | None = None
    noise: float | None = None
    data_seed: int | None = None
    test_share: float = 0.0
    split_seed: int = 0
    standardize: bool = False
    hidden: tuple[HiddenLayer, ...] = field(default=(HiddenLayer(4, "tanh"),))
    init: str = "scaled_normal"
    seed: int = 3
    learning_rate: float = 1.2
    dtype: str = "float64"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (hidden layers as dicts)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSettings:
        """The inverse of ``to_dict``; ValueError names a missing, unknown or mistyped field."""
        if not isinstance(data, dict):
            raise ValueError("settings must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        values = dict(data)
        try:
            values["hidden"] = tuple(HiddenLayer(int(h["units"]), str(h["activation"])) for h in data["hidden"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"settings: hidden layers must be a list of {{units, activation}}: {exc}") from None
        types = {"dataset": str, "init": str, "dtype": str, "seed": int, "split_seed": int,
                 "learning_rate": (int, float), "test_share": (int, float), "standardize": bool}
        for name, expected in types.items():
            value = values.get(name)
            wrong_bool = isinstance(value, bool) and expected is not bool  # bool is an int, but true is no seed
            if name in values and (not isinstance(value, expected) or wrong_bool):
                raise ValueError(f"settings: {name} has the wrong type ({type(value).__name__})")
        return cls(**values)

    def layer_dims(self, n_x: int) -> list[int]:
        return [n_x, *(h.units for h in self.hidden), 1]

    def activations(self) -> list[str]:
        return [*(h.activation for h in self.hidden), "sigmoid"]


def build_dataset(settings: ModelSettings) -> Dataset:
    """The toy set the settings name, split and standardised as they say."""
    return toy_dataset(
        settings.dataset, settings.samples, settings.noise, settings.data_seed,
        test_share=settings.test_share, split_seed=settings.split_seed, standardize=settings.standardize,
    )


def build_stepper(settings: ModelSettings, dataset: Dataset) -> Stepper:
    """A fresh network on ``dataset`` with a stepper over it; ValueError names a bad setting."""
    return stepper_on(settings, dataset.X, dataset.Y, dataset.X_test, dataset.Y_test)


def stepper_on(
    settings: ModelSettings, X: np.ndarray, Y: np.ndarray, X_test: np.ndarray | None, Y_test: np.ndarray | None
) -> Stepper:
    """A fresh network and stepper on the training set X (n_x, m), Y (1, m) and a test set (or None).

    ValueError if the network is beyond the limits (every run, from the window, the CLI or a session, is
    built here).
    """
    layer_dims = settings.layer_dims(X.shape[0])
    check_network(layer_dims, X.shape[1] + (0 if X_test is None else X_test.shape[1]))
    network = Network(
        layer_dims, settings.activations(), init=settings.init, seed=settings.seed,
        dtype=settings.dtype,
    )
    return Stepper(network, X, Y, settings.learning_rate, X_test, Y_test)


def is_generated(settings: ModelSettings, dataset: Dataset) -> bool:
    """Whether ``dataset`` is exactly, bit for bit, the toy set ``settings`` generate (split included)."""
    try:
        generated = build_dataset(settings)
    except DatasetError:
        return False
    return same_dataset(dataset, generated)


def same_dataset(a: Dataset, b: Dataset) -> bool:
    return (
        a.X_all.shape == b.X_all.shape and a.Y_all.shape == b.Y_all.shape
        and a.X_all.tobytes() == b.X_all.tobytes() and a.Y_all.tobytes() == b.Y_all.tobytes()
        and (a.name, a.source, a.label_names, a.feature_names) == (b.name, b.source, b.label_names, b.feature_names)
        and (a.test_share, a.split_seed, a.standardized) == (b.test_share, b.split_seed, b.standardized)
    )
