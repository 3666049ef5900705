"""One set of limits for every way a run comes in: the window's controls, ``backpropviz train``, a ``.bpv``
session and a CSV file.

The limits are what the window can show (its controls stop at MAX_HIDDEN_LAYERS × MAX_UNITS) and what
memory can hold, so a run one way in accepts is a run every other way can open, and anything beyond is
refused with a message before it is built, never met as a frozen window or a MemoryError.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_HIDDEN_LAYERS = 6  # the diagram lays out this many hidden layers legibly at classroom sizes
MAX_UNITS = 1_024  # units of one hidden layer: its W heatmap and the inspector still show them
MAX_ROWS = 100_000  # points of a data set: CSV rows, generated or hand-edited points
MAX_COLUMNS = 1_000  # columns of a CSV, the label included
MAX_FEATURES = MAX_COLUMNS - 1
# Numbers the network allocates for its examples: Z, A, dZ, dA of each layer and X, dA0 (800 MB of float64).
MAX_WORKING_ELEMENTS = 100_000_000
# The largest feature value a data set may hold. Standardising sums squared deviations over up to MAX_ROWS
# points: (2 · 1e150)² · 1e5 = 4e305 stays below float64's 1.8e308, so every statistic the window computes
# from the raw points stays finite (and NumPy never warns of an overflow). Real measurements are far smaller.
MAX_FEATURE_MAGNITUDE = 1e150
# The smallest learning rate. An update moves a weight by α·dW; with α = 1e-12 and a gradient of size 1, a
# weight of size 1 moves by 1e-12 an iteration, 1e-6 after a million iterations: nothing a plot or a table
# could show. Below ~1e-16 the update is lost to rounding entirely (float64 keeps 16 digits).
MIN_LEARNING_RATE = 1e-12


def check_hidden_count(count: int) -> None:
    """ValueError unless ``count`` hidden layers fit the window."""
    if count > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{count:,} hidden layers, more than the {MAX_HIDDEN_LAYERS} the window can show")


def check_hidden_layers(units: Sequence[int]) -> None:
    """ValueError unless the hidden layers (``units[k]`` units in hidden layer k + 1) fit the window."""
    check_hidden_count(len(units))
    for layer, n in enumerate(units, start=1):
        if n > MAX_UNITS:
            raise ValueError(f"hidden layer {layer} has {n:,} units, more than the {MAX_UNITS:,} the window can show")


def check_network(layer_dims: Sequence[int], m: int) -> None:
    """ValueError unless a network ``layer_dims`` ([n_x, n_1, …, n_L]) on ``m`` examples fits the limits."""
    n_x = layer_dims[0]
    check_hidden_layers(layer_dims[1:-1])
    if n_x > MAX_FEATURES:
        raise ValueError(f"{n_x:,} features, more than the {MAX_FEATURES:,} allowed")
    if m > MAX_ROWS:
        raise ValueError(f"{m:,} points, more than the {MAX_ROWS:,} allowed")
    working = m * (4 * sum(layer_dims[1:]) + 2 * n_x)
    if working > MAX_WORKING_ELEMENTS:
        dims = "-".join(str(n) for n in layer_dims)
        raise ValueError(
            f"the network {dims} on {m:,} points would need {working:,} numbers of working memory, more than "
            f"the {MAX_WORKING_ELEMENTS:,} allowed ({8 * MAX_WORKING_ELEMENTS / 1e9:g} GB); use fewer units or points"
        )
