"""Fixed source text of the generated numpy port: activations, Keras's time loop, helpers, runner.

Only the activations a model uses are emitted. Formulas are the ones Keras computes
(inspector/core/model/activations.py holds the same definitions for the engine).
"""

from __future__ import annotations

ACTIVATION_SOURCE = {
    "linear": "def linear(x):\n    return x\n",
    "tanh": "def tanh(x):\n    return np.tanh(x)\n",
    "sigmoid": (
        "def sigmoid(x):\n"
        "    e = np.exp(-np.abs(x))  # 1 / (1 + exp(-x)) without overflow\n"
        "    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)\n"
    ),
    "hard_sigmoid_keras2": (
        "def hard_sigmoid_keras2(x):\n"
        "    # hard_sigmoid as Keras 1/2 and tf.keras computed it\n"
        "    return np.clip(x * np.float32(0.2) + np.float32(0.5), 0, 1)\n"
    ),
    "hard_sigmoid_keras3": (
        "def hard_sigmoid_keras3(x):\n"
        "    # hard_sigmoid as Keras 3 computes it: relu6(x + 3) / 6\n"
        "    return np.clip(x + np.float32(3), 0, 6) / np.float32(6)\n"
    ),
    "relu": "def relu(x):\n    return np.maximum(x, 0)\n",
    "relu6": "def relu6(x):\n    return np.clip(x, 0, 6)\n",
    "softmax": (
        "def softmax(x):\n"
        "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
        "    return e / np.sum(e, axis=-1, keepdims=True)\n"
    ),
    "log_softmax": (
        "def log_softmax(x):\n"
        "    shifted = x - np.max(x, axis=-1, keepdims=True)\n"
        "    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))\n"
    ),
    "elu": "def elu(x):\n    return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(x.dtype)\n",
    "selu": (
        "def selu(x):\n"
        "    alpha, scale = 1.6732632423543772, 1.0507009873554805\n"
        "    return (scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))).astype(x.dtype)\n"
    ),
    "softplus": "def softplus(x):\n    return np.logaddexp(0, x).astype(x.dtype)\n",
    "softsign": "def softsign(x):\n    return x / (1 + np.abs(x))\n",
    "exponential": "def exponential(x):\n    return np.exp(x)\n",
    "swish": "def swish(x):\n    return x * sigmoid(x)\n",
    "silu": "def silu(x):\n    return x * sigmoid(x)\n",
    "hard_silu": "def hard_silu(x):\n    return x * hard_sigmoid_keras3(x)\n",
    "mish": "def mish(x):\n    return x * np.tanh(softplus(x))\n",
    "gelu": (
        "def gelu(x):\n"
        "    from math import erf, sqrt\n"
        "    verf = np.vectorize(erf, otypes=[np.float64])\n"
        "    return (0.5 * x * (1 + verf(x / sqrt(2)))).astype(x.dtype)\n"
    ),
    "leaky_relu": "def leaky_relu(x):\n    return np.where(x >= 0, x, x * np.float32(0.2))\n",
    "celu": "def celu(x):\n    return np.maximum(x, 0) + np.expm1(np.minimum(x, 0))\n",
    "log_sigmoid": "def log_sigmoid(x):\n    return -softplus(-x)\n",
    "sparse_plus": (
        "def sparse_plus(x):\n"
        "    return np.where(x <= -1, 0, np.where(x < 1, (x + 1) ** 2 / 4, x)).astype(x.dtype)\n"
    ),
    "squareplus": "def squareplus(x):\n    return (x + np.sqrt(x * x + np.float32(4))) / np.float32(2)\n",
    "tanh_shrink": "def tanh_shrink(x):\n    return x - np.tanh(x)\n",
    "hard_tanh": "def hard_tanh(x):\n    return np.clip(x, -1, 1)\n",
    "soft_shrink": (
        "def soft_shrink(x):\n"
        "    return np.where(np.abs(x) > 0.5, x - np.sign(x) * np.float32(0.5), 0).astype(x.dtype)\n"
    ),
    "hard_shrink": "def hard_shrink(x):\n    return np.where(np.abs(x) > 0.5, x, 0).astype(x.dtype)\n",
}
NEEDS = {"swish": ("sigmoid",), "silu": ("sigmoid",), "hard_silu": ("hard_sigmoid_keras3",),
         "mish": ("softplus",), "log_sigmoid": ("softplus",)}

