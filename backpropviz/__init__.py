"""backpropviz: watch and step backpropagation, with the numbers of the deep learning course."""

__version__ = "0.1.0"
