"""One readable numpy function per layer, with Keras's equations (the numpy port's body).

Every emitter returns (function source, call lines for `predict`). Layer functions take
their inputs and masks and return the list of their outputs; masks are computed in
`predict` by the rules in plan.py.
"""

from __future__ import annotations

from collections.abc import Callable

from inspector.core.model.canonical import Layer
from inspector.core.port.names import comment_text
from inspector.core.port.plan import PortPlan, PortStep, Tensor, applied_mask
from inspector.core.port.semantics import layer_notes

Emitted = tuple[str, list[str]]
MERGE_EXPRESSIONS = {
    "Add": "reduce(np.add, xs)", "Subtract": "xs[0] - xs[1]", "Multiply": "reduce(np.multiply, xs)",
    "Average": "reduce(np.add, xs) / np.float32(len(xs))", "Maximum": "reduce(np.maximum, xs)",
    "Minimum": "reduce(np.minimum, xs)",
}
CELL_EQUATIONS = {
    "LSTM": (
        "    def step(x_t, h, c):\n"
        "        i = {ra}(x_t @ W_i + h @ U_i{b_i})\n"
        "        f = {ra}(x_t @ W_f + h @ U_f{b_f})\n"
        "        c = f * c + i * {a}(x_t @ W_c + h @ U_c{b_c})\n"
        "        o = {ra}(x_t @ W_o + h @ U_o{b_o})\n"
        "        h = o * {a}(c)\n"
        "        return h, c\n"
    ),
    "GRU_after": (
        "    def step(x_t, h):\n"
        "        # reset_after=True: r multiplies (h @ U_h + recurrent bias)\n"
        "        z = {ra}(x_t @ W_z{b_z} + h @ U_z{b_U_z})\n"
        "        r = {ra}(x_t @ W_r{b_r} + h @ U_r{b_U_r})\n"
        "        h_candidate = {a}(x_t @ W_h{b_h} + r * (h @ U_h{b_U_h}))\n"
        "        return (z * h + (1 - z) * h_candidate,)\n"
    ),
    "GRU_before": (
        "    def step(x_t, h):\n"
        "        # reset_after=False: r multiplies h before U_h\n"
        "        z = {ra}(x_t @ W_z{b_z} + h @ U_z)\n"
        "        r = {ra}(x_t @ W_r{b_r} + h @ U_r)\n"
        "        h_candidate = {a}(x_t @ W_h{b_h} + (r * h) @ U_h)\n"
        "        return (z * h + (1 - z) * h_candidate,)\n"
    ),
    "SimpleRNN": (
        "    def step(x_t, h):\n"
        "        return ({a}(x_t @ W_h + h @ U_h{b_h}),)\n"
    ),
}


def mask_of(tensor: Tensor) -> str:
    return tensor.mask_var if tensor.masked else "None"


def header(step: PortStep, args: str, extra: list[str] | None = None) -> str:
    notes = [comment_text(step.layer.class_name + " " + step.name)] + layer_notes(step.layer) + (extra or [])
    body = "\n".join(f"    # {comment_text(n, 110)}" for n in notes)
    return f"def {step.ident}({args}):\n{body}\n"


def _state_sizes(cell: Layer) -> str:
    units = int(cell.config["units"])
    return f"({units}, {units})" if cell.class_name == "LSTM" else f"({units},)"


