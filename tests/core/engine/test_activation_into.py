"""The time loop's in-place activations compute what inspector.core.model.activations defines
(to 2 float32 ulp: 1/(1+exp(-x)) and the overflow-free form round differently)."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.engine.activation_into import FAST, activation_into, apply
from inspector.core.model import activations


@pytest.mark.parametrize("name", sorted(FAST))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_path_equals_definition(name, dtype):
    x = np.concatenate([np.linspace(-12, 12, 1001), [-1e4, -100.0, 0.0, 100.0, 1e4]]).astype(dtype)
    out = np.empty_like(x)
    with np.errstate(over="ignore"):
        activation_into(name)(x, out)
    np.testing.assert_allclose(out, activations.apply(name, x), rtol=5e-7 if dtype == np.float32 else 1e-15, atol=1e-37)
    assert out.dtype == dtype


def test_other_activations_fall_back_to_the_definition():
    x = np.linspace(-3, 3, 7).astype(np.float32)
    np.testing.assert_array_equal(apply("softsign", x), activations.apply("softsign", x))
    np.testing.assert_array_equal(apply("softmax", x[None]), activations.apply("softmax", x[None]))
