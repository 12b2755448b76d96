"""LSTM Inspector: see inside Keras recurrent models."""

__version__ = "0.1.0"