def conv_direction_function(cell: Layer, fn: str, prefix: str) -> str:
    """A ConvLSTM direction: the LSTM equations with convolutions; recurrent ones are stride 1, same."""
    config = cell.config
    rank = cell.weights["kernel"].ndim - 2
    tup = lambda v: tuple(int(a) for a in v) if isinstance(v, (list, tuple)) else (int(v or 1),) * rank  # noqa: E731
    strides, dilation = tup(config.get("strides")), tup(config.get("dilation_rate"))
    padding = str(config.get("padding", "valid")).lower()
    first = config.get("data_format") == "channels_first"
    ra, a = config.get("recurrent_activation", "sigmoid"), config.get("activation", "tanh")
    b = "bias" in cell.weights
    conv = lambda g: (f"convolve(x_t, W_{g}, {strides}, {padding!r}, {dilation}) "  # noqa: E731
                      f"+ convolve(h, U_{g}, ONES, 'same', ONES){' + b_' + g if b else ''}")
    lines = [f"def {fn}(x, mask, weights, initial_state, state, zero_output_for_mask):",
             f'    W_i, W_f, W_c, W_o = gate_weights(weights, "{prefix}", "W", "ifco")',
             f'    U_i, U_f, U_c, U_o = gate_weights(weights, "{prefix}", "U", "ifco")']
    if b:
        lines.append(f'    b_i, b_f, b_c, b_o = gate_weights(weights, "{prefix}", "b", "ifco")')
    lines.append(f"    ONES = {(1,) * rank}")
    if first:  # computed channels_last, returned as the layer stores them
        lines += ["    x = np.moveaxis(x, 2, -1)", "    initial_state = [np.moveaxis(s, 1, -1) for s in initial_state]"]
    lines += ["", "    def step(x_t, h, c):", f"        i = {ra}({conv('i')})", f"        f = {ra}({conv('f')})",
              f"        c = f * c + i * {a}({conv('c')})", f"        o = {ra}({conv('o')})",
              f"        h = o * {a}(c)", "        return h, c", "",
              "    if initial_state:", "        states = [np.asarray(s, np.float32) for s in initial_state]",
              f'    elif state is not None and "{prefix}" in state:', f'        states = state["{prefix}"]',
              "    else:", f"        shape = convolve(x[:, 0], W_i, {strides}, {padding!r}, {dilation}).shape",
              "        states = [np.zeros(shape, np.float32), np.zeros(shape, np.float32)]",
              f"    sequence, last, states = time_loop(step, x, states, mask, go_backwards={bool(config.get('go_backwards'))},",
              "                                       zero_output_for_mask=zero_output_for_mask)",
              "    if state is not None:", f'        state["{prefix}"] = states']
    if first:
        lines += ["    sequence, last = np.moveaxis(sequence, -1, 2), np.moveaxis(last, -1, 1)",
                  "    states = [np.moveaxis(s, -1, 1) for s in states]"]
    return "\n".join(lines + ["    return sequence, last, states"]) + "\n"


def direction_function(cell: Layer, fn: str, prefix: str) -> str:
    """A recurrent direction: per-gate weights, Keras's step equations, the time loop."""
    if cell.class_name.startswith("ConvLSTM"):
        return conv_direction_function(cell, fn, prefix)
    gates = {"LSTM": "ifco", "GRU": "zrh", "SimpleRNN": "h"}[cell.class_name]
    names = lambda symbol: ", ".join(f"{symbol}_{g}" for g in gates)  # noqa: E731
    lines = [f"def {fn}(x, mask, weights, initial_state, state, zero_output_for_mask):"]
    roles = [("W", "kernel"), ("U", "recurrent_kernel"), ("b", "bias"), ("b_U", "recurrent_bias")]
    for symbol, role in roles:
        if role in cell.weights:
            targets = names(symbol) + ("," if len(gates) == 1 else "")
            lines.append(f'    {targets} = gate_weights(weights, "{prefix}", "{symbol}", "{gates}")')
    key = cell.class_name
    if key == "GRU":
        key = "GRU_after" if cell.config.get("reset_after") else "GRU_before"
    bias = {f"b_{g}": (f" + b_{g}" if "bias" in cell.weights else "") for g in gates}
    bias |= {f"b_U_{g}": (f" + b_U_{g}" if "recurrent_bias" in cell.weights else "") for g in gates}
    lines.append("")
    lines.append(CELL_EQUATIONS[key].format(ra=cell.config.get("recurrent_activation", "sigmoid"),
                                            a=cell.config.get("activation", "tanh"), **bias).rstrip())
    backwards = bool(cell.config.get("go_backwards"))
    lines += [
        "",
        f'    states = initial_states(initial_state, state, "{prefix}", x.shape[0], {_state_sizes(cell)})',
        f"    sequence, last, states = time_loop(step, x, states, mask, go_backwards={backwards},",
        "                                       zero_output_for_mask=zero_output_for_mask)",
        "    if state is not None:",
        f'        state["{prefix}"] = states',
        "    return sequence, last, states",
    ]
    return "\n".join(lines) + "\n"


