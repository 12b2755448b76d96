"""The C port: `model.h`, `model.c` (C99, static const weights, no allocation), `run.c`, `Makefile`.

The caller owns every byte the model touches: a scratch array (`model_scratch_floats()` says
how many floats a whole-sequence call needs; `MODEL_STEP_SCRATCH_FLOATS` for one step) and,
for streaming or stateful use, the recurrent state (`MODEL_STATE_FLOATS` per batch row).
"""

from __future__ import annotations

import math
import re
from importlib import resources

import numpy as np

from inspector.core.port.imperative import NONE, Call, Program, RNNSpec, StateSlot, Weight, program
from inspector.core.port.names import comment_text
from inspector.core.port.plan import PortPlan
from inspector.core.port.probe import step_output_floats

MAX_RANK = 6
ERRORS = {"MODEL_ERR_SCRATCH": "the scratch array is too small",
          "MODEL_ERR_SHAPE": "an input does not have the shape the model needs",
          "MODEL_ERR_TOKEN": "a token id is outside the vocabulary",
          "MODEL_ERR_UNSUPPORTED": "a layer's axes reach the batch axis (or time, in TimeDistributed)"}
CONSTANTS = ("KIND_LSTM", "KIND_GRU", "KIND_SIMPLE_RNN", "MERGE_ADD", "MERGE_SUBTRACT", "MERGE_MULTIPLY",
             "MERGE_MAXIMUM", "MERGE_MINIMUM", "PAD_VALID", "PAD_SAME", "PAD_CAUSAL",
             "SCORE_DOT", "SCORE_CONCAT", "SCORE_ADDITIVE")
ACTIVATIONS = ("linear", "tanh", "sigmoid", "hard_sigmoid_keras2", "hard_sigmoid_keras3", "relu", "relu6", "softmax",
               "log_softmax", "elu", "selu", "softplus", "softsign", "exponential", "swish", "silu", "hard_silu",
               "mish", "gelu", "leaky_relu", "celu", "log_sigmoid", "sparse_plus", "squareplus", "tanh_shrink",
               "hard_tanh", "soft_shrink", "hard_shrink")


def runtime_source(name: str) -> str:
    return resources.files("inspector.core.port").joinpath("runtime").joinpath(name).read_text()


