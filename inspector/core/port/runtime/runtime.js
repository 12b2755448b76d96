// ---- runtime: tensors are {data: Float32Array, shape: number[]}; Keras's layer maths ----

const NONE = null;
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const tensor = (shape) => ({ data: new Float32Array(size(shape)), shape });
const like = (x, last) => tensor([...x.shape.slice(0, -1), last]);
const last = (x) => x.shape[x.shape.length - 1];

class ModelError extends Error {}

function fail(message) {
  throw new ModelError(message);
}

const softplus = (v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
const sigmoid = (v) => 1 / (1 + Math.exp(-v));
const clip = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);

function erf(x) {
  // the Taylor series near 0, the continued fraction of erfc beyond: about 1e-15 in double precision
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = t, term = t, k = 0;
    while (Math.abs(term) > 1e-17 * Math.abs(sum)) {
      k += 1;
      term *= (-t * t) / k;
      sum += term / (2 * k + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let k = 60; k >= 1; k--) f = (k / 2) / (t + f);
  return Math.sign(x) * (1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f));
}

const ACTS = {
  [ACT_LINEAR]: (v) => v,
  [ACT_TANH]: Math.tanh,
  [ACT_SIGMOID]: sigmoid,
  [ACT_HARD_SIGMOID_KERAS2]: (v) => clip(Math.fround(Math.fround(v * Math.fround(0.2)) + 0.5), 0, 1),
  [ACT_HARD_SIGMOID_KERAS3]: (v) => clip(Math.fround(v + 3), 0, 6) / 6,
  [ACT_RELU]: (v) => (v > 0 ? v : 0),
  [ACT_RELU6]: (v) => clip(v, 0, 6),
  [ACT_ELU]: (v) => (v > 0 ? v : Math.expm1(v)),
  [ACT_SELU]: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v)),
  [ACT_SOFTPLUS]: softplus,
  [ACT_SOFTSIGN]: (v) => v / (1 + Math.abs(v)),
  [ACT_EXPONENTIAL]: Math.exp,
  [ACT_SWISH]: (v) => v * sigmoid(v),
  [ACT_SILU]: (v) => v * sigmoid(v),
  [ACT_HARD_SILU]: (v) => (v * clip(v + 3, 0, 6)) / 6,
  [ACT_MISH]: (v) => v * Math.tanh(softplus(v)),
  [ACT_GELU]: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  [ACT_LEAKY_RELU]: (v) => (v >= 0 ? v : v * 0.2),
  [ACT_CELU]: (v) => Math.max(v, 0) + Math.expm1(Math.min(v, 0)),
  [ACT_LOG_SIGMOID]: (v) => -softplus(-v),
  [ACT_SPARSE_PLUS]: (v) => (v <= -1 ? 0 : v < 1 ? ((v + 1) * (v + 1)) / 4 : v),
  [ACT_SQUAREPLUS]: (v) => (v + Math.sqrt(v * v + 4)) / 2,
  [ACT_TANH_SHRINK]: (v) => v - Math.tanh(v),
  [ACT_HARD_TANH]: (v) => clip(v, -1, 1),
  [ACT_SOFT_SHRINK]: (v) => (Math.abs(v) > 0.5 ? v - Math.sign(v) * 0.5 : 0),
  [ACT_HARD_SHRINK]: (v) => (Math.abs(v) > 0.5 ? v : 0),
};

function actApply(x, from, n, width, act) {
  if (act === ACT_LINEAR) return;
  if (act === ACT_SOFTMAX || act === ACT_LOG_SOFTMAX) {
    for (let row = from; row + width <= from + n; row += width) {
      let top = x[row], sum = 0;
      for (let j = 1; j < width; j++) top = Math.max(top, x[row + j]);
      for (let j = 0; j < width; j++) sum += Math.exp(x[row + j] - top);
      for (let j = 0; j < width; j++) {
        x[row + j] = act === ACT_SOFTMAX ? Math.exp(x[row + j] - top) / sum : x[row + j] - top - Math.log(sum);
      }
    }
    return;
  }
  if (act === ACT_SIGMOID) {  // the gates' two activations without a call through the table
    for (let k = from; k < from + n; k++) x[k] = 1 / (1 + Math.exp(-x[k]));
    return;
  }
  if (act === ACT_TANH) {
    for (let k = from; k < from + n; k++) x[k] = Math.tanh(x[k]);
    return;
  }
  const f = ACTS[act];
  for (let k = from; k < from + n; k++) x[k] = f(x[k]);
}

function matmulRows(x, xOff, rows, inp, W, b, out, y, yOff) {
  for (let row = 0; row < rows; row++) {
    const xr = xOff + row * inp, yr = yOff + row * out;
    for (let j = 0; j < out; j++) y[yr + j] = b ? b[j] : 0;
    for (let k = 0; k < inp; k++) {
      const xk = x[xr + k], w = k * out;
      for (let j = 0; j < out; j++) y[yr + j] += xk * W[w + j];
    }
  }
}