def recurrent(step: PortStep, plan: PortPlan) -> Emitted:
    layer = step.layer
    inner = direction_function(layer, f"{step.ident}_cell", f"{step.ident}/forward")
    sequences = bool(layer.config.get("return_sequences"))
    zero = bool(layer.config.get("zero_output_for_mask"))
    source = inner + "\n\n" + header(step, "x, mask, weights, initial_state=(), state=None")
    source += f"    sequence, last, states = {step.ident}_cell(x, mask, weights, initial_state, state, {zero})\n"
    result = "[sequence]" if sequences else "[last]"
    source += f"    return {result}{' + states' if layer.config.get('return_state') else ''}\n"
    return source, [_recurrent_call(step, plan)]


def _recurrent_call(step: PortStep, plan: PortPlan) -> str:
    x = step.inputs[0]
    masked = applied_mask(step.layer, [t.masked for t in step.inputs], plan.model.keras_major)
    initial = ", ".join(t.var for t in step.inputs[1:])
    initial = f"({initial},)" if initial else "()"
    outs = ", ".join(t.var for t in step.outputs)
    return f"{outs}, = {step.ident}({x.var}, {mask_of(x) if masked else 'None'}, weights, {initial}, state)"


def bidirectional(step: PortStep, plan: PortPlan) -> Emitted:
    layer = step.layer
    forward, backward = layer.children["forward"], layer.children["backward"]
    sources = [direction_function(cell, f"{step.ident}_{d}", f"{step.ident}/{d}")
               for d, cell in (("forward", forward), ("backward", backward))]
    sequences = bool(forward.config.get("return_sequences"))
    mode = layer.config.get("merge_mode", "concat")
    merged = {"concat": "[np.concatenate([y, y_reverse], axis=-1)]", "sum": "[y + y_reverse]",
              "ave": "[(y + y_reverse) / np.float32(2)]", "mul": "[y * y_reverse]", None: "[y, y_reverse]"}[mode]
    body = header(step, "x, mask, weights, initial_state=(), state=None")
    body += "    half = len(initial_state) // 2\n"
    body += f"    forward = {step.ident}_forward(x, mask, weights, initial_state[:half], state, {sequences})\n"
    body += f"    backward = {step.ident}_backward(x, mask, weights, initial_state[half:], state, {sequences})\n"
    if sequences:
        body += "    y, y_reverse = forward[0], np.flip(backward[0], axis=1)  # backward back in input order\n"
    else:
        body += "    y, y_reverse = forward[1], backward[1]\n"
    states = " + forward[2] + backward[2]" if forward.config.get("return_state") else ""
    body += f"    return {merged}{states}\n"
    return "\n\n".join(sources + [body]), [_recurrent_call(step, plan)]


def simple(step: PortStep, plan: PortPlan, args: str, lines: list[str], extra: list[str] | None = None) -> Emitted:
    """A layer with one input and one output: `lines` compute y from x (and weights)."""
    source = header(step, args, extra) + "".join(f"    {line}\n" for line in lines)
    x, out = step.inputs[0], step.outputs[0]
    call_args = ", ".join(a.split("=")[0] for a in args.split(", "))
    call_args = call_args.replace("x", x.var, 1).replace("mask", mask_of(x))
    calls = [f"{out.var}, = {step.ident}({call_args})"]
    return source, calls


