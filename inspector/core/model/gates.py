"""The gates of every recurrent class, in the canonical order the whole program uses.

LSTM i, f, c, o (Keras 1 stored i, c, f, o: the reader reorders); GRU z, r, h; SimpleRNN one block.
"""

from __future__ import annotations

GATES = {
    "LSTM": ("i", "f", "c", "o"),
    "GRU": ("z", "r", "h"),
    "SimpleRNN": ("h",),
    "ConvLSTM1D": ("i", "f", "c", "o"),
    "ConvLSTM2D": ("i", "f", "c", "o"),
    "ConvLSTM3D": ("i", "f", "c", "o"),
}
GATE_TITLES = {
    "i": "input gate", "f": "forget gate", "c": "cell candidate c~", "o": "output gate",
    "z": "update gate", "r": "reset gate", "h": "candidate h~",
}
MATRICES = {  # role -> (symbol, title)
    "kernel": ("W", "kernel"),
    "recurrent_kernel": ("U", "recurrent kernel"),
    "bias": ("b", "bias"),
    "recurrent_bias": ("b_U", "recurrent bias"),
}