function dense(x, W, b, inp, out, act) {
  if (last(x) !== inp) fail(`dense: expected ${inp} features, got ${last(x)}`);
  const y = like(x, out), sums = new Float64Array(y.data.length);
  matmulRows(x.data, 0, x.data.length / inp, inp, W, b, out, sums, 0);
  y.data.set(sums);
  actApply(y.data, 0, y.data.length, out, act);
  return y;
}

function activation(x, act) {
  const y = { data: Float32Array.from(x.data), shape: x.shape.slice() };
  actApply(y.data, 0, y.data.length, last(y), act);
  return y;
}

function embedding(ids, table, vocabulary, dim) {
  const y = tensor([...ids.shape, dim]);
  for (let i = 0; i < ids.data.length; i++) {
    const id = Math.trunc(ids.data[i]);
    if (!(id >= 0 && id < vocabulary)) fail(`token id ${ids.data[i]} is outside 0..${vocabulary - 1}`);
    y.data.set(table.subarray(id * dim, (id + 1) * dim), i * dim);
  }
  return y;
}

function tokenMask(ids) {
  return { data: ids.data.map((v) => (Math.trunc(v) !== 0 ? 1 : 0)), shape: ids.shape.slice() };
}

function masking(x, value) {
  const f = last(x), y = like(x, f), mask = tensor(x.shape.slice(0, -1));
  value = Math.fround(value);
  for (let i = 0; i < mask.data.length; i++) {
    let keep = false;
    for (let j = 0; j < f; j++) keep = keep || x.data[i * f + j] !== value;
    mask.data[i] = keep ? 1 : 0;
    for (let j = 0; j < f; j++) y.data[i * f + j] = keep ? x.data[i * f + j] : 0;
  }
  return [y, mask];
}

// ---- recurrent layers: weights fused per layer, gates side by side in each row ----

// Each kernel is copied once, on first use, into its transpose (float64): output column j then reads
// one contiguous row, summed in the same order k = 0, 1, ... as x @ W, so the sums are unchanged.
function transposed(M, rows, cols) {
  const T = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = M[r * cols + c];
  return T;
}

// y[yOff + j] += v[vOff ..] . MT row j, for j in from..to; four columns at a time keep four
// independent sums in flight and read each v[k] once for the four
function addColumns(MT, n, v, vOff, y, yOff, from, to) {
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const r0 = j * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n, o = yOff + j;
    let a0 = y[o], a1 = y[o + 1], a2 = y[o + 2], a3 = y[o + 3];
    for (let k = 0; k < n; k++) {
      const vk = v[vOff + k];
      a0 += vk * MT[r0 + k];
      a1 += vk * MT[r1 + k];
      a2 += vk * MT[r2 + k];
      a3 += vk * MT[r3 + k];
    }
    y[o] = a0;
    y[o + 1] = a1;
    y[o + 2] = a2;
    y[o + 3] = a3;
  }
  for (; j < to; j++) {
    const r = j * n;
    let a = y[yOff + j];
    for (let k = 0; k < n; k++) a += v[vOff + k] * MT[r + k];
    y[yOff + j] = a;
  }
}

