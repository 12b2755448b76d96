"""Train the bundled demo models (re-run to rebuild them; needs the `reference` extra).

    .venv/bin/python resources/demo/train_demos.py

- sine_lstm.keras:   the classic tutorial model: LSTM(32) + Dense(1) predicting the next value
                     of a noisy sine from the 30 values before it.
- sine_gru.keras:    the same task with a GRU(24).
- bilstm_classifier.keras: a Bidirectional LSTM that tells three wave shapes apart
                     (sine, square, sawtooth), softmax over 3 classes.
Each comes with a demo sequence `<name>.sequence.csv` (rows = time steps, columns = features).
Seeds are fixed so that a re-run gives the same kind of model (TensorFlow is not bit-exact).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
LOOK_BACK = 30


def noisy_sine(rng: np.random.Generator, length: int) -> np.ndarray:
    t = np.arange(length)
    return (np.sin(2 * np.pi * t / 50) + 0.1 * rng.normal(size=length)).astype("float32")


def windows(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.stack([series[i:i + LOOK_BACK] for i in range(len(series) - LOOK_BACK)])[..., None]
    return x, series[LOOK_BACK:]


def wave(kind: int, phase: float, period: float, length: int) -> np.ndarray:
    t = (np.arange(length) / period + phase) % 1.0
    if kind == 0:
        return np.sin(2 * np.pi * t)
    if kind == 1:
        return np.where(t < 0.5, 1.0, -1.0)
    return 2 * t - 1


def wave_data(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    kinds = rng.integers(0, 3, size=count)
    x = np.stack([wave(k, rng.random(), rng.uniform(8, 20), 40) + 0.1 * rng.normal(size=40) for k in kinds])
    return x[..., None].astype("float32"), kinds


def train_regressor(keras, cell, units: int, name: str, rng: np.random.Generator) -> None:
    x, y = windows(noisy_sine(rng, 2000))
    model = keras.Sequential([keras.Input((LOOK_BACK, 1)), cell(units), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    model.save(HERE / f"{name}.keras")
    np.savetxt(HERE / f"{name}.sequence.csv", windows(noisy_sine(rng, 200))[0][0, :, :], delimiter=",", fmt="%.6f")


def train_classifier(keras, rng: np.random.Generator) -> None:
    x, y = wave_data(rng, 1500)
    model = keras.Sequential([
        keras.Input((40, 1)),
        keras.layers.Bidirectional(keras.layers.LSTM(16)),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=10, batch_size=32, verbose=0)
    model.save(HERE / "bilstm_classifier.keras")
    np.savetxt(HERE / "bilstm_classifier.sequence.csv", wave(1, 0.2, 12, 40)[:, None], delimiter=",", fmt="%.6f")


def main() -> None:
    import keras

    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    train_regressor(keras, keras.layers.LSTM, 32, "sine_lstm", rng)
    train_regressor(keras, keras.layers.GRU, 24, "sine_gru", rng)
    train_classifier(keras, rng)
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.keras"))))


if __name__ == "__main__":
    main()
