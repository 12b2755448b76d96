"""Errors the user can read: one type per failure family, each carrying a one-line message."""

from __future__ import annotations


class InspectorError(Exception):
    """Base of every error LSTM Inspector reports to a user instead of a traceback."""


class CorruptFile(InspectorError):
    """The file is not a readable Keras model (truncated, damaged, not HDF5/zip, bad JSON)."""


class UnsafeFile(InspectorError):
    """The file asks for something we refuse to do (external links, oversized data, ...)."""


class UnsupportedModel(InspectorError):
    """The file is readable but holds something LSTM Inspector cannot interpret or run."""


class BadSequence(InspectorError):
    """An input sequence does not fit the model (shape, dtype, NaN, empty)."""