// The same sums with WebAssembly SIMD where the engine has it (JavaScript loops otherwise): WASM_MV
// is one function mv(w, n, v, y, panels), built below byte by byte. For each panel of 8 columns, kept
// as [k][8] float32, it adds v[k] * column[k] for k = 0, 1, ... to the float64 sums y, two columns per
// lane pair (multiply, then add: no fused multiply-add), so every sum is the JavaScript loop's, bit for bit.
const WASM_MV = (() => {
  if (typeof WebAssembly !== "object") return null;
  const S = (op) => (op < 128 ? [0xfd, op] : [0xfd, (op & 127) | 128, op >> 7]);
  const get = (i) => [0x20, i], set = (i) => [0x21, i];
  const W = 0, N = 1, V = 2, Y = 3, P = 4, K = 5, VP = 6, A = 7, SPL = 11;
  const acc = (q) => [...get(A + q), ...get(SPL), ...get(W), ...S(0x5d), 3, q * 8, ...S(0x5f), ...S(0xf2), ...S(0xf0), ...set(A + q)];
  const body = [
    0x02, 0x40, 0x03, 0x40,
    ...get(P), 0x45, 0x0d, 1,
    ...get(Y), ...S(0x00), 4, 0, ...set(A), ...get(Y), ...S(0x00), 4, 16, ...set(A + 1),
    ...get(Y), ...S(0x00), 4, 32, ...set(A + 2), ...get(Y), ...S(0x00), 4, 48, ...set(A + 3),
    ...get(V), ...set(VP), ...get(N), ...set(K),
    0x02, 0x40, 0x03, 0x40,
    ...get(K), 0x45, 0x0d, 1,
    ...get(VP), 0x2b, 3, 0, ...S(0x14), ...set(SPL),
    ...acc(0), ...acc(1), ...acc(2), ...acc(3),
    ...get(W), 0x41, 32, 0x6a, ...set(W), ...get(VP), 0x41, 8, 0x6a, ...set(VP), ...get(K), 0x41, 1, 0x6b, ...set(K),
    0x0c, 0, 0x0b, 0x0b,
    ...get(Y), ...get(A), ...S(0x0b), 4, 0, ...get(Y), ...get(A + 1), ...S(0x0b), 4, 16,
    ...get(Y), ...get(A + 2), ...S(0x0b), 4, 32, ...get(Y), ...get(A + 3), ...S(0x0b), 4, 48,
    ...get(Y), 0x41, 0xc0, 0x00, 0x6a, ...set(Y), ...get(P), 0x41, 1, 0x6b, ...set(P),
    0x0c, 0, 0x0b, 0x0b, 0x0b];
  const func = [2, 2, 0x7f, 5, 0x7b, ...body];
  const leb = (n) => (n < 128 ? [n] : [(n & 127) | 128, ...leb(n >> 7)]);
  const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, 1, 0x6d, 1, 0x6d, 2, 0, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, 2, 0x6d, 0x76, 0, 0]),
    ...section(10, [1, ...leb(func.length), ...func])]);
  try {
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch (e) {
    return null;
  }
})();

function simdColumns(MT, n, cols) {
  if (WASM_MV === null || n * cols < 256) return null;
  try {
    const P = Math.ceil(cols / 8), vOff = P * n * 32, yOff = vOff + n * 8, total = yOff + P * 64;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(total / 65536)) });
    const mv = new WebAssembly.Instance(WASM_MV, { m: { m: memory } }).exports.mv;
    const panels = new Float32Array(memory.buffer, 0, P * n * 8);
    for (let j = 0; j < cols; j++) for (let k = 0; k < n; k++) panels[((j >> 3) * n + k) * 8 + (j & 7)] = MT[j * n + k];
    return { mv, n, cols, P, vOff, yOff, v: new Float64Array(memory.buffer, vOff, n),
      y: new Float64Array(memory.buffer, yOff, P * 8) };
  } catch (e) {
    return null;  // e.g. a page whose content security policy forbids WebAssembly
  }
}

// y[yOff ..] += v[vOff ..] @ the columns of K (all of them)
function simdAdd(K, v, vOff, y, yOff) {
  const n = K.n, cols = K.cols, kv = K.v, ky = K.y;
  for (let k = 0; k < n; k++) kv[k] = v[vOff + k];
  for (let j = 0; j < cols; j++) ky[j] = y[yOff + j];
  K.mv(0, n, K.vOff, K.yOff, K.P);
  for (let j = 0; j < cols; j++) y[yOff + j] = ky[j];
}

// y[0 .. G*u) += h @ U (every gate)
function addRecurrent(w, h, y) {
  if (w._Uk !== null) simdAdd(w._Uk, h, 0, y, 0);
  else addColumns(w._UT, w.units, h, 0, y, 0, 0, w.gates * w.units);
}

// what a layer keeps between calls (streaming allocates no scratch per step): the transposed
// kernels, and float64 scratch (typed-array loops in float64 are what JavaScript engines run fastest)
function prepared(w, rows) {
  const width = w.gates * w.units;
  if (w._WT === undefined) {
    w._WT = transposed(w.W, w.inputs, width);
    w._UT = transposed(w.U, w.units, width);
    w._Wk = simdColumns(w._WT, w.inputs, width);
    w._Uk = simdColumns(w._UT, w.units, width);
    w._pre = new Float64Array(width);
    w._inner = new Float64Array(width);
    w._prev = new Float64Array(w.units);
    w._h = new Float32Array(w.units);  // h and c of the batch row being stepped, rounded to float32 as Keras
    w._c = new Float32Array(w.units);
    w._xp = new Float64Array(rows * width);
  }
  if (w._xp.length < rows * width) w._xp = new Float64Array(rows * width);
  return w;
}