HELPERS = '''
def load_weights(path="weights.npz"):
    """Every weight array by name, e.g. "lstm_1/forward/W_i" (no pickles are read)."""
    with np.load(path, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def gate_weights(weights, prefix, symbol, gates):
    """The per-gate arrays of one matrix, e.g. W_i, W_f, W_c, W_o; zeros when the layer has no bias."""
    return [weights.get(f"{prefix}/{symbol}_{g}", np.float32(0)) for g in gates]


def time_loop(step, x, states, mask, go_backwards, zero_output_for_mask):
    """Keras's recurrence: a masked step keeps the previous states and emits the previous
    output (zeros with zero_output_for_mask); go_backwards walks the steps in reverse and
    returns the outputs in that (processing) order. Returns (sequence, last output, states)."""
    steps = x.shape[1]
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    output = np.zeros_like(states[0])
    outputs = []
    for t in order:
        new = list(step(x[:, t], *states))
        if mask is None:
            output = new[0]
        else:
            keep = mask[:, t].reshape((-1,) + (1,) * (states[0].ndim - 1))
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
            output = np.where(keep, new[0], 0 if zero_output_for_mask else output)
        states = new
        outputs.append(output)
    return np.stack(outputs, axis=1), output, states


def initial_states(given, state, name, batch, shapes):
    """Initial states: given as model inputs, kept from the previous call (streaming), or zeros."""
    if given:
        return [np.asarray(s, np.float32) for s in given]
    if state is not None and name in state:
        return state[name]
    return [np.zeros((batch, size), np.float32) for size in shapes]


def token_ids(x, vocabulary, name):
    """Keras casts token ids to integers; ids outside the vocabulary are an error."""
    ids = np.asarray(x).astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= vocabulary):
        raise ValueError(f"layer {name} takes token ids 0..{vocabulary - 1}")
    return ids


def along(v, axes, shape):
    """A per-feature array shaped to broadcast along `axes` (one axis or a tuple) of an array of `shape`."""
    axes = [a % len(shape) for a in (axes if isinstance(axes, tuple) else (axes,))]
    return np.reshape(v, [n if a in axes else 1 for a, n in enumerate(shape)])


def padding_amounts(size, kernel, stride, dilation, padding):
    """TensorFlow's padding: same pads the smaller half first; causal pads (k-1)*d before."""
    effective = (kernel - 1) * dilation + 1
    if padding == "causal":
        return effective - 1, 0
    if padding == "same":
        total = max((-(-size // stride) - 1) * stride + effective - size, 0)
        return total // 2, total - total // 2
    return 0, 0


def convolve(x, kernel, strides, padding, dilation):
    """x [batch, *spatial, in] * kernel [*k, in, out] -> [batch, *out_spatial, out] (TensorFlow's padding)."""
    rank = kernel.ndim - 2
    pads = [padding_amounts(x.shape[1 + i], kernel.shape[i], strides[i], dilation[i], padding) for i in range(rank)]
    x = np.pad(x, [(0, 0), *pads, (0, 0)])
    effective = [(kernel.shape[i] - 1) * dilation[i] + 1 for i in range(rank)]
    view = np.lib.stride_tricks.sliding_window_view(x, effective, axis=tuple(range(1, 1 + rank)))
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)
    patches = view[index + tuple(slice(None, None, d) for d in dilation)]  # [b, *out, in, *k]
    axes = (tuple(range(1 + rank, 2 + 2 * rank)), (rank,) + tuple(range(rank)))
    return np.tensordot(patches, kernel, axes=axes).astype(np.float32)

'''

RUNNER = '''"""Runner: reads inputs from standard input, prints the outputs (the port's runner contract).

Input, for each model input in order: a line `rank d1 ... dn`, then the values in row-major
order. Output, for each model output: the same form, values with 9 significant digits.
`python3 run.py --bench STEPS` steps the model STEPS times at batch 1 (when it streams).
"""

import os
import sys
import time

import numpy as np

import model


def read_inputs(text):
    words = text.split()
    arrays, at = [], 0
    for tokens in model.TOKEN_INPUTS:
        rank = int(words[at])
        shape = tuple(int(w) for w in words[at + 1 : at + 1 + rank])
        at += 1 + rank
        size = int(np.prod(shape))
        values = np.array(words[at : at + size], dtype=np.float64)
        at += size
        arrays.append(values.astype(np.int64 if tokens else np.float32).reshape(shape))
    return arrays


def write_outputs(outputs):
    lines = []
    for y in outputs:
        y = np.asarray(y, dtype=np.float32)
        lines.append(" ".join(str(v) for v in (y.ndim,) + y.shape))
        rows = y.reshape(-1, y.shape[-1]) if y.ndim else y.reshape(1, 1)
        lines += [" ".join("%.9g" % v for v in row) for row in rows]
    sys.stdout.write("\\n".join(lines) + "\\n")


def bench(steps, weights):
    stream = model.Stream(weights)
    x = model.example_step()
    stream.step(x)
    start = time.perf_counter()
    for _ in range(steps):
        stream.step(x)
    elapsed = time.perf_counter() - start
    print("us_per_step %.6g" % (elapsed / steps * 1e6))


def main(argv):
    weights = model.load_weights(os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.npz"))
    if len(argv) == 3 and argv[1] == "--bench":
        if not model.STREAMS:
            sys.exit("this model has no streaming API: " + model.STREAM_REASON)
        bench(int(argv[2]), weights)
        return
    write_outputs(model.predict(read_inputs(sys.stdin.read()), weights))


if __name__ == "__main__":
    main(sys.argv)
'''
