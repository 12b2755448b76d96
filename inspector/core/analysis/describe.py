"""A model described in plain data (for `info --json`) and as a readable table (for `info`)."""

from __future__ import annotations

import os
from typing import Any

from inspector.core.analysis.gate_views import describe_gates
from inspector.core.engine.shapes import output_shapes
from inspector.core.errors import InspectorError
from inspector.core.model.canonical import Layer, Model


def describe_model(model: Model) -> dict[str, Any]:
    shapes = _output_shapes(model)
    return {
        "file": os.path.abspath(model.path),
        "format": model.format,
        "keras_version": model.keras_version,
        "backend": model.backend,
        "has_architecture": model.has_architecture,
        "architecture": os.path.abspath(model.architecture) if model.architecture else None,
        "inputs": [{"name": s.name, "shape": list(s.shape), "dtype": s.dtype} for s in model.inputs],
        "outputs": [{"layer": r.layer, "node": r.node, "index": r.index} for r in model.outputs],
        "params": sum(layer.params for layer in model.layers),
        "warnings": list(model.warnings),
        "layers": [_describe_layer(layer, shapes.get(layer.name)) for layer in model.layers],
    }


def _describe_layer(layer: Layer, shapes: list[tuple[int | None, ...]] | None) -> dict[str, Any]:
    return {
        "name": layer.name,
        "class": layer.class_name,
        "stored_class": layer.stored_class or layer.class_name,
        "inbound": [ref.layer for ref in layer.calls[0].inputs] if layer.calls else [],
        "calls": len(layer.calls),
        "output_shape": _shape_value(shapes),
        "params": layer.params,
        "weights": [
            {"path": path, "role": role, "shape": list(array.shape), "dtype": str(array.dtype),
             "stored_name": _stored_name(layer, path, role)}
            for path, role, array in layer.all_weights()
        ],
        "gates": describe_gates(layer),
        "runnable": layer.runnable,
        "reason": layer.reason,
    }


def _stored_name(layer: Layer, path: str, role: str) -> str:
    owner = layer
    for key in [p for p in path.split("/") if p]:
        owner = owner.children[key]
    return owner.weight_names.get(role, "")


def _shape_value(shapes: list[tuple[int | None, ...]] | None) -> Any:
    if shapes is None:
        return None
    as_lists = [list(shape) for shape in shapes]
    return as_lists[0] if len(as_lists) == 1 else as_lists


def _output_shapes(model: Model) -> dict[str, list[tuple[int | None, ...]] | None]:
    """Keras-style output shapes from the engine; none where the model cannot run."""
    if not model.has_architecture:
        return {}

    try:
        return output_shapes(model)
    except InspectorError:
        return {}


def format_table(info: dict[str, Any]) -> str:
    """The readable `info` output: file facts, inputs/outputs, a layer table, warnings."""
    lines = [
        f"file      {info['file']}",
        *([f"layers    from {info['architecture']}"] if info.get("architecture") else []),
        f"format    {info['format']}   Keras {info['keras_version'] or 'unknown'}   backend {info['backend'] or 'unknown'}",
        f"inputs    {_inputs_text(info['inputs'])}",
        f"outputs   {', '.join(o['layer'] for o in info['outputs']) or '-'}",
        f"params    {info['params']:,}",
        "",
    ]
    rows = [("layer", "class", "output shape", "params", "gates", "runs")]
    for layer in info["layers"]:
        rows.append((layer["name"], _class_text(layer), _shape_text(layer["output_shape"]), f"{layer['params']:,}",
                     _gates_text(layer["gates"]), "yes" if layer["runnable"] else f"no: {layer['reason']}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[5])
    if info["warnings"]:
        lines += ["", "warnings:"] + [f"  - {w}" for w in info["warnings"]]
    return "\n".join(lines)


def _inputs_text(inputs: list[dict[str, Any]]) -> str:
    return ", ".join(f"{i['name']} {_shape_text(i['shape'])} {i['dtype']}" for i in inputs) or "-"


def _class_text(layer: dict[str, Any]) -> str:
    stored = layer["stored_class"]
    return layer["class"] if stored == layer["class"] else f"{layer['class']} (stored {stored})"


def _shape_text(shape: Any) -> str:
    if shape is None:
        return "?"
    if shape and isinstance(shape[0], list):
        return " ".join(_shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _gates_text(gates: dict[str, dict[str, Any]]) -> str:
    if not gates:
        return ""
    first = next(iter(gates.values()))
    text = ",".join(first)
    return f"{text} x{len(gates)}" if len(gates) > 1 else text