def c_float(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INFINITY" if value > 0 else "-INFINITY"
    text = "%.9g" % value  # noqa: UP031 - nine significant digits round-trip a float32
    if not any(ch in text for ch in ".e"):
        text += ".0"
    return text + "f"


def c_array(name: str, values: np.ndarray) -> str:
    body = ",".join(c_float(float(v)) for v in values)
    body = re.sub(r"((?:[^,]*,){12})", r"\1\n    ", body)
    return f"static const float {name}[{max(values.size, 1)}] = {{\n    {body or '0.0f'}\n}};"


def arg(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, Weight):
        return value.name
    if isinstance(value, RNNSpec):
        return f"&{value.name}"
    if isinstance(value, StateSlot):
        return f"state ? state + (size_t)batch * {value.offset} : NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return c_float(value)
    if isinstance(value, tuple):  # C99 has no empty array: a count of 0 goes with a placeholder
        return "(const int[]){" + (", ".join(str(v) for v in value) or "0") + "}"
    return str(value)


def statement(call: Call) -> str:
    args = ", ".join(arg(a) for a in call.args)
    if call.fn == "identity":
        return f"tensor {call.outs[0]} = {args};"
    if call.fn == "flatten":
        return f"tensor {call.outs[0]} = flatten({args});"
    if len(call.outs) == 2:  # masking, attention: the second output through a pointer
        return f"tensor {call.outs[1]}; tensor {call.outs[0]} = {call.fn}(a, {args}, &{call.outs[1]});"
    if call.fn == "rnn":
        y, h, c = call.outs
        return f"tensor {y}, {h}, {c}; rnn(a, {args}, &{y}, &{h}, &{c});"
    return f"tensor {call.outs[0]} = {call.fn}(a, {args});"


def rnn_struct(spec: RNNSpec) -> str:
    n = spec.name
    return (f"static const rnn_layer {n} = {{{spec.kind}, {spec.inputs}, {spec.units}, {spec.gates}, "
            f"{spec.activation}, {spec.recurrent_activation}, {int(spec.reset_after)}, {int(spec.backwards)},\n"
            f"    {n}_kernel, {n}_recurrent_kernel, {n}_bias, {n}_recurrent_bias}};")


def header(plan: PortPlan, prog: Program) -> str:
    title = comment_text(plan.model.name or "model")
    lines = [f"/* {title}: ported from Keras by LSTM Inspector. C99, no allocation; see README.md. */",
             "#ifndef MODEL_H", "#define MODEL_H", "", "#include <stddef.h>", "",
             f"#define MODEL_MAX_RANK {MAX_RANK}", f"#define MODEL_INPUTS {len(plan.inputs)}",
             f"#define MODEL_OUTPUTS {len(plan.outputs)}",
             f"#define MODEL_STATE_FLOATS {prog.state_floats}  /* per batch row: h and c of every recurrent layer */",
             f"#define MODEL_STREAMS {int(plan.streams)}"]
    if plan.streams:
        lines.append(f"#define MODEL_STEP_SCRATCH_FLOATS {step_scratch(plan, prog)}  /* model_step at batch 1 */")
        for k, spec in enumerate(plan.model.inputs):
            lines.append(f"#define MODEL_INPUT{k}_STEP_FLOATS {int(np.prod([d or 1 for d in spec.shape[2:]]))}")
    else:
        lines.append(f"/* no streaming API: {comment_text(plan.stream_reason, 200)} */")
    lines += [f"#define {name} {k + 1}  /* {text} */" for k, (name, text) in enumerate(ERRORS.items())]
    lines += ["", "typedef struct { float *data; int rank; int shape[MODEL_MAX_RANK]; } model_array;", "",
              "/* 1 for inputs that hold token ids (pass them as floats; Keras truncates to integers) */",
              "extern const int model_token_inputs[MODEL_INPUTS];", "",
              "/* floats of scratch model_predict needs for these inputs (only their shapes are read) */",
              "size_t model_scratch_floats(const model_array *inputs);",
              "/* Whole sequences, batch first. outputs point into scratch. state: NULL to start from zeros,",
              "   or MODEL_STATE_FLOATS * batch floats that carry the recurrent states from call to call.",
              "   Returns 0 or a MODEL_ERR_ code. */",
              "int model_predict(const model_array *inputs, model_array *outputs, float *state, float *scratch,",
              "                  size_t scratch_floats);",
              "const char *model_error_text(int code);"]
    if plan.streams:
        lines += ["/* One time step at batch 1: inputs[k] holds MODEL_INPUTk_STEP_FLOATS floats; state holds",
                  "   MODEL_STATE_FLOATS floats (zeros to start: model_reset); scratch MODEL_STEP_SCRATCH_FLOATS. */",
                  "int model_step(const float *const *inputs, model_array *outputs, float *state, float *scratch);",
                  "void model_reset(float *state);"]
    return "\n".join(lines + ["", "#endif"]) + "\n"


def step_scratch(plan: PortPlan, prog: Program) -> int:
    """An upper bound of the scratch one step at batch 1 takes (the runtime checks it anyway)."""
    largest = step_output_floats(plan)
    total = 0
    for call in prog.calls:
        if call.fn == "rnn":
            spec = call.args[0]
            assert isinstance(spec, RNNSpec)
            total += 3 * spec.units + 3 * spec.gates * spec.units + spec.units
        elif call.fn not in ("identity", "flatten"):
            total += len(call.outs) * largest
    return total + 16


PANEL = 32  # columns per panel, as runtime.c's PANEL


def panels(matrix: np.ndarray) -> np.ndarray:
    """[n][width] -> panels of PANEL columns, each [n][PANEL] row after row, the last one zero-padded
    (the order the C step loop reads them in; see runtime.c)."""
    n, width = matrix.shape
    padded = np.zeros((n, -(-width // PANEL) * PANEL), np.float32)
    padded[:, :width] = matrix
    return np.ascontiguousarray(padded.reshape(n, -1, PANEL).transpose(1, 0, 2)).ravel()


def panelled(prog: Program) -> Program:
    """The program with every recurrent kernel and recurrent kernel in panel layout."""
    for spec in prog.rnns:
        width = spec.gates * spec.units
        for role, rows in (("kernel", spec.inputs), ("recurrent_kernel", spec.units)):
            key = f"{spec.name}_{role}"
            prog.weights[key] = panels(prog.weights[key].reshape(rows, width))
    return prog


def source(plan: PortPlan) -> str:
    prog = panelled(program(plan))
    parts = [f"/* {comment_text(plan.model.name or 'model')}: generated by LSTM Inspector; see README.md. */",
             "#include \"model.h\"", "", "#include <math.h>", "#include <string.h>", "",
             "#ifdef __GNUC__", "#define RT static __attribute__((unused))", "#else", "#define RT static", "#endif"]
    parts += [f"#define ACT_{name.upper()} {k}" for k, name in enumerate(ACTIVATIONS)]
    parts += [f"#define {name} {k}" for k, name in enumerate(CONSTANTS)]
    tokens = ", ".join(str(int(t)) for t in plan.token_inputs) or "0"
    parts += ["", f"const int model_token_inputs[MODEL_INPUTS] = {{{tokens}}};", ""]
    parts += [c_array(name, values) for name, values in prog.weights.items()]
    parts.append(re.sub(r"^static ", "RT ", runtime_source("runtime.c"), flags=re.M))
    parts += [rnn_struct(spec) for spec in prog.rnns]
    parts.append(_run_function(plan, prog))
    parts.append(_api(plan))
    return "\n".join(parts) + "\n"


def _run_function(plan: PortPlan, prog: Program) -> str:
    lines = ["static void run(arena *a, const model_array *in, model_array *out, float *state) {",
             "    int batch = in[0].shape[0];", "    (void)batch; (void)state;"]
    lines += [f"    tensor {t.var} = in[{k}];" for k, t in enumerate(plan.inputs)]
    lines += [f"    {statement(call)}" for call in prog.calls]
    lines += [f"    out[{k}] = {t.var};" for k, t in enumerate(plan.outputs)]
    declared = [name for call in prog.calls for name in call.outs]
    lines += [f"    (void){name};" for name in [NONE, *declared]]
    return "\n".join(lines) + "\n}\n"


def _api(plan: PortPlan) -> str:
    errors = "".join(f"    case {name}: return \"{text}\";\n" for name, text in ERRORS.items())
    text = (
        "size_t model_scratch_floats(const model_array *inputs) {\n"
        "    arena a = {NULL, 0, 0, 0};\n    model_array out[MODEL_OUTPUTS];\n"
        "    run(&a, inputs, out, NULL);\n    return a.used;\n}\n\n"
        "int model_predict(const model_array *inputs, model_array *outputs, float *state, float *scratch,\n"
        "                  size_t scratch_floats) {\n"
        "    arena a;\n    a.base = scratch; a.cap = scratch_floats; a.used = 0; a.err = 0;\n"
        "    run(&a, inputs, outputs, state);\n    return a.err;\n}\n\n"
        "const char *model_error_text(int code) {\n    switch (code) {\n    case 0: return \"ok\";\n"
        f"{errors}    default: return \"unknown error\";\n    }}\n}}\n")
    if not plan.streams:
        return text
    fill = []
    for k, spec in enumerate(plan.model.inputs):
        dims = [1, 1] + [int(d or 1) for d in spec.shape[2:]]
        fill.append(f"    in[{k}].data = (float *)inputs[{k}]; in[{k}].rank = {len(dims)};")
        fill += [f"    in[{k}].shape[{j}] = {d};" for j, d in enumerate(dims)]
    return text + (
        "\nint model_step(const float *const *inputs, model_array *outputs, float *state, float *scratch) {\n"
        "    model_array in[MODEL_INPUTS];\n    arena a;\n" + "\n".join(fill) + "\n"
        "    a.base = scratch; a.cap = MODEL_STEP_SCRATCH_FLOATS; a.used = 0; a.err = 0;\n"
        "    run(&a, in, outputs, state);\n    return a.err;\n}\n\n"
        "void model_reset(float *state) {\n    int k;\n"
        "    for (k = 0; k < MODEL_STATE_FLOATS; k++) state[k] = 0.0f;\n}\n")


MAKEFILE = """# Builds the runner ./run; honours CFLAGS (make CFLAGS='-O3 -march=native').
# -fno-trapping-math lets the compiler vectorise the gate activations (nothing here reads FP exceptions);
# -ffp-contract=fast lets it fuse multiply-adds where the CPU has them (one rounding instead of two).
CC ?= cc
CFLAGS ?= -O2
STD = -std=c99 -Wall -Wextra -Werror -fno-trapping-math -ffp-contract=fast

run: run.c model.c model.h
\t$(CC) $(STD) $(CFLAGS) -o run run.c model.c -lm

clean:
\trm -f run
"""


def c_files(plan: PortPlan) -> dict[str, bytes]:
    prog = program(plan)
    return {"model.h": header(plan, prog).encode(), "model.c": source(plan).encode(),
            "run.c": runtime_source("run.c").encode(), "Makefile": MAKEFILE.encode()}
