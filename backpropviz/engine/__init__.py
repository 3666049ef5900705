"""The pure-NumPy engine: nothing here imports Qt or pyqtgraph."""

from .network import Network

__all__ = ["Network"]