function cellStep(w, xp, xOff, h, c, pre, inner) {
  const u = w.units, G = w.gates, UT = w._UT;
  if (w.kind === KIND_GRU) {
    if (w.resetAfter) {
      inner.set(w.bu);
      addRecurrent(w, h, inner);
      for (let j = 0; j < 2 * u; j++) pre[j] = xp[xOff + j] + inner[j];
      actApply(pre, 0, 2 * u, u, w.ract);
      for (let j = 0; j < u; j++) pre[2 * u + j] = xp[xOff + 2 * u + j] + pre[u + j] * inner[2 * u + j];
    } else {
      for (let j = 0; j < 2 * u; j++) pre[j] = xp[xOff + j];
      addColumns(UT, u, h, 0, pre, 0, 0, 2 * u);
      actApply(pre, 0, 2 * u, u, w.ract);
      for (let j = 0; j < u; j++) inner[j] = pre[u + j] * h[j];
      for (let j = 0; j < u; j++) pre[2 * u + j] = xp[xOff + 2 * u + j];
      addColumns(UT, u, inner, 0, pre, 0, 2 * u, 3 * u);
    }
    actApply(pre, 2 * u, u, u, w.act);
    for (let j = 0; j < u; j++) h[j] = pre[j] * h[j] + (1 - pre[j]) * pre[2 * u + j];
    return;
  }
  for (let j = 0; j < G * u; j++) pre[j] = xp[xOff + j];
  addRecurrent(w, h, pre);
  if (w.kind === KIND_SIMPLE_RNN) {
    actApply(pre, 0, u, u, w.act);
    for (let j = 0; j < u; j++) h[j] = pre[j];
    return;
  }
  actApply(pre, 0, 2 * u, u, w.ract);
  actApply(pre, 2 * u, u, u, w.act);
  actApply(pre, 3 * u, u, u, w.ract);
  for (let j = 0; j < u; j++) c[j] = pre[u + j] * c[j] + pre[j] * pre[2 * u + j];
  for (let j = 0; j < u; j++) inner[j] = c[j];
  actApply(inner, 0, u, u, w.act);
  for (let j = 0; j < u; j++) h[j] = pre[3 * u + j] * inner[j];
}

// x @ W + b for every (batch, time) row at once: hoisted out of the time loop
function inputProjection(w, x, rows) {
  const width = w.gates * w.units, n = w.inputs, xp = w._xp, b = w.b;
  for (let row = 0; row < rows; row++) {
    const o = row * width;
    for (let j = 0; j < width; j++) xp[o + j] = b ? b[j] : 0;
    if (w._Wk !== null) simdAdd(w._Wk, x, row * n, xp, o);
    else addColumns(w._WT, n, x, row * n, xp, o, 0, width);
  }
  return xp;
}

// Keras semantics: a masked step keeps the states and emits the previous output (zeros with
// zeroOutput); go_backwards walks t = T-1..0 and returns the outputs in that order.
// states = 0 (JavaScript only): the program does not read the final h and c, which are not made
function rnn(w, x, mask, initH, initC, keep, zeroOutput, sequences, states = 1) {
  if (x.shape.length !== 3 || x.shape[2] !== w.inputs) fail(`recurrent layer: bad input shape ${x.shape}`);
  const B = x.shape[0], T = x.shape[1], u = w.units, width = w.gates * u;
  // the results are the only allocations of a call once the layer is prepared
  const y = new Float32Array((sequences ? B * T : B) * u);
  const hAll = states ? new Float32Array(B * u) : null, cAll = states ? new Float32Array(B * u) : null;
  prepared(w, B * T);
  const pre = w._pre, inner = w._inner, prev = w._prev, h = w._h, c = w._c;
  const xp = inputProjection(w, x.data, B * T);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < u; j++) {
      h[j] = initH ? initH.data[b * u + j] : keep ? keep[b * 2 * u + j] : 0;
      c[j] = initC ? initC.data[b * u + j] : keep ? keep[b * 2 * u + u + j] : 0;
    }
    prev.fill(0);
    for (let s = 0; s < T; s++) {
      const t = w.backwards ? T - 1 - s : s;
      const o = (b * (sequences ? T : 1) + (sequences ? s : 0)) * u;
      if (mask && mask.data[b * T + t] === 0) {
        for (let j = 0; j < u; j++) y[o + j] = zeroOutput ? 0 : prev[j];
      } else {
        cellStep(w, xp, (b * T + t) * width, h, c, pre, inner);
        for (let j = 0; j < u; j++) y[o + j] = h[j];
      }
      for (let j = 0; j < u; j++) prev[j] = y[o + j];
    }
    for (let j = 0; j < u; j++) {
      if (hAll) {
        hAll[b * u + j] = h[j];
        cAll[b * u + j] = c[j];
      }
      if (keep) {
        keep[b * 2 * u + j] = h[j];
        keep[b * 2 * u + u + j] = c[j];
      }
    }
  }
  const out = { data: y, shape: sequences ? [B, T, u] : [B, u] };
  return states ? [out, { data: hAll, shape: [B, u] }, { data: cAll, shape: [B, u] }] : [out, null, null];
}

