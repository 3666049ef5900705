"""The course's functions (Deep Learning Specialization, course 1, weeks 3 and 4) as thin adapters over the engine.

``week3``: the planar "flower" classifier with one tanh hidden layer (``nn_model`` and its pieces).
``week4``: the L-layer relu/sigmoid net, step by step and the application's ``two_layer_model``/``L_layer_model``.
Same names, signatures, seeding and return types as the notebooks, so a teacher gets the notebooks' numbers.
"""

from . import week3, week4

__all__ = ["week3", "week4"]
