"""Every recipe of the Keras zoo. Pure data: importing this never imports Keras."""

from __future__ import annotations

from tests.zoo import (
    recipes_axes,
    recipes_graph,
    recipes_layers,
    recipes_rnn,
    recipes_sequence_layers,
    recipes_spatial,
    recipes_wrappers,
)
from tests.zoo.spec import Recipe


def all_recipes() -> list[Recipe]:
    """All recipes, in a stable order; ids are unique."""
    recipes = [
        *recipes_rnn.recipes(),
        *recipes_wrappers.recipes(),
        *recipes_layers.recipes(),
        *recipes_graph.recipes(),
        *recipes_spatial.recipes(),
        *recipes_sequence_layers.recipes(),
        *recipes_axes.recipes(),
    ]
    ids = [r.id for r in recipes]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate zoo recipe ids: {duplicates}")
    return recipes


def recipes_for(runtime: str) -> list[Recipe]:
    """The recipes that ``runtime`` ("keras3" or "tf_keras") can build."""
    return [r for r in all_recipes() if runtime in r.runtimes]


def recipe_ids(runtime: str) -> list[str]:
    return [r.id for r in recipes_for(runtime)]
