"""Sequences to feed a model when the user has none: sine (the classic tutorial data), step,
impulse, constant, random numbers, and random token ids for inputs read by an Embedding.

Every generator returns one sequence without batch axis: shape (time_steps, *features); a
`features` of () gives shape (time_steps,), as token ids for a [batch, time] input have.
`PARAMETERS` describes each generator's knobs (the sequence editor builds its fields from it);
`default_inputs(model)` gives a sensible, validated batch of one for every model input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from inspector.core.inputs.sequences import token_inputs, validate
from inspector.core.model.canonical import InputSpec, Model

DEFAULT_TIME_STEPS = 50  # when the model accepts any length
DEFAULT_SIZE = 8  # any other free dimension (rare: free spatial sizes)
Features = int | tuple[int, ...]


@dataclass(frozen=True)
class Parameter:
    """One knob of a generator: name (a keyword of the function), default and range."""

    name: str
    default: float
    minimum: float
    maximum: float
    integer: bool = False
    tip: str = ""


PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "sine": (
        Parameter("frequency", 0.05, 0.0, 0.5, tip="cycles per time step (0.5 = Nyquist)"),
        Parameter("amplitude", 1.0, -1e6, 1e6),
        Parameter("phase", 0.0, -360.0, 360.0, tip="degrees; feature k is shifted by a further k/features of a period"),
        Parameter("noise", 0.0, 0.0, 1e6, tip="standard deviation of Gaussian noise added"),
        Parameter("seed", 0, 0, 2**31 - 1, integer=True),
    ),
    "step": (
        Parameter("at", 10, 0, 10**7, integer=True, tip="first time step at the high value"),
        Parameter("low", 0.0, -1e6, 1e6),
        Parameter("high", 1.0, -1e6, 1e6),
    ),
    "impulse": (
        Parameter("at", 10, 0, 10**7, integer=True, tip="the one time step that is not zero"),
        Parameter("amplitude", 1.0, -1e6, 1e6),
    ),
    "constant": (Parameter("value", 0.0, -1e6, 1e6),),
    "random": (
        Parameter("mean", 0.0, -1e6, 1e6),
        Parameter("std", 1.0, 0.0, 1e6, tip="standard deviation of the Gaussian"),
        Parameter("seed", 0, 0, 2**31 - 1, integer=True),
    ),
    "tokens": (
        Parameter("low", 1, 0, 10**9, integer=True, tip="smallest token id (0 is often padding)"),
        Parameter("high", 9, 0, 10**9, integer=True, tip="largest token id (at most the vocabulary size - 1)"),
        Parameter("seed", 0, 0, 2**31 - 1, integer=True),
    ),
}
FLOAT_GENERATORS = ("sine", "step", "impulse", "constant", "random")


def _shape(time_steps: int, features: Features) -> tuple[int, ...]:
    rest = (features,) if isinstance(features, int) else tuple(features)
    return (int(time_steps),) + rest


def sine(time_steps: int, features: Features = 1, frequency: float = 0.05, amplitude: float = 1.0,
         phase: float = 0.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """amplitude * sin(2 pi frequency t + phase) + Gaussian noise; phase in degrees."""
    shape = _shape(time_steps, features)
    count = int(np.prod(shape[1:], dtype=np.int64))
    offsets = np.arange(count).reshape(shape[1:]) / max(count, 1)  # feature k: k/count of a period later
    t = np.arange(shape[0]).reshape((-1,) + (1,) * (len(shape) - 1))
    values = amplitude * np.sin(2 * np.pi * (frequency * t + offsets) + np.deg2rad(phase))
    if noise:
        values = values + np.random.default_rng(int(seed)).normal(0.0, noise, shape)
    return values.astype(np.float32)


def step(time_steps: int, features: Features = 1, at: int = 10, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """`low` before time step `at`, `high` from it on."""
    values = np.full(_shape(time_steps, features), low, np.float32)
    values[int(at):] = high
    return values


def impulse(time_steps: int, features: Features = 1, at: int = 10, amplitude: float = 1.0) -> np.ndarray:
    """Zero everywhere except time step `at` (the impulse response of the model)."""
    values = np.zeros(_shape(time_steps, features), np.float32)
    if 0 <= int(at) < values.shape[0]:
        values[int(at)] = amplitude
    return values


def constant(time_steps: int, features: Features = 1, value: float = 0.0) -> np.ndarray:
    return np.full(_shape(time_steps, features), value, np.float32)


def random(time_steps: int, features: Features = 1, mean: float = 0.0, std: float = 1.0, seed: int = 0) -> np.ndarray:
    """Gaussian noise, reproducible from `seed`."""
    rng = np.random.default_rng(int(seed))
    return rng.normal(mean, std, _shape(time_steps, features)).astype(np.float32)


def tokens(time_steps: int, features: Features = (), low: int = 1, high: int = 9, seed: int = 0) -> np.ndarray:
    """Random integer token ids in low..high (both included), reproducible from `seed`."""
    low, high = int(low), int(high)
    if high < low:
        low, high = high, low
    return np.random.default_rng(int(seed)).integers(low, high + 1, _shape(time_steps, features), dtype=np.int64)


GENERATORS: dict[str, Callable[..., np.ndarray]] = {
    "sine": sine, "step": step, "impulse": impulse, "constant": constant, "random": random, "tokens": tokens,
}


def generate(kind: str, time_steps: int, features: Features = 1, **parameters: float) -> np.ndarray:
    """Run generator `kind` with `parameters` (names from PARAMETERS; missing ones take the default)."""
    if kind not in GENERATORS:
        raise ValueError(f"unknown generator {kind!r}; choose one of {', '.join(GENERATORS)}")
    known = {p.name: p for p in PARAMETERS[kind]}
    unknown = set(parameters) - set(known)
    if unknown:
        raise ValueError(f"generator {kind!r} has no parameter {', '.join(sorted(unknown))}")
    values = {name: p.default for name, p in known.items()} | parameters
    values = {name: int(v) if known[name].integer else float(v) for name, v in values.items()}
    return GENERATORS[kind](time_steps, features, **values)


def token_range(vocabulary: int | None) -> tuple[int, int]:
    """(low, high) default token ids: 1..vocabulary-1 (0 is often padding and masked)."""
    if vocabulary and vocabulary > 1:
        return 1, vocabulary - 1
    return (0, 0) if vocabulary == 1 else (1, 9)


def sample_shape(spec: InputSpec) -> tuple[int, ...]:
    """One sequence's shape: the model input without its batch axis, free sizes filled in."""
    sizes = [DEFAULT_TIME_STEPS if k == 0 else DEFAULT_SIZE for k in range(len(spec.shape) - 1)]
    return tuple(size if d is None else int(d) for d, size in zip(spec.shape[1:], sizes))