function flipTime(x) {
  const [B, T] = x.shape, inner = x.data.length / (B * T), y = tensor(x.shape.slice());
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      y.data.set(x.data.subarray((b * T + (T - 1 - t)) * inner, (b * T + (T - t)) * inner), (b * T + t) * inner);
    }
  }
  return y;
}

// ---- merges, normalization, shapes ----

function merge2(x, y, op) {
  if (x.data.length !== y.data.length) fail(`merge: shapes ${x.shape} and ${y.shape} differ`);
  const z = tensor(x.shape.slice());
  for (let i = 0; i < z.data.length; i++) {
    const p = x.data[i], q = y.data[i];
    z.data[i] = op === MERGE_SUBTRACT ? p - q : op === MERGE_MULTIPLY ? p * q : op === MERGE_MAXIMUM ? Math.max(p, q)
      : op === MERGE_MINIMUM ? Math.min(p, q) : p + q;
  }
  return z;
}

function scale(x, factor) {
  return { data: x.data.map((v) => v / factor), shape: x.shape.slice() };
}

// ---- Dot and attention: products over one axis of two tensors ----

// Keras Dot's l2 normalisation along axis: Keras 3 ops.normalize x * min(1 / sqrt(sum x^2), 1e7);
// tf.keras l2_normalize x / sqrt(max(sum x^2, 1e-12))
function l2NormalizeAxis(x, axis, keras3) {
  const n = x.shape[axis], inner = size(x.shape.slice(axis + 1)), outer = x.data.length / (n * inner);
  const y = tensor(x.shape.slice());
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const at = o * n * inner + i;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += x.data[at + k * inner] ** 2;
    sum = Math.fround(sum);
    const factor = keras3 ? Math.min(1 / Math.sqrt(sum), 1e7) : 1 / Math.sqrt(Math.max(sum, 1e-12));
    for (let k = 0; k < n; k++) y.data[at + k * inner] = x.data[at + k * inner] * factor;
  }
  return y;
}

// Keras batch_dot: per sample, x's axis ax contracted with y's axis ay (negative: from the end);
// the output keeps x's other axes, then y's ([batch, 1] when none is left)
function dot(x, y, ax, ay, normalize, keras3) {
  const rx = x.shape.length, ry = y.shape.length, a = ((ax % rx) + rx) % rx, b = ((ay % ry) + ry) % ry;
  if (a === 0 || b === 0 || x.shape[a] !== y.shape[b] || x.shape[0] !== y.shape[0]) {
    fail(`dot: shapes ${x.shape} and ${y.shape} cannot be contracted over axes ${ax}, ${ay}`);
  }
  if (normalize) [x, y] = [l2NormalizeAxis(x, a, keras3), l2NormalizeAxis(y, b, keras3)];
  const B = x.shape[0], n = x.shape[a], qx = size(x.shape.slice(a + 1)), qy = size(y.shape.slice(b + 1));
  const I = x.data.length / (B * n), J = y.data.length / (B * n);
  const rest = [...x.shape.slice(1, a), ...x.shape.slice(a + 1), ...y.shape.slice(1, b), ...y.shape.slice(b + 1)];
  const z = tensor(rest.length ? [B, ...rest] : [B, 1]);
  for (let s = 0; s < B; s++) for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) {
    const xo = (s * I + i - (i % qx)) * n + (i % qx), yo = (s * J + j - (j % qy)) * n + (j % qy);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += x.data[xo + k * qx] * y.data[yo + k * qy];
    z.data[(s * I + i) * J + j] = sum;
  }
  return z;
}

