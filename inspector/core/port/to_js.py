"""The JavaScript port: `model.mjs` (an ES module without dependencies or Node APIs, weights
embedded as base64 float32), `model.d.ts` for TypeScript, and the Node runner `run.mjs`."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np

from inspector.core.port.imperative import Call, Program, RNNSpec, StateSlot, Weight, program
from inspector.core.port.names import comment_text
from inspector.core.port.plan import PortPlan
from inspector.core.port.to_c import ACTIVATIONS, CONSTANTS, runtime_source


def camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def js_number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


def arg(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Weight):
        return f"W.{value.name}"
    if isinstance(value, RNNSpec):
        return f"RNN_{value.name}"
    if isinstance(value, StateSlot):
        return "state" if value.offset == 0 else f"state ? state.subarray(batch * {value.offset}) : null"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def names_in(args: tuple[object, ...]) -> set[str]:
    """The variables (and constant names) a call reads, inside tuples too."""
    found: set[str] = set()
    for value in args:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, (tuple, list)):
            found |= names_in(tuple(value))
    return found


def statement(call: Call, used: set[str]) -> str:
    args = ", ".join(arg(a) for a in call.args)
    if call.fn == "rnn" and not used & set(call.outs[1:]):
        args += ", 0"  # JavaScript only: the final h and c are not read, so rnn does not make them
    if call.fn == "identity":
        return f"const {call.outs[0]} = {args};"
    if len(call.outs) > 1:
        return f"const [{', '.join(call.outs)}] = {camel(call.fn)}({args});"
    return f"const {call.outs[0]} = {camel(call.fn)}({args});"


def weights_block(prog: Program) -> str:
    arrays = list(prog.weights.items())
    blob = np.concatenate([a for _, a in arrays]).astype("<f4") if arrays else np.zeros(0, "<f4")
    encoded = base64.b64encode(blob.tobytes()).decode("ascii")
    lines = ["// every weight as float32 (little-endian), base64; views below name them by layer and role",
             f'const WEIGHTS_BASE64 = "{encoded}";',
             "const ALL = (() => {",
             "  const text = atob(WEIGHTS_BASE64), bytes = new Uint8Array(text.length);",
             "  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);",
             "  return new Float32Array(bytes.buffer);", "})();", "const W = {"]
    offset = 0
    for name, array in arrays:
        lines.append(f"  {name}: ALL.subarray({offset}, {offset + array.size}),")
        offset += array.size
    return "\n".join(lines + ["};"])


def rnn_object(spec: RNNSpec) -> str:
    n = spec.name
    return (f"const RNN_{n} = {{ kind: {spec.kind}, inputs: {spec.inputs}, units: {spec.units}, gates: {spec.gates}, "
            f"act: {spec.activation}, ract: {spec.recurrent_activation}, resetAfter: {str(spec.reset_after).lower()}, "
            f"backwards: {str(spec.backwards).lower()},\n  W: W.{n}_kernel, U: W.{n}_recurrent_kernel, "
            f"b: W.{n}_bias, bu: W.{n}_recurrent_bias }};")


def module_source(plan: PortPlan) -> str:
    prog = program(plan)
    title = comment_text(plan.model.name or "model")
    step_shapes = [[int(d or 1) for d in spec.shape[2:]] for spec in plan.model.inputs]
    parts = [f"// {title}: ported from Keras by LSTM Inspector. ES module, no dependencies; see README.md.",
             "const " + ", ".join(f"ACT_{n.upper()} = {k}" for k, n in enumerate(ACTIVATIONS)) + ";",
             "const " + ", ".join(f"{n} = {k}" for k, n in enumerate(CONSTANTS)) + ";",
             runtime_source("runtime.js"), weights_block(prog)]
    parts += [rnn_object(spec) for spec in prog.rnns]
    body = ["function run(inputs, state) {", "  const batch = inputs[0].shape[0];"]
    body += [f"  const {t.var} = inputs[{k}];" for k, t in enumerate(plan.inputs)]
    used = {name for call in prog.calls for name in names_in(call.args)} | {t.var for t in plan.outputs}
    body += [f"  {statement(call, used)}" for call in prog.calls]
    body.append(f"  return [{', '.join(t.var for t in plan.outputs)}];")
    parts.append("\n".join(body) + "\n}")
    parts.append(API.format(
        tokens=json.dumps([bool(t) for t in plan.token_inputs]), state=prog.state_floats,
        streams=str(plan.streams).lower(), reason=json.dumps(plan.stream_reason), shapes=json.dumps(step_shapes)))
    return "\n\n".join(parts) + "\n"


API = """/** Per model input: true when it holds token ids (pass them as numbers; Keras truncates them). */
export const TOKEN_INPUTS = {tokens};
/** Floats of recurrent state per batch row (h and c of every recurrent layer). */
export const STATE_FLOATS = {state};
export const STREAMS = {streams};
export const STREAM_REASON = {reason};
/** The shape of one time step of each input, without batch and time. */
export const INPUT_STEP_SHAPES = {shapes};
export {{ ModelError }};