def weight(step_ident: str, role: str) -> str:
    return f'weights["{step_ident}/{role}"]'


Emitter = Callable[[PortStep, PortPlan], Emitted]


def attention(step: PortStep, plan: PortPlan) -> Emitted:
    """Attention (Luong: dot or concat scores) and AdditiveAttention (Bahdanau), as Keras at inference."""
    layer, config = step.layer, step.layer.config
    w = lambda role: f'weights["{step.ident}/{role}"]'  # noqa: E731
    scale = "scale" in layer.weights and (layer.class_name != "AdditiveAttention" or config.get("use_scale", True))
    lines = []
    if layer.class_name == "AdditiveAttention":
        lines.append("summed = np.tanh(query[:, :, None, :] + key[:, None, :, :])")
        lines.append(f"scores = (summed * {w('scale')}).sum(axis=-1)" if scale else "scores = summed.sum(axis=-1)")
    elif config.get("score_mode", "dot") == "concat":
        joined = f"(query[:, :, None, :] + key[:, None, :, :]){' * ' + w('scale') if scale else ''}"
        lines.append(f"scores = {w('concat_score_weight')} * np.tanh({joined}).sum(axis=-1)")
    else:
        lines.append(f"scores = query @ np.swapaxes(key, 1, 2){' * ' + w('scale') if scale else ''}")
    lines += ["allowed = np.ones(scores.shape, bool) if value_mask is None else value_mask[:, None, :]"]
    if config.get("use_causal_mask") or config.get("causal"):
        lines.append("allowed = allowed & np.tril(np.ones(scores.shape[-2:], bool))[None]  # causal")
    lines += ["scores = np.where(allowed, scores, scores - np.float32(1e9))  # hidden positions",
              "attention_weights = softmax(scores)",
              "output = attention_weights @ value",
              "if query_mask is not None:",
              "    output = np.where(query_mask[..., None], output, 0).astype(np.float32)"]
    result = "[output, attention_weights]" if config.get("return_attention_scores") else "[output]"
    source = header(step, "query, value, key, query_mask, value_mask, weights") + "".join(
        f"    {line}\n" for line in lines) + f"    return {result}\n"
    ins = step.inputs
    key = ins[2].var if len(ins) > 2 else ins[1].var
    outs = ", ".join(t.var for t in step.outputs)
    call = (f"{outs}, = {step.ident}({ins[0].var}, {ins[1].var}, {key}, {mask_of(ins[0])}, "
            f"{mask_of(ins[1])}, weights)")
    return source, [call]


def dot(step: PortStep, plan: PortPlan) -> Emitted:
    """Keras Dot: batch_dot over one axis of each input, optionally of L2-normalised inputs."""
    config = step.layer.config
    axes = config.get("axes", -1)
    axes = [axes, axes] if isinstance(axes, int) else [int(a) for a in axes]
    lines = [f"a, b = {axes[0]} % x.ndim, {axes[1]} % y.ndim"]
    if config.get("normalize"):
        if plan.model.keras_major >= 3:  # x * min(rsqrt(sum x^2), 1e7), as Keras 3
            lines += ["x = x * np.minimum(1 / np.sqrt(np.sum(x * x, axis=a, keepdims=True)), np.float32(1e7))",
                      "y = y * np.minimum(1 / np.sqrt(np.sum(y * y, axis=b, keepdims=True)), np.float32(1e7))"]
        else:  # x / sqrt(max(sum x^2, 1e-12)), as tf.keras
            lines += ["x = x / np.sqrt(np.maximum(np.sum(x * x, axis=a, keepdims=True), np.float32(1e-12)))",
                      "y = y / np.sqrt(np.maximum(np.sum(y * y, axis=b, keepdims=True), np.float32(1e-12)))"]
    lines += ["xm, ym = np.moveaxis(x, a, -1), np.moveaxis(y, b, -1)",
              "batch = x.shape[0]",
              "flat = xm.reshape(batch, -1, xm.shape[-1]) @ np.swapaxes(ym.reshape(batch, -1, ym.shape[-1]), 1, 2)",
              "out = flat.reshape((batch,) + xm.shape[1:-1] + ym.shape[1:-1])",
              "return [out.reshape(batch, 1) if out.ndim == 1 else out]"]
    source = header(step, "x, y") + "".join(f"    {line}\n" for line in lines)
    outs = ", ".join(t.var for t in step.outputs)
    return source, [f"{outs}, = {step.ident}({step.inputs[0].var}, {step.inputs[1].var})"]


