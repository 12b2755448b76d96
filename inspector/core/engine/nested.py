"""Models used as layers: a nested Sequential or Functional model (also inside TimeDistributed), and
RNN(StackedRNNCells), which the reader gives as a nested Sequential of one recurrent layer per cell.

The nested layers (the Layer's children, see inspector.core.model.nested) run as a small graph of
their own, with the caller's mask on their inputs, exactly as the top-level graph runs. Their trace and
call names are prefixed with the nested model's call name ("encoder/lstm"), so a nested layer never
takes the place of a top-level layer of the same name.
"""

from __future__ import annotations

from dataclasses import replace

from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, Outputs, register
from inspector.core.model.canonical import Call, InputSpec, Layer, Model, TensorRef


@register("InputLayer")
def input_layer(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """An InputLayer inside a nested model: its input, unchanged."""
    return inputs[0]


@register("Sequential", "Functional", mask="custom")
def nested_model(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    from inspector.core.engine.graph import call_order, execute  # graph imports this module

    prefix = f"{ctx.call_name or layer.name}/"
    model = inner_model(layer, prefix)
    names = [spec.name for spec in model.inputs]
    if len(inputs) != len(names):
        raise ValueError(f"the nested model {layer.name!r} takes {len(names)} inputs, got {len(inputs)}")
    result = execute(model, dict(zip(names, inputs)), ctx, call_order(model, needed_only=True),
                     input_masks=dict(zip(names, masks)))
    out_masks = [_mask_of(result.layer_masks, ref, dict(zip(names, masks))) for ref in model.outputs]
    return result.outputs, out_masks


def inner_model(layer: Layer, prefix: str) -> Model:
    """The nested layers as a Model whose names carry `prefix`."""
    layers = tuple(_renamed(child, prefix) for child in layer.children.values())
    inputs = tuple(InputSpec(prefix + str(name), ()) for name in layer.config.get("nested_inputs", ()))
    outputs = tuple(TensorRef(prefix + str(ref[0]), int(ref[1]), int(ref[2]))
                    for ref in layer.config.get("nested_outputs", ()))
    return Model(path="", format="", keras_version=None, backend=None, layers=layers, inputs=inputs,
                 outputs=outputs, name=layer.name)


def _renamed(layer: Layer, prefix: str) -> Layer:
    calls = tuple(Call(tuple(replace(ref, layer=prefix + ref.layer) for ref in call.inputs)) for call in layer.calls)
    return replace(layer, name=prefix + layer.name, calls=calls)


def _mask_of(layer_masks: dict[str, list[Mask]], ref: TensorRef, input_masks: dict[str, Mask]) -> Mask:
    name = ref.layer if ref.node == 0 else f"{ref.layer}#{ref.node}"
    if name in layer_masks:
        return layer_masks[name][ref.index]
    return input_masks.get(ref.layer)
