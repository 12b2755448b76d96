"""Benchmark: models built around recurrent layers with the non-recurrent built-in layers - a CNN-LSTM
on video frames (TimeDistributed Conv2D), a ConvLSTM2D stack with a Conv2D head, and an LSTM with
MultiHeadAttention - the numpy engine against tf_keras `predict`, one sample.

A script, not a test:  python tests/bench/bench_layers.py [--repeats N] [--no-write]

Each model gets random weights, is saved by tf_keras as .h5 and read by LSTM Inspector's reader.
Times are medians (and best) after one warm-up run; outputs are compared in the same run. Results go
to tests/bench/RESULTS.md under "## Layers around recurrent ones". TensorFlow is imported only here.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.bench_engine import keras_bench_arguments, machine, timings_ms, write_section  # noqa: E402

HEADING = "Layers around recurrent ones"


def cnn_lstm(keras):
    L = keras.layers
    return keras.Sequential([
        keras.Input((20, 64, 64, 3)), L.TimeDistributed(L.Conv2D(16, 3, activation="relu")),
        L.TimeDistributed(L.MaxPooling2D(2)), L.TimeDistributed(L.Conv2D(32, 3, activation="relu")),
        L.TimeDistributed(L.GlobalAveragePooling2D()), L.LSTM(64), L.Dense(1)])


def conv_lstm(keras):
    L = keras.layers
    return keras.Sequential([
        keras.Input((10, 32, 32, 1)), L.ConvLSTM2D(16, 3, padding="same", return_sequences=True),
        L.ConvLSTM2D(8, 3, padding="same"), L.Conv2D(1, 3, padding="same", activation="sigmoid")])


def lstm_attention(keras):
    L = keras.layers
    x = keras.Input((100, 32))
    h = L.LSTM(64, return_sequences=True)(x)
    attended = L.MultiHeadAttention(num_heads=4, key_dim=16)(h, h)
    return keras.Model(x, L.Dense(3)(L.GlobalAveragePooling1D()(attended)))


CASES = {
    "TimeDistributed Conv2D x2 -> LSTM 64, 20 frames 64x64x3": cnn_lstm,
    "ConvLSTM2D 16 -> ConvLSTM2D 8 -> Conv2D, 10 frames 32x32": conv_lstm,
    "LSTM 64 -> MultiHeadAttention 4x16, T 100": lstm_attention,
}


def bench_case(keras, name: str, build, repeats: int, folder: Path) -> dict:
    from inspector.core.engine import run
    from inspector.core.model.load import open_model

    rng = np.random.default_rng(len(name))
    model = build(keras)
    for weight in model.weights:
        scale = 1 / np.sqrt(np.prod(weight.shape[:-1])) if len(weight.shape) > 1 else 0.1
        weight.assign((rng.standard_normal(weight.shape) * scale).astype("float32"))
    path = folder / "model.h5"
    model.save(path)
    x = rng.standard_normal((1, *model.input_shape[1:])).astype("float32")
    canonical = open_model(path)
    ours, theirs = run(canonical, x).outputs[0], model.predict(x, verbose=0)
    return {
        "case": name,
        "predict": timings_ms(lambda: run(canonical, x, record_trace=False), repeats),
        "trace": timings_ms(lambda: run(canonical, x, record_trace=True), repeats),
        "keras_predict": timings_ms(lambda: model.predict(x, verbose=0), repeats),
        "max_abs_diff": float(np.max(np.abs(ours - theirs))),
    }


def section(rows: list[dict], keras_version: str, repeats: int) -> str:
    lines = [
        f"## {HEADING}",
        "",
        f"`python tests/bench/bench_layers.py` - {repeats} runs after a warm-up, batch 1; the model file is "
        "written by tf_keras and read by our reader.",
        "",
        *machine(),
        "",
        "Each time: median (best) in ms.",
        "",
        f"| model | engine predict | engine full trace | {keras_version} predict | max abs diff |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = " | ".join(f"{r[k][0]:.1f} ({r[k][1]:.1f})" for k in ("predict", "trace", "keras_predict"))
        lines.append(f"| {r['case']} | {cells} | {r['max_abs_diff']:.1e} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    args = keras_bench_arguments(__doc__, "repeats", 7)
    import tf_keras

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, build in CASES.items():
            rows.append(bench_case(tf_keras, name, build, args.repeats, Path(folder)))
            print(rows[-1], flush=True)
    text = section(rows, f"tf_keras {tf_keras.__version__}", args.repeats)
    print(text)
    if not args.no_write:
        write_section(text, HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