def multi_head_attention(step: PortStep, plan: PortPlan) -> Emitted:
    """MultiHeadAttention / GroupedQueryAttention over the time axis, as Keras at inference."""
    layer, ins = step.layer, step.inputs
    w = lambda role: f'weights["{step.ident}/{role}"]'  # noqa: E731
    project = lambda part, x: (f"{part[0]} = np.tensordot({x}, {w(part + '_kernel')}, axes=([-1], [0]))"  # noqa: E731
                               + (f" + {w(part + '_bias')}" if f"{part}_bias" in layer.weights else "")
                               + "  # [batch, time, heads, size]")
    lines = ["if query.ndim != 3:", '    raise ValueError("attention over 2-d items is not generated")',
             project("query", "query"), project("key", "key"), project("value", "value"),
             "if k.shape[2] != q.shape[2]:  # grouped query attention: each key/value head serves a group",
             "    k, v = np.repeat(k, q.shape[2] // k.shape[2], axis=2), np.repeat(v, q.shape[2] // k.shape[2], axis=2)",
             "scores = np.einsum('bshd,bthd->bhts', k, q * np.float32(1 / np.sqrt(q.shape[-1])))"]
    masks = [t.masked for t in ins] + [False] * (3 - len(ins))
    causal = bool(layer.config.get("use_causal_mask") or layer.config.get("causal"))
    if any(masks) or causal:
        lines.append("allowed = np.ones((1, q.shape[1], k.shape[1]), bool)  # query x value x key masks")
        for present, mask, where in zip(masks, ("query_mask", "value_mask", "key_mask"),
                                         ("[:, :, None]", "[:, None, :]", "[:, None, :]"), strict=True):
            if present:
                lines.append(f"allowed = allowed & {mask}{where}")
        if causal:
            lines.append("allowed = allowed & np.tril(np.ones((q.shape[1], k.shape[1]), bool))[None]  # causal")
        lines.append("scores = np.where(allowed[:, None], scores, np.float32(-1e9))  # hidden positions")
    lines.append("attention_weights = softmax(scores)  # [batch, heads, query time, value time]")
    scores = bool(layer.config.get("return_attention_scores"))
    if scores and (any(masks) or causal) and plan.model.keras_major >= 3:
        lines.append("attention_weights = np.where(allowed[:, None], attention_weights, 0).astype(np.float32)")
    lines += ["attended = np.einsum('bhts,bshd->bthd', attention_weights, v)",
              f"output = np.tensordot(attended, {w('attention_output_kernel')}, axes=([2, 3], [0, 1]))"
              + (f" + {w('attention_output_bias')}" if "attention_output_bias" in layer.weights else "")]
    source = header(step, "query, value, key, query_mask, value_mask, key_mask, weights") + "".join(
        f"    {line}\n" for line in lines) + f"    return {'[output, attention_weights]' if scores else '[output]'}\n"
    key = ins[2] if len(ins) > 2 else None
    outs = ", ".join(t.var for t in step.outputs)
    call = (f"{outs}, = {step.ident}({ins[0].var}, {ins[1].var}, {key.var if key else ins[1].var}, "
            f"{mask_of(ins[0])}, {mask_of(ins[1])}, {mask_of(key) if key else 'None'}, weights)")
    return source, [call]
