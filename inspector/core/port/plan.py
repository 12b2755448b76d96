"""What every generator shares: the layer calls in order, their tensors, masks and refusals.

`plan_port(model, language)` walks the canonical model once. Each layer call gets a safe,
unique identifier and variables for its outputs; whether a tensor carries a Keras mask is
decided here statically (the same rules as the engine's registry and layers), so generated
code passes masks only where Keras has them. A layer the language's generator cannot
compute exactly is refused by name before anything is written (`UnsupportedModel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector.core.engine.graph import Step, check_runnable
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer, Model
from inspector.core.port.inline import inline_nested
from inspector.core.port.names import Identifiers
from inspector.core.port.numpy.spatial import SPATIAL
from inspector.core.port.support import LANGUAGE_TITLES, refusal, stream_blocker

LANGUAGES = ("numpy", "js", "c")
ELEMENTWISE_MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")


@dataclass
class Tensor:
    """A value in the generated program: its variable and whether a mask travels with it."""

    var: str
    masked: bool = False

    @property
    def mask_var(self) -> str:
        return f"{self.var}_mask"


@dataclass
class PortStep:
    """One layer call: `ident` names its function and weights; inputs and outputs in Keras order."""

    step: Step
    ident: str
    inputs: list[Tensor]
    outputs: list[Tensor]

    @property
    def layer(self) -> Layer:
        return self.step.layer

    @property
    def name(self) -> str:
        return self.step.name


@dataclass
class PortPlan:
    model: Model
    language: str
    steps: list[PortStep]
    inputs: list[Tensor]
    outputs: list[Tensor]
    input_names: list[str]
    token_inputs: list[bool]
    stream_reason: str = ""  # empty when the model can be stepped one time step at a time
    idents: Identifiers = field(default_factory=Identifiers)

    @property
    def streams(self) -> bool:
        return not self.stream_reason

    @property
    def recurrent_steps(self) -> list[PortStep]:
        return [s for s in self.steps if s.layer.directions() and s.layer.class_name != "TimeDistributed"]


def plan_port(model: Model, language: str) -> PortPlan:
    """The plan for `language`, or UnsupportedModel naming the first layer it cannot port."""
    if language not in LANGUAGES:
        raise UnsupportedModel(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    model = inline_nested(model)  # models used as layers, written out as their layers
    steps = check_runnable(model)
    for step in steps:
        reason = refusal(step.layer, language, model.keras_major)
        if reason:
            raise UnsupportedModel(
                f"layer {step.name!r} ({step.layer.class_name}) cannot be ported to "
                f"{LANGUAGE_TITLES[language]}: {reason}"
            )
    idents = Identifiers()
    tensors: dict[tuple[str, int], list[Tensor]] = {}
    inputs = []
    for k, spec in enumerate(model.inputs):
        tensor = Tensor(f"in{k}")
        tensors[(spec.name, 0)] = [tensor]
        inputs.append(tensor)
    planned = []
    for step in steps:
        ident = idents(step.name)
        ins = [tensors[(r.layer, r.node)][r.index] for r in step.call.inputs]
        _check_masked_concatenate(step, ins, language)
        masks = output_masks(step.layer, [t.masked for t in ins], model.keras_major)
        outs = [Tensor(f"{ident}_out{k}" if len(masks) > 1 else f"{ident}_out", m) for k, m in enumerate(masks)]
        tensors[(step.layer.name, step.node)] = outs
        planned.append(PortStep(step, ident, ins, outs))
    outputs = [tensors[(r.layer, r.node)][r.index] for r in model.outputs]
    tokens = [_reads_tokens(model, spec.name) for spec in model.inputs]
    plan = PortPlan(model, language, planned, inputs, outputs, [s.name for s in model.inputs], tokens, idents=idents)
    plan.stream_reason = stream_blocker(plan)
    return plan


def _check_masked_concatenate(step: Step, ins: list[Tensor], language: str) -> None:
    if step.layer.class_name == "Concatenate" and any(t.masked for t in ins) and (
            int(step.layer.config.get("axis", -1)) != -1):
        raise UnsupportedModel(f"layer {step.name!r} (Concatenate) cannot be ported to {LANGUAGE_TITLES[language]}: "
                               "masked inputs joined along an axis other than the last are not generated")


def output_count(layer: Layer) -> int:
    if layer.class_name == "Bidirectional":
        forward = layer.children["forward"]
        merged = 2 if layer.config.get("merge_mode", "concat") is None else 1
        return merged + (2 * _state_count(forward) if forward.config.get("return_state") else 0)
    if layer.is_recurrent:
        return 1 + (_state_count(layer) if layer.config.get("return_state") else 0)
    if layer.class_name in ("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupedQueryAttention",
                            "GroupQueryAttention") and layer.config.get("return_attention_scores"):
        return 2
    return 1


def _state_count(layer: Layer) -> int:
    return 2 if layer.class_name == "LSTM" else 1


def applied_mask(layer: Layer, input_masked: list[bool], keras_major: int) -> bool:
    """Whether a recurrent layer uses its input mask (Keras 3 ignores it with initial states)."""
    if keras_major >= 3 and len(input_masked) > 1:
        return False
    return bool(input_masked and input_masked[0])


def output_masks(layer: Layer, masked: list[bool], keras_major: int) -> list[bool]:
    """Which outputs carry a mask, by the engine's rules (registry.py and the layer modules)."""
    name, count = layer.class_name, output_count(layer)
    first = bool(masked and masked[0])
    if name == "Embedding":
        return [bool(layer.config.get("mask_zero"))]
    if name == "Masking":
        return [True]
    if layer.is_recurrent or name == "Bidirectional":
        child = layer.children.get("forward", layer)
        sequences = bool(child.config.get("return_sequences"))
        merged = 2 if name == "Bidirectional" and layer.config.get("merge_mode", "concat") is None else 1
        return [first and sequences] * merged + [False] * (count - merged)
    if name in ELEMENTWISE_MERGES:
        present = [m for m in masked if m]
        if keras_major >= 3:
            return [bool(present) and len(present) == len(masked)]
        return [bool(present)]
    if name == "Concatenate":
        return [any(masked)]
    if name in DROPS_MASK:
        return [False]
    return [first] * count


DROPS_MASK = (  # the engine registers these with mask="drop"
    "Flatten", "Reshape", "Permute", "RepeatVector", "Dot", "GlobalAveragePooling1D", *SPATIAL,
    "Discretization", "CategoryEncoding", "IntegerLookup",
)


def _reads_tokens(model: Model, input_name: str) -> bool:
    from inspector.core.inputs.sequences import token_inputs

    spec = next(s for s in model.inputs if s.name == input_name)
    return input_name in token_inputs(model) or str(spec.dtype).startswith(("int", "uint"))