// Attention (Luong: SCORE_DOT, SCORE_CONCAT) and AdditiveAttention (Bahdanau: SCORE_ADDITIVE) at inference
// (dropout is inert): scores of every query step against every key step; a step the value mask or the
// causal mask hides gets score - 1e9 (in float32, as Keras); softmax over the value steps; the weighted
// sum of the values; query steps the query mask hides output zeros. Returns [output, attention weights].
function attention(q, v, k, qMask, vMask, mode, scale, weight, causal) {
  const [B, Tq, d] = q.shape, Tv = v.shape[1], dv = v.shape[2];
  if (q.shape.length !== 3 || v.shape.length !== 3 || k.shape[1] !== Tv || k.shape[2] !== d) {
    fail(`attention: query ${q.shape}, value ${v.shape} and key ${k.shape} do not fit`);
  }
  const out = tensor([B, Tq, dv]), weights = tensor([B, Tq, Tv]), w = weights.data;
  for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) {
    const row = (b * Tq + i) * Tv, qo = (b * Tq + i) * d;
    for (let j = 0; j < Tv; j++) {
      const ko = (b * Tv + j) * d;
      let s = 0;
      for (let c = 0; c < d; c++) {
        if (mode === SCORE_DOT) s += q.data[qo + c] * k.data[ko + c];
        else if (mode === SCORE_CONCAT) s += Math.tanh(scale ? scale[0] * (q.data[qo + c] + k.data[ko + c]) : q.data[qo + c] + k.data[ko + c]);
        else s += (scale ? scale[c] : 1) * Math.tanh(q.data[qo + c] + k.data[ko + c]);
      }
      if (mode === SCORE_DOT && scale) s *= scale[0];
      if (mode === SCORE_CONCAT) s *= weight[0];
      const hidden = (vMask && vMask.data[b * Tv + j] === 0) || (causal && j > i);
      w[row + j] = hidden ? Math.fround(Math.fround(s) - 1e9) : s;
    }
    actApply(w, row, Tv, Tv, ACT_SOFTMAX);
    const keep = !qMask || qMask.data[b * Tq + i] !== 0;
    for (let c = 0; c < dv; c++) {
      let sum = 0;
      for (let j = 0; j < Tv; j++) sum += w[row + j] * v.data[(b * Tv + j) * dv + c];
      out.data[(b * Tq + i) * dv + c] = keep ? sum : 0;
    }
  }
  return [out, weights];
}

function concat2(x, y, axis) {
  axis = axis < 0 ? axis + x.shape.length : axis;
  const shape = x.shape.slice();
  shape[axis] += y.shape[axis];
  const z = tensor(shape), outer = size(x.shape.slice(0, axis));
  const px = x.data.length / outer, py = y.data.length / outer;
  for (let o = 0; o < outer; o++) {
    z.data.set(x.data.subarray(o * px, (o + 1) * px), o * (px + py));
    z.data.set(y.data.subarray(o * py, (o + 1) * py), o * (px + py) + px);
  }
  return z;
}

function maskMerge(m, k, both) {
  return { data: m.data.map((v, i) => (both ? v !== 0 && k.data[i] !== 0 : v !== 0 || k.data[i] !== 0) ? 1 : 0),
    shape: m.shape.slice() };
}

function maskOnes(m) {
  return { data: new Float32Array(m.data.length).fill(1), shape: m.shape.slice() };
}

// ---- layers over chosen axes: the elements of x split into the positions along `axes` (inner, row-major
// over the sorted axes: the index of a parameter per position, as Keras stores it) and along the other axes
// (outer); an element is at outer[o] + inner[p]. The first `lead` axes are the batch (and time in
// TimeDistributed): no parameter or reduction reaches them ----

// the offsets of every position along `dims` (ascending axes), row-major
function offsets(shape, strides, dims) {
  let out = [0];
  for (const d of dims) {
    const next = [];
    for (const o of out) for (let i = 0; i < shape[d]; i++) next.push(o + i * strides[d]);
    out = next;
  }
  return Int32Array.from(out);
}

// [inner, outer]; count (if not 0): the parameters per position, which must be the positions along the axes
function overAxes(x, lead, axes, count, what) {
  const rank = x.shape.length, along = new Array(rank).fill(false), strides = new Array(rank);
  for (const a of axes) {
    const axis = a < 0 ? a + rank : a;
    if (axis < lead || axis >= rank) fail(`${what}: axis ${a} of a tensor of shape ${x.shape} is not a feature axis`);
    along[axis] = true;
  }
  for (let k = rank - 1, s = 1; k >= 0; s *= x.shape[k], k--) strides[k] = s;
  const all = [...x.shape.keys()];
  const inner = offsets(x.shape, strides, all.filter((k) => along[k]));
  if (count && inner.length !== count) fail(`${what}: ${count} parameters for ${inner.length} positions (shape ${x.shape})`);
  return [inner, offsets(x.shape, strides, all.filter((k) => !along[k]))];
}

function batchNorm(x, lead, n, axes, count, gamma, beta, mean, variance, eps) {
  const [inner, outer] = overAxes(x, lead, axes, count, "batch normalization"), y = tensor(x.shape.slice());
  for (let p = 0; p < inner.length; p++) {
    let inv = Math.fround(1 / Math.sqrt(Math.fround(variance[p] + Math.fround(eps))));
    if (gamma) inv = Math.fround(inv * gamma[p]);
    const shift = beta ? beta[p] - mean[p] * inv : -mean[p] * inv;
    for (let o = 0; o < outer.length; o++) {
      const i = outer[o] + inner[p];
      y.data[i] = x.data[i] * inv + shift;
    }
  }
  return y;
}