/**
 * Whole sequences, batch first: inputs is one {{data, shape}} per model input (data: numbers in
 * row-major order). state: null to start from zeros, or a Float32Array of STATE_FLOATS * batch
 * that carries the recurrent states from call to call. Returns one {{data, shape}} per output.
 */
export function predict(inputs, state = null) {{
  const arrays = inputs.map((x) => ({{ data: Float32Array.from(x.data), shape: Array.from(x.shape) }}));
  return run(arrays, state);
}}

/** One time step at a time, keeping the states (Keras stateful); inputs without the time axis. */
export class Stream {{
  constructor(batch = 1) {{
    if (!STREAMS) throw new ModelError("this model cannot stream: " + STREAM_REASON);
    this.batch = batch;
    this.state = new Float32Array(STATE_FLOATS * batch);
    this.inputs = INPUT_STEP_SHAPES.map((shape) => {{  // filled at every step: no allocation per step
      const dims = [batch, 1, ...shape];
      return {{ data: new Float32Array(dims.reduce((a, b) => a * b, 1)), shape: dims }};
    }});
  }}
  reset() {{
    this.state.fill(0);
  }}
  step(inputs) {{
    const arrays = this.inputs;
    for (let k = 0; k < arrays.length; k++) {{
      const x = inputs[k], data = arrays[k].data;
      if (!x || x.length !== data.length) {{
        throw new ModelError(`step: input ${{k}} needs ${{data.length}} numbers (batch x one time step)`);
      }}
      data.set(x);
    }}
    const outputs = run(arrays, this.state);
    for (let k = 0; k < outputs.length; k++) {{  // an output that is an input's array: the caller's own copy
      for (let i = 0; i < arrays.length; i++) {{
        if (arrays[i].data.buffer === outputs[k].data.buffer) {{
          outputs[k] = {{ data: outputs[k].data.slice(), shape: outputs[k].shape.slice() }};
          break;
        }}
      }}
    }}
    return outputs;
  }}
}}
"""

TYPES = """// TypeScript declarations for model.mjs
export interface ModelArray { data: ArrayLike<number>; shape: number[]; }
export interface ModelTensor { data: Float32Array; shape: number[]; }
export declare const TOKEN_INPUTS: boolean[];
export declare const STATE_FLOATS: number;
export declare const STREAMS: boolean;
export declare const STREAM_REASON: string;
export declare const INPUT_STEP_SHAPES: number[][];
export declare class ModelError extends Error {}
export declare function predict(inputs: ModelArray[], state?: Float32Array | null): ModelTensor[];
export declare class Stream {
  constructor(batch?: number);
  state: Float32Array;
  reset(): void;
  step(inputs: ArrayLike<number>[]): ModelTensor[];
}
"""

RUNNER = """// Runner (the port's runner contract): inputs on standard input, outputs on standard output.
// For each model input: a line "rank d1 ... dn", then the values in row-major order.
// node run.mjs --bench STEPS steps the model STEPS times at batch 1 and prints us_per_step.
import { readFileSync } from "node:fs";
import { predict, Stream, STREAMS, STREAM_REASON, TOKEN_INPUTS, INPUT_STEP_SHAPES } from "./model.mjs";

function readInputs(text) {
  const words = text.split(/\\s+/).filter((w) => w.length > 0);
  let at = 0;
  return TOKEN_INPUTS.map(() => {
    const rank = Number(words[at]);
    const shape = words.slice(at + 1, at + 1 + rank).map(Number);
    at += 1 + rank;
    const count = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(words.slice(at, at + count).map(Number));
    at += count;
    return { data, shape };
  });
}

function writeOutputs(outputs) {
  const lines = [];
  for (const y of outputs) {
    lines.push([y.shape.length, ...y.shape].join(" "));
    const width = y.shape.length ? y.shape[y.shape.length - 1] : 1;
    for (let i = 0; i < y.data.length; i += width) {
      lines.push(Array.from(y.data.subarray(i, i + width), (v) => v.toPrecision(9)).join(" "));
    }
  }
  process.stdout.write(lines.join("\\n") + "\\n");
}

function bench(steps) {
  if (!STREAMS) {
    console.error("this model has no streaming API: " + STREAM_REASON);
    process.exit(2);
  }
  const stream = new Stream(1);
  const inputs = INPUT_STEP_SHAPES.map((shape, k) =>
    new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(TOKEN_INPUTS[k] ? 1 : 0.5));
  for (let s = 0; s < Math.min(steps, 1000); s++) stream.step(inputs);
  const start = process.hrtime.bigint();
  for (let s = 0; s < steps; s++) stream.step(inputs);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e3;
  console.log("us_per_step " + (elapsed / steps).toPrecision(6));
}

if (process.argv[2] === "--bench") bench(Number(process.argv[3]));
else writeOutputs(predict(readInputs(readFileSync(0, "utf8"))));
"""


def js_files(plan: PortPlan) -> dict[str, bytes]:
    return {"model.mjs": module_source(plan).encode(), "model.d.ts": TYPES.encode(), "run.mjs": RUNNER.encode()}