def default_inputs(model: Model) -> list[np.ndarray]:
    """A validated batch for every model input: sine for numbers, random ids for token inputs.

    The batch holds one sequence, or as many as a model with a fixed batch size needs (each
    with another phase or seed); a model input of any length gets DEFAULT_TIME_STEPS steps.
    """
    vocabularies = token_inputs(model)
    arrays = []
    for spec in model.inputs:
        batch = int(spec.shape[0]) if spec.shape and spec.shape[0] is not None else 1
        arrays.append(np.stack([default_sequence(spec, vocabularies.get(spec.name), b) for b in range(batch)]))
    return validate(arrays, model)


def default_sequence(spec: InputSpec, vocabulary: int | None = None, row: int = 0) -> np.ndarray | np.generic:
    """Sequence `row` of a default batch for one input (no batch axis): a sine with a phase of
    45 degrees per row, or token ids seeded by the row when the input feeds an Embedding
    (a numpy scalar when the input has one number per sample)."""
    shape = sample_shape(spec)
    integer = vocabulary is not None or str(spec.dtype).startswith(("int", "uint"))
    if not shape:  # one number per sample, no time axis
        return tokens(1, (), *token_range(vocabulary), seed=row)[0] if integer else np.float32(1.0)
    if integer:
        return tokens(shape[0], shape[1:], *token_range(vocabulary), seed=row)
    return sine(shape[0], shape[1:] or (), phase=45.0 * row)
