"""Run the engine's matrix products on one BLAS thread.

A recurrent step multiplies one [batch, units] row block by the recurrent kernel: far too
little work to split across threads, yet OpenBLAS does split it (units >= ~100), and the hand-off
costs more than the product. Worse, OpenBLAS threads fall asleep between the engine's sporadic
larger products (input projections, Dense): waking them costs 2-30 ms per call on this 2-core
machine, where a single thread needs 1 ms (measured for [1000, 16] @ [16, 1024]). OpenBLAS >= 0.3.27 has
`openblas_set_num_threads_local`, which changes the count for the calling thread only, so a GUI
or other threads are unaffected. Without OpenBLAS (MKL, Accelerate) this is a no-op.
"""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def _set_local_threads() -> Callable[[int], int] | None:
    base = os.path.dirname(os.path.dirname(np.__file__))
    patterns = ("numpy.libs/*openblas*", "numpy/.dylibs/*openblas*")
    for pattern in patterns:
        for path in glob.glob(os.path.join(base, pattern)):
            try:
                function = ctypes.CDLL(path).openblas_set_num_threads_local
            except (OSError, AttributeError):
                continue
            function.restype, function.argtypes = ctypes.c_int, [ctypes.c_int]
            return function
    return None


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Within the block this thread's BLAS calls use one thread; restored afterwards."""
    setter = _set_local_threads()
    if setter is None:
        yield
        return
    previous = setter(1)
    try:
        yield
    finally:
        setter(previous)