// rms (LayerNormalization rms_scaling): x / sqrt(variance + eps) * gamma, no centring, as Keras 3
function layerNorm(x, lead, n, axes, count, gamma, beta, eps, rms) {
  const [inner, outer] = overAxes(x, lead, axes, count, "layer normalization"), y = tensor(x.shape.slice());
  const f = inner.length, v = x.data;
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o];
    let mean = 0, variance = 0;
    for (let p = 0; p < f; p++) mean += v[base + inner[p]];
    mean /= f;
    for (let p = 0; p < f; p++) variance += (v[base + inner[p]] - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / f + eps);
    for (let p = 0; p < f; p++) {
      const i = base + inner[p], g = gamma ? inv * gamma[p] : inv;
      y.data[i] = rms ? v[i] * g : v[i] * g + ((beta ? beta[p] : 0) - mean * g);
    }
  }
  return y;
}

// RMSNormalization: x / sqrt(mean(x^2) + eps) over the axes, then * scale broadcast numpy-style (Keras 3
// multiplies by it as stored, [sizes along the sorted axes], without placing it on the axes)
function rmsNorm(x, lead, n, axes, sn, saxes, sdims, scale, eps) {
  const [inner, outer] = overAxes(x, lead, axes, 0, "RMS normalization"), y = tensor(x.shape.slice());
  const f = inner.length, v = x.data;
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o];
    let squares = 0;
    for (let p = 0; p < f; p++) squares += v[base + inner[p]] ** 2;
    const inv = Math.fround(1 / Math.sqrt(Math.fround(squares / f) + eps));
    for (let p = 0; p < f; p++) y.data[base + inner[p]] = v[base + inner[p]] * inv;
  }
  if (scale) broadcastApply(y, y, lead, saxes, sdims, scale, true);
  return y;
}

// Softmax over every position along the axes at once (Keras: one axis, or several jointly)
function softmaxAxes(x, lead, n, axes) {
  const [inner, outer] = overAxes(x, lead, axes, 0, "softmax"), y = tensor(x.shape.slice());
  const f = inner.length, v = x.data;
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o];
    let top = -Infinity, sum = 0;
    for (let p = 0; p < f; p++) top = Math.max(top, v[base + inner[p]]);
    for (let p = 0; p < f; p++) sum += Math.exp(v[base + inner[p]] - top);
    for (let p = 0; p < f; p++) y.data[base + inner[p]] = Math.exp(v[base + inner[p]] - top) / sum;
  }
  return y;
}

// y = x * values (multiply) or x + values, values broadcast numpy-style onto x: the generator gives the
// axes (from the end) where they are not 1 and their sizes (none: one number); y may be x
function broadcastApply(y, x, lead, axes, dims, values, multiply) {
  for (let k = 0; k < axes.length; k++) {
    if (x.shape[x.shape.length + axes[k]] !== dims[k]) fail(`[${dims}] does not broadcast onto ${x.shape}`);
  }
  const [inner, outer] = overAxes(x, lead, axes, values.length, "broadcast");
  for (let p = 0; p < inner.length; p++) {
    const w = values[p];
    for (let o = 0; o < outer.length; o++) {
      const i = outer[o] + inner[p];
      y.data[i] = multiply ? x.data[i] * w : x.data[i] + w;
    }
  }
}

// Rescaling: x * scale + offset; the product is rounded to float32 before the sum, as in Keras
function rescale(x, lead, sn, saxes, sdims, scale, on, oaxes, odims, offset) {
  const y = tensor(x.shape.slice());
  broadcastApply(y, x, lead, saxes, sdims, scale, true);
  broadcastApply(y, y, lead, oaxes, odims, offset, false);
  return y;
}

function reshaped(x, rank, tail) {
  const shape = [x.shape[0], ...tail];
  const free = shape.indexOf(-1);
  if (free > 0) shape[free] = x.data.length / -size(shape);
  if (size(shape) !== x.data.length) fail(`reshape: ${x.shape} cannot become ${shape}`);
  return { data: x.data, shape };
}

const flatten = (x) => ({ data: x.data, shape: [x.shape[0], x.data.length / x.shape[0]] });

// Permute(dims): output axis k + 1 is input axis dims[k] (the batch axis stays first)
function permute(x, n, dims) {
  const rank = x.shape.length;
  if (n !== rank - 1) fail(`permute: dims ${dims} for a tensor of shape ${x.shape}`);
  const order = [0, ...dims], strides = new Array(rank);
  for (let k = rank - 1, s = 1; k >= 0; s *= x.shape[k], k--) strides[k] = s;
  const shape = order.map((a) => x.shape[a]), y = tensor(shape);
  const source = offsets(shape, order.map((a) => strides[a]), [...shape.keys()]);
  for (let i = 0; i < source.length; i++) y.data[i] = x.data[source[i]];
  return y;
}

