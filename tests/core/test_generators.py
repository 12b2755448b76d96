"""Generated sequences: shapes, values, and default inputs that every runnable corpus model accepts."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from inspector.core.engine import check_runnable, run
from inspector.core.errors import InspectorError
from inspector.core.inputs import generators
from inspector.core.inputs.generators import DEFAULT_TIME_STEPS, PARAMETERS, default_inputs, generate
from inspector.core.inputs.sequences import token_inputs
from inspector.core.model.canonical import InputSpec
from inspector.core.model.load import open_model

sys.path.insert(0, str(Path(__file__).parent / "engine"))
from engine_builders import constant_rnn, make_layer, model  # noqa: E402


def test_sine_is_the_tutorial_formula() -> None:
    x = generators.sine(40, 1, frequency=0.05, amplitude=2.0, phase=90.0)
    t = np.arange(40)
    assert x.shape == (40, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, 0], 2.0 * np.sin(2 * np.pi * 0.05 * t + np.pi / 2), atol=1e-6)


def test_sine_features_are_shifted_and_noise_is_seeded() -> None:
    x = generators.sine(20, 4, frequency=0.1)
    assert x.shape == (20, 4) and not np.allclose(x[:, 0], x[:, 1])
    np.testing.assert_allclose(x[:, 2], np.sin(2 * np.pi * (0.1 * np.arange(20) + 0.5)), atol=1e-6)
    noisy = generators.sine(20, 4, frequency=0.1, noise=0.1, seed=3)
    np.testing.assert_array_equal(noisy, generators.sine(20, 4, frequency=0.1, noise=0.1, seed=3))
    assert not np.array_equal(noisy, generators.sine(20, 4, frequency=0.1, noise=0.1, seed=4))
    assert 0.07 < np.std(noisy - x) < 0.13


def test_step_impulse_constant_random() -> None:
    np.testing.assert_array_equal(generators.step(5, 1, at=2, low=-1, high=3)[:, 0], [-1, -1, 3, 3, 3])
    np.testing.assert_array_equal(generators.impulse(5, 2, at=1, amplitude=4)[:, 1], [0, 4, 0, 0, 0])
    assert not generators.impulse(5, 1, at=9).any()  # an impulse after the end: all zero, no error
    np.testing.assert_array_equal(generators.constant(3, 2, value=0.5), np.full((3, 2), 0.5))
    r = generators.random(2000, 1, mean=1.0, std=2.0, seed=1)
    assert abs(r.mean() - 1.0) < 0.2 and abs(r.std() - 2.0) < 0.2


def test_tokens_are_integers_in_range() -> None:
    ids = generators.tokens(500, (), low=1, high=9, seed=0)
    assert ids.shape == (500,) and ids.dtype == np.int64
    assert ids.min() == 1 and ids.max() == 9


def test_generate_takes_the_parameter_table() -> None:
    for kind, parameters in PARAMETERS.items():
        values = {p.name: p.default for p in parameters}
        assert generate(kind, 7, 3, **values).shape == (7, 3)
        assert generate(kind, 7, (4, 5, 2)).shape == (7, 4, 5, 2)  # ConvLSTM frames
    with pytest.raises(ValueError, match="no parameter"):
        generate("sine", 5, 1, speed=3)
    with pytest.raises(ValueError, match="unknown generator"):
        generate("saw", 5, 1)


def test_default_inputs_for_built_models() -> None:
    emb = make_layer("emb", "Embedding", {"input_dim": 7, "output_dim": 3}, {"embeddings": np.ones((7, 3))},
                     inputs=["ids"])
    specs = [InputSpec("ids", (None, None)), InputSpec("x", (4, 12, 3))]
    built = model(specs, [emb, constant_rnn("LSTM", 2, 3, inputs=["x"])], ["emb", "rnn"])
    with pytest.raises(InspectorError, match="same number of sequences"):
        default_inputs(built)  # a fixed batch of 4 for one input and 1 for the other cannot be fed
    ids, = default_inputs(model(specs[:1], [emb], ["emb"]))
    assert ids.shape == (1, DEFAULT_TIME_STEPS) and ids.dtype == np.int64 and 1 <= ids.min() and ids.max() <= 6
    x, = default_inputs(model(specs[1:], [constant_rnn("LSTM", 2, 3, inputs=["x"])], ["rnn"]))
    assert x.shape == (4, 12, 3) and x.dtype == np.float32
    assert not np.array_equal(x[0], x[1])  # every sequence of a fixed batch differs


def _runnable_corpus_models(corpus_dir: Path):
    for path in sorted((corpus_dir / "models").iterdir()):
        try:
            found = open_model(path)
            check_runnable(found)
        except InspectorError:
            continue
        yield path.name, found


def test_default_inputs_run_on_every_runnable_corpus_model(corpus_dir: Path) -> None:
    """The engine accepts the defaults of every model it can run; token inputs get valid ids."""
    count = 0
    for name, found in _runnable_corpus_models(corpus_dir):
        inputs = default_inputs(found)
        result = run(found, inputs)
        assert result.trace is not None and result.trace.layers, name
        for spec, array in zip(found.inputs, inputs, strict=True):
            batch = spec.shape[0] or 1
            assert array.shape[0] == batch, name
            vocabulary = token_inputs(found).get(spec.name)
            if vocabulary:
                assert array.dtype == np.int64 and 0 <= array.min() and array.max() < vocabulary, name
        count += 1
    assert count >= 30