function repeatVector(x, times) {
  const [B, f] = x.shape, y = tensor([B, times, f]);
  for (let b = 0; b < B; b++) for (let t = 0; t < times; t++) y.data.set(x.data.subarray(b * f, (b + 1) * f), (b * times + t) * f);
  return y;
}

function reluLayer(x, slope, hasMax, top, threshold) {
  return { shape: x.shape.slice(), data: x.data.map((v) => {
    let r = threshold !== 0 ? (v > threshold ? v : 0) : Math.max(v, 0);
    if (hasMax) r = clip(r, 0, top);
    if (slope !== 0) r -= slope * Math.max(threshold - v, 0);
    return r;
  }) };
}

function leakyRelu(x, slope, kind, theta) {
  return { shape: x.shape.slice(), data: x.data.map((v) => (kind === 1 ? (v > 0 ? v : slope * Math.expm1(Math.min(v, 0)))
    : kind === 2 ? (v > theta ? v : 0) : v >= 0 ? v : v * slope)) };
}

// relu(x) - alpha * relu(-x); alpha's shape (its axes shared by Keras have size 1) matches x's last axes
function prelu(x, alpha, rank, shape) {
  const r = x.shape.length, dims = x.shape.slice(r - rank);
  if (rank >= r || shape.some((n, d) => n !== 1 && n !== dims[d])) fail(`prelu: alpha ${shape} does not fit ${x.shape}`);
  const y = tensor(x.shape.slice());
  for (let i = 0; i < x.data.length; i++) {
    let rest = i, at = 0, stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      if (shape[d] !== 1) at += (rest % dims[d]) * stride;
      rest = Math.floor(rest / dims[d]);
      stride *= shape[d];
    }
    const v = x.data[i];
    y.data[i] = Math.max(v, 0) - alpha[at] * Math.max(-v, 0);
  }
  return y;
}

// ---- 1-d convolution and pooling, channels_last, TensorFlow's padding ----

function pads(n, k, stride, dilation, padding) {
  const eff = (k - 1) * dilation + 1;
  if (padding === PAD_SAME) {
    const out = Math.ceil(n / stride);
    return [Math.floor(Math.max((out - 1) * stride + eff - n, 0) / 2), out];
  }
  if (padding === PAD_CAUSAL) return [eff - 1, Math.floor((n - 1) / stride) + 1];
  return [0, n >= eff ? Math.floor((n - eff) / stride) + 1 : 0];
}

function conv1d(x, K, bias, k, inp, out, stride, dilation, padding, act) {
  const [B, T] = x.shape, [before, steps] = pads(T, k, stride, dilation, padding);
  if (x.shape[2] !== inp || steps < 1) fail(`conv1d: bad input shape ${x.shape}`);
  const y = tensor([B, steps, out]);
  for (let b = 0; b < B; b++) for (let t = 0; t < steps; t++) {
    const o = (b * steps + t) * out;
    for (let j = 0; j < out; j++) y.data[o + j] = bias ? bias[j] : 0;
    for (let tap = 0; tap < k; tap++) {
      const at = t * stride + tap * dilation - before;
      if (at < 0 || at >= T) continue;
      for (let i = 0; i < inp; i++) {
        const v = x.data[(b * T + at) * inp + i], w = (tap * inp + i) * out;
        for (let j = 0; j < out; j++) y.data[o + j] += v * K[w + j];
      }
    }
  }
  actApply(y.data, 0, y.data.length, out, act);
  return y;
}

function pool1d(x, poolSize, stride, padding, average) {
  const [B, T, f] = x.shape, [before, steps] = pads(T, poolSize, stride, 1, padding);
  const y = tensor([B, steps, f]);
  for (let b = 0; b < B; b++) for (let t = 0; t < steps; t++) for (let j = 0; j < f; j++) {
    let acc = average ? 0 : -Infinity, count = 0;
    for (let tap = 0; tap < poolSize; tap++) {
      const at = t * stride + tap - before;
      if (at < 0 || at >= T) continue;
      const v = x.data[(b * T + at) * f + j];
      acc = average ? acc + v : Math.max(acc, v);
      count++;
    }
    y.data[(b * steps + t) * f + j] = average ? acc / count : acc;
  }
  return y;
}

function globalPool(x, mask, average, keepdims) {
  const [B, T, f] = x.shape, y = tensor(keepdims ? [B, 1, f] : [B, f]);
  for (let b = 0; b < B; b++) for (let j = 0; j < f; j++) {
    let acc = average ? 0 : -Infinity, count = 0;
    for (let t = 0; t < T; t++) {
      const v = x.data[(b * T + t) * f + j], w = mask ? mask.data[b * T + t] : 1;
      if (average) { acc += v * w; count += w; } else acc = Math.max(acc, v);
    }
    y.data[b * f + j] = average ? acc / count : acc;
  }
  return y;
}
