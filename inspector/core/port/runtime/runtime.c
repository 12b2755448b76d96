/* ---- runtime: tensors in caller-owned scratch, Keras's layer maths in plain C99 ---- */

typedef model_array tensor;
typedef struct { float *base; size_t cap, used; int err; } arena;

static const tensor NONE = {0, 0, {0}};

static size_t tsize(const tensor *t) {
    size_t s = 1; int k;
    for (k = 0; k < t->rank; k++) s *= (size_t)t->shape[k];
    return s;
}

/* n floats from the scratch; NULL when only measuring (base NULL) or when the scratch is too small
   (then err is set and nothing is written). */
static float *take(arena *a, size_t n) {
    float *p = NULL;
    if (a->base && !a->err && a->used + n <= a->cap) p = a->base + a->used;
    else if (a->base && !a->err) a->err = MODEL_ERR_SCRATCH;
    a->used += n;
    return p;
}

/* A tensor of the given shape taken from the scratch (data NULL as for take). */
static tensor tnew(arena *a, int r, const int *n) {
    tensor t = {NULL, 0, {0}};
    size_t s = 1; int k;
    t.rank = r;
    for (k = 0; k < r; k++) { t.shape[k] = n[k]; s *= (size_t)n[k]; }
    t.data = take(a, s);
    return t;
}

static tensor tlike(arena *a, const tensor *x, int last) {
    int n[MODEL_MAX_RANK]; int k;
    for (k = 0; k < x->rank; k++) n[k] = x->shape[k];
    n[x->rank - 1] = last;
    return tnew(a, x->rank, n);
}

static int fail(arena *a, int code) { if (!a->err) a->err = code; return 0; }

/* exp for float32 without a library call, so that loops vectorise: Cody-Waite reduction
   and a degree-7 polynomial (about 1 ulp); 2^n through the exponent bits; no branches, so that
   compilers vectorise the loops that call it (at -O3). */
static float fexp(float x) {
    union { int i; float f; } scale;
    float t, n, r, p;
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    t = x * 1.44269504088896341f + 12582912.0f;  /* 1.5 * 2^23: rounds to the nearest integer */
    n = t - 12582912.0f;
    r = x - n * 0.693145751953125f;
    r = r - n * 1.42860682030941723e-06f;
    p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    scale.i = ((int)n + 127) << 23;
    return p * scale.f;
}

static float fsigmoid(float x) { return 1.0f / (1.0f + fexp(-x)); }

static float ftanh(float x) {
    float a = fabsf(x), e = fexp(-2.0f * a), big = (1.0f - e) / (1.0f + e);
    float x2 = a * a;  /* near 0: the series, exact to float precision below 0.125 */
    float small = a * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f))));
    float near = (float)(a < 0.125f);  /* a blend, not a branch: the sign of x is not predictable */
    return copysignf(big + near * (small - big), x);
}

static float softplus1(float x) { return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)); }

static void act_rows(float *x, size_t n, int width, int act);

/* One activation over n contiguous values (width: the last axis, for softmax). */
static void act_apply(float *x, size_t n, int width, int act) {
    size_t k;
    switch (act) {
    case ACT_LINEAR: return;
    case ACT_TANH: for (k = 0; k < n; k++) x[k] = ftanh(x[k]); return;
    case ACT_SIGMOID: for (k = 0; k < n; k++) x[k] = fsigmoid(x[k]); return;
    case ACT_HARD_SIGMOID_KERAS2:
        for (k = 0; k < n; k++) { float v = x[k] * 0.2f + 0.5f; x[k] = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }
        return;
    case ACT_HARD_SIGMOID_KERAS3:
        for (k = 0; k < n; k++) { float v = x[k] + 3.0f; x[k] = (v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v)) / 6.0f; }
        return;
    case ACT_RELU: for (k = 0; k < n; k++) x[k] = x[k] > 0.0f ? x[k] : 0.0f; return;
    default: act_rows(x, n, width, act);
    }
}

static void act_rows(float *x, size_t n, int width, int act) {
    size_t k, row;
    for (k = 0; k < n; k++) {
        float v = x[k];
        switch (act) {
        case ACT_RELU6: v = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v); break;
        case ACT_ELU: v = v > 0.0f ? v : expm1f(v); break;
        case ACT_SELU: v = 1.0507009873554805f * (v > 0.0f ? v : 1.6732632423543772f * expm1f(v)); break;
        case ACT_SOFTPLUS: v = softplus1(v); break;
        case ACT_SOFTSIGN: v = v / (1.0f + fabsf(v)); break;
        case ACT_EXPONENTIAL: v = expf(v); break;
        case ACT_SWISH: case ACT_SILU: v = v * (1.0f / (1.0f + expf(-v))); break;
        case ACT_HARD_SILU: { float h = v + 3.0f; h = (h < 0.0f ? 0.0f : (h > 6.0f ? 6.0f : h)) / 6.0f; v = v * h; } break;
        case ACT_MISH: v = v * tanhf(softplus1(v)); break;
        case ACT_GELU: v = 0.5f * v * (1.0f + (float)erf((double)v / 1.4142135623730951)); break;
        case ACT_LEAKY_RELU: v = v >= 0.0f ? v : v * 0.2f; break;
        case ACT_CELU: v = (v > 0.0f ? v : 0.0f) + expm1f(v < 0.0f ? v : 0.0f); break;
        case ACT_LOG_SIGMOID: v = -softplus1(-v); break;
        case ACT_SPARSE_PLUS: v = v <= -1.0f ? 0.0f : (v < 1.0f ? (v + 1.0f) * (v + 1.0f) / 4.0f : v); break;
        case ACT_SQUAREPLUS: v = (v + sqrtf(v * v + 4.0f)) / 2.0f; break;
        case ACT_TANH_SHRINK: v = v - tanhf(v); break;
        case ACT_HARD_TANH: v = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v); break;
        case ACT_SOFT_SHRINK: v = fabsf(v) > 0.5f ? (v > 0.0f ? v - 0.5f : v + 0.5f) : 0.0f; break;
        case ACT_HARD_SHRINK: v = fabsf(v) > 0.5f ? v : 0.0f; break;
        default: break;
        }
        x[k] = v;
    }
    if (act != ACT_SOFTMAX && act != ACT_LOG_SOFTMAX) return;
    for (row = 0; row + (size_t)width <= n; row += (size_t)width) {
        float *v = x + row, top = v[0], sum = 0.0f; int j;
        for (j = 1; j < width; j++) top = v[j] > top ? v[j] : top;
        for (j = 0; j < width; j++) sum += expf(v[j] - top);
        for (j = 0; j < width; j++)
            v[j] = act == ACT_SOFTMAX ? expf(v[j] - top) / sum : (v[j] - top) - logf(sum);
    }
}

/* Matrices the step loop multiplies by are stored in panels of PANEL columns: panel p holds columns
   PANEL*p .. PANEL*p+PANEL-1 of every row, row after row ([n][PANEL], the last panel padded with
   zeros), so each block of columns streams through memory in order. Element (k, j) of an n-row
   matrix is at (j / PANEL) * n * PANEL + k * PANEL + j % PANEL. */
#define PANEL 32
#define SMALL 8

/* acc[from..to) += v[0..n) @ M[0..n)[from..to): a whole panel keeps its PANEL sums in registers. */
static void gemv_add(const float *restrict v, int n, const float *restrict M, int from, int to,
                     float *restrict acc) {
    int j0 = from, k, j;
    for (; j0 < to; ) {
        const float *p = M + (size_t)(j0 / PANEL) * (size_t)n * PANEL;
        int at = j0 % PANEL;
        if (at == 0 && j0 + PANEL <= to) {
            float s[PANEL];
#if defined(__AVX__)  /* registers enough for two independent sets of sums: even and odd rows */
            float t[PANEL];
            for (j = 0; j < PANEL; j++) { s[j] = acc[j0 + j]; t[j] = 0.0f; }
            for (k = 0; k + 1 < n; k += 2) {
                const float vk = v[k], vl = v[k + 1], *row = p + (size_t)k * PANEL;
                for (j = 0; j < PANEL; j++) { s[j] += vk * row[j]; t[j] += vl * row[PANEL + j]; }
            }
            for (; k < n; k++)
                for (j = 0; j < PANEL; j++) s[j] += v[k] * p[(size_t)k * PANEL + j];
            for (j = 0; j < PANEL; j++) acc[j0 + j] = s[j] + t[j];
#else
            for (j = 0; j < PANEL; j++) s[j] = acc[j0 + j];
            for (k = 0; k < n; k++) {
                const float vk = v[k], *row = p + (size_t)k * PANEL;
                for (j = 0; j < PANEL; j++) s[j] += vk * row[j];
            }
            for (j = 0; j < PANEL; j++) acc[j0 + j] = s[j];
#endif
            j0 += PANEL;
        } else if (at % SMALL == 0 && j0 + SMALL <= to) {
            float s[SMALL];
            for (j = 0; j < SMALL; j++) s[j] = acc[j0 + j];
            for (k = 0; k < n; k++) {
                const float vk = v[k], *row = p + (size_t)k * PANEL + at;
                for (j = 0; j < SMALL; j++) s[j] += vk * row[j];
            }
            for (j = 0; j < SMALL; j++) acc[j0 + j] = s[j];
            j0 += SMALL;
        } else {
            float s = acc[j0];
            for (k = 0; k < n; k++) s += v[k] * p[(size_t)k * PANEL + at];
            acc[j0] = s;
            j0 += 1;
        }
    }
}

/* y[rows][out] = x[rows][in] @ W + b, W in panels */
static void matmul_panels(const float *x, size_t rows, int in, const float *W, const float *b, int out, float *y) {
    size_t row; int j;
    for (row = 0; row < rows; row++) {
        float *yr = y + row * (size_t)out;
        for (j = 0; j < out; j++) yr[j] = b ? b[j] : 0.0f;
        gemv_add(x + row * (size_t)in, in, W, 0, out, yr);
    }
}

/* y[rows][out] = x[rows][in] @ W[in][out] + b, W row-major (Dense) */
static void matmul_rows(const float *x, size_t rows, int in, const float *W, const float *b, int out, float *y) {
    size_t row; int k, j;
    for (row = 0; row < rows; row++) {
        const float *xr = x + row * (size_t)in;
        float *yr = y + row * (size_t)out;
        for (j = 0; j < out; j++) yr[j] = b ? b[j] : 0.0f;
        for (k = 0; k < in; k++) {
            const float xk = xr[k], *w = W + (size_t)k * (size_t)out;
            for (j = 0; j < out; j++) yr[j] += xk * w[j];
        }
    }
}

static tensor dense(arena *a, tensor x, const float *W, const float *b, int in, int out, int act) {
    tensor y = tlike(a, &x, out);
    if (x.shape[x.rank - 1] != in) { fail(a, MODEL_ERR_SHAPE); return y; }
    if (!y.data) return y;
    matmul_rows(x.data, tsize(&x) / (size_t)in, in, W, b, out, y.data);
    act_apply(y.data, tsize(&y), out, act);
    return y;
}

static tensor activation(arena *a, tensor x, int act) {
    tensor y = tlike(a, &x, x.shape[x.rank - 1]);
    if (!y.data) return y;
    memcpy(y.data, x.data, tsize(&x) * sizeof(float));
    act_apply(y.data, tsize(&y), y.shape[y.rank - 1], act);
    return y;
}

/* Token ids arrive as floats; Keras casts them to integers (truncation). */
static tensor embedding(arena *a, tensor ids, const float *table, int vocabulary, int dim) {
    int n[MODEL_MAX_RANK]; int k; size_t i, count = tsize(&ids); tensor y;
    for (k = 0; k < ids.rank; k++) n[k] = ids.shape[k];
    n[ids.rank] = dim;
    y = tnew(a, ids.rank + 1, n);
    if (!y.data) return y;
    for (i = 0; i < count; i++) {
        int id = (int)ids.data[i];
        if (id < 0 || id >= vocabulary) { fail(a, MODEL_ERR_TOKEN); return y; }
        memcpy(y.data + i * (size_t)dim, table + (size_t)id * (size_t)dim, (size_t)dim * sizeof(float));
    }
    return y;
}

static tensor token_mask(arena *a, tensor ids) {
    tensor m = tnew(a, ids.rank, ids.shape); size_t i;
    if (!m.data) return m;
    for (i = 0; i < tsize(&ids); i++) m.data[i] = (int)ids.data[i] != 0 ? 1.0f : 0.0f;
    return m;
}

/* Masking: a step whose features all equal value is masked and set to 0. */
static tensor masking(arena *a, tensor x, float value, tensor *mask) {
    tensor y = tlike(a, &x, x.shape[x.rank - 1]); size_t i, rows; int j, f = x.shape[x.rank - 1];
    *mask = tnew(a, x.rank - 1, x.shape);
    if (!y.data || !mask->data) return y;
    rows = tsize(&x) / (size_t)f;
    for (i = 0; i < rows; i++) {
        int keep = 0;
        for (j = 0; j < f; j++) keep |= x.data[i * (size_t)f + j] != value;
        mask->data[i] = keep ? 1.0f : 0.0f;
        for (j = 0; j < f; j++) y.data[i * (size_t)f + j] = keep ? x.data[i * (size_t)f + j] : 0.0f;
    }
    return y;
}

/* ---- recurrent layers: weights fused per layer, gates side by side in each row ---- */

typedef struct {
    int kind, in, units, gates, act, ract, reset_after, backwards;
    const float *W, *U, *b, *bu;  /* W [in][G*u] and U [u][G*u] in panels (PANEL), b and bu [G*u] */
} rnn_layer;

/* pre[from..to) += h[u] @ U[u][from..to) */
static void add_recurrent(const rnn_layer *w, const float *h, float *pre, int from, int to) {
    gemv_add(h, w->units, w->U, from, to, pre);
}

/* One time step of one sample. xp: x @ W + b for this step (the hoisted input projection).
   h, c are updated in place; pre and inner are scratch of G*u floats. */
static void cell_step(const rnn_layer *w, const float *restrict xp, float *restrict h, float *restrict c,
                      float *restrict pre, float *restrict inner) {
    int j, u = w->units, G = w->gates;
    if (w->kind == KIND_GRU) {
        if (w->reset_after && w->ract == ACT_SIGMOID && w->act == ACT_TANH) {  /* one pass over the units */
            for (j = 0; j < G * u; j++) inner[j] = w->bu[j];
            add_recurrent(w, h, inner, 0, G * u);
            for (j = 0; j < u; j++) {
                float z = fsigmoid(xp[j] + inner[j]), r = fsigmoid(xp[u + j] + inner[u + j]);
                float candidate = ftanh(xp[2 * u + j] + r * inner[2 * u + j]);
                h[j] = z * h[j] + (1.0f - z) * candidate;
            }
            return;
        }
        if (w->reset_after) {
            for (j = 0; j < G * u; j++) inner[j] = w->bu[j];
            add_recurrent(w, h, inner, 0, G * u);
            for (j = 0; j < 2 * u; j++) pre[j] = xp[j] + inner[j];
            act_apply(pre, (size_t)(2 * u), u, w->ract);
            for (j = 0; j < u; j++) pre[2 * u + j] = xp[2 * u + j] + pre[u + j] * inner[2 * u + j];
        } else {
            for (j = 0; j < 2 * u; j++) pre[j] = xp[j];
            add_recurrent(w, h, pre, 0, 2 * u);
            act_apply(pre, (size_t)(2 * u), u, w->ract);
            for (j = 0; j < u; j++) inner[j] = pre[u + j] * h[j];
            for (j = 0; j < u; j++) pre[2 * u + j] = xp[2 * u + j];
            gemv_add(inner, u, w->U, 2 * u, 3 * u, pre);  /* (r * h) @ U_h */
        }
        act_apply(pre + 2 * u, (size_t)u, u, w->act);
        for (j = 0; j < u; j++) h[j] = pre[j] * h[j] + (1.0f - pre[j]) * pre[2 * u + j];
        return;
    }
    for (j = 0; j < G * u; j++) pre[j] = xp[j];
    add_recurrent(w, h, pre, 0, G * u);
    if (w->kind == KIND_SIMPLE_RNN) {
        act_apply(pre, (size_t)u, u, w->act);
        for (j = 0; j < u; j++) h[j] = pre[j];
        return;
    }
    if (w->ract == ACT_SIGMOID && w->act == ACT_TANH) {  /* the common case: one pass over the units */
        for (j = 0; j < u; j++) {
            float gi = fsigmoid(pre[j]), gf = fsigmoid(pre[u + j]), gc = ftanh(pre[2 * u + j]);
            float go = fsigmoid(pre[3 * u + j]), cj = gf * c[j] + gi * gc;
            c[j] = cj;
            h[j] = go * ftanh(cj);
        }
        return;
    }
    act_apply(pre, (size_t)(2 * u), u, w->ract);            /* i, f */
    act_apply(pre + 2 * u, (size_t)u, u, w->act);            /* c~ */
    act_apply(pre + 3 * u, (size_t)u, u, w->ract);           /* o */
    for (j = 0; j < u; j++) c[j] = pre[u + j] * c[j] + pre[j] * pre[2 * u + j];
    for (j = 0; j < u; j++) inner[j] = c[j];
    act_apply(inner, (size_t)u, u, w->act);
    for (j = 0; j < u; j++) h[j] = pre[3 * u + j] * inner[j];
}

/* The whole sequence, Keras semantics: a masked step keeps the states and emits the previous
   output (zeros with zero_output); go_backwards walks t = T-1..0 and returns outputs in that
   order. init: initial states (h, c) or NONE; keep: states carried between calls or NULL. */
static void rnn(arena *a, const rnn_layer *w, tensor x, tensor mask, tensor init_h, tensor init_c,
                float *keep, int zero_output, int sequences, tensor *out, tensor *h_out, tensor *c_out) {
    int B = x.shape[0], T = x.rank > 1 ? x.shape[1] : 0, u = w->units, G = w->gates, b, s, j;
    int shape[3]; size_t width = (size_t)(G * u);
    float *xp, *pre, *inner, *prev;
    shape[0] = B; shape[1] = sequences ? T : u; shape[2] = u;
    *out = tnew(a, sequences ? 3 : 2, shape);
    shape[1] = u;
    *h_out = tnew(a, 2, shape);
    *c_out = tnew(a, 2, shape);
    xp = take(a, (size_t)B * (size_t)T * width);
    pre = take(a, width); inner = take(a, width); prev = take(a, (size_t)u);
    if (x.rank != 3 || x.shape[2] != w->in || T < 1) { fail(a, MODEL_ERR_SHAPE); return; }
    if (!out->data || !h_out->data || !c_out->data || !xp || !pre || !inner || !prev) return;
    matmul_panels(x.data, (size_t)B * (size_t)T, w->in, w->W, w->b, G * u, xp);  /* hoisted out of the loop */
    for (b = 0; b < B; b++) {
        float *h = h_out->data + (size_t)b * (size_t)u, *c = c_out->data + (size_t)b * (size_t)u;
        for (j = 0; j < u; j++) {
            h[j] = init_h.data ? init_h.data[(size_t)b * (size_t)u + j] : (keep ? keep[(size_t)b * 2 * u + j] : 0.0f);
            c[j] = init_c.data ? init_c.data[(size_t)b * (size_t)u + j] : (keep ? keep[(size_t)b * 2 * u + u + j] : 0.0f);
            prev[j] = 0.0f;
        }
        for (s = 0; s < T; s++) {
            int t = w->backwards ? T - 1 - s : s;
            float *o = out->data + (size_t)b * (size_t)u * (size_t)(sequences ? T : 1) + (size_t)(sequences ? s : 0) * (size_t)u;
            if (mask.data && mask.data[(size_t)b * (size_t)T + (size_t)t] == 0.0f) {
                for (j = 0; j < u; j++) o[j] = zero_output ? 0.0f : prev[j];
            } else {
                cell_step(w, xp + ((size_t)b * (size_t)T + (size_t)t) * width, h, c, pre, inner);
                for (j = 0; j < u; j++) o[j] = h[j];
            }
            for (j = 0; j < u; j++) prev[j] = o[j];
        }
        if (keep)
            for (j = 0; j < u; j++) { keep[(size_t)b * 2 * u + j] = h[j]; keep[(size_t)b * 2 * u + u + j] = c[j]; }
    }
}

static tensor flip_time(arena *a, tensor x) {
    tensor y = tnew(a, x.rank, x.shape); size_t row, inner; int b, t, B = x.shape[0], T = x.shape[1];
    if (!y.data) return y;
    inner = tsize(&x) / ((size_t)B * (size_t)T);
    for (b = 0; b < B; b++)
        for (t = 0; t < T; t++)
            for (row = 0; row < inner; row++)
                y.data[((size_t)b * T + t) * inner + row] = x.data[((size_t)b * T + (T - 1 - t)) * inner + row];
    return y;
}

/* ---- merges (shapes equal; Keras's merge layers) ---- */

static tensor merge2(arena *a, tensor x, tensor y, int op) {
    tensor z = tnew(a, x.rank, x.shape); size_t i;
    if (tsize(&x) != tsize(&y)) { fail(a, MODEL_ERR_SHAPE); return z; }
    if (!z.data) return z;
    for (i = 0; i < tsize(&x); i++) {
        float p = x.data[i], q = y.data[i];
        z.data[i] = op == MERGE_ADD ? p + q : op == MERGE_SUBTRACT ? p - q : op == MERGE_MULTIPLY ? p * q
               : op == MERGE_MAXIMUM ? (p > q ? p : q) : op == MERGE_MINIMUM ? (p < q ? p : q) : p + q;
    }
    return z;
}

static tensor scale(arena *a, tensor x, float factor) {
    tensor y = tnew(a, x.rank, x.shape); size_t i;
    if (!y.data) return y;
    for (i = 0; i < tsize(&x); i++) y.data[i] = x.data[i] / factor;
    return y;
}

/* ---- Dot and attention: products over one axis of two tensors ---- */

/* Keras Dot's l2 normalisation along axis: Keras 3 ops.normalize x * min(1 / sqrt(sum x^2), 1e7);
   tf.keras l2_normalize x / sqrt(max(sum x^2, 1e-12)) */
static tensor l2_normalize_axis(arena *a, tensor x, int axis, int keras3) {
    tensor y = tnew(a, x.rank, x.shape); size_t o, i, k, n = (size_t)x.shape[axis], inner = 1, outer;
    int d;
    for (d = axis + 1; d < x.rank; d++) inner *= (size_t)x.shape[d];
    if (!y.data) return y;
    outer = tsize(&x) / (n * inner);
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++) {
            const float *v = x.data + o * n * inner + i; float sum = 0.0f, factor;
            for (k = 0; k < n; k++) sum += v[k * inner] * v[k * inner];
            factor = keras3 ? fminf(1.0f / sqrtf(sum), 1e7f) : 1.0f / sqrtf(fmaxf(sum, 1e-12f));
            for (k = 0; k < n; k++) y.data[o * n * inner + i + k * inner] = v[k * inner] * factor;
        }
    return y;
}

/* Keras batch_dot: per sample, x's axis ax contracted with y's axis ay (negative: from the end);
   the output keeps x's other axes, then y's ([batch, 1] when none is left) */
static tensor dot(arena *a, tensor x, tensor y, int ax, int ay, int normalize, int keras3) {
    int n[MODEL_MAX_RANK], r = 1, d, ia = ((ax % x.rank) + x.rank) % x.rank, ib = ((ay % y.rank) + y.rank) % y.rank;
    size_t s, i, j, k, B = (size_t)x.shape[0], len = (size_t)x.shape[ia], qx = 1, qy = 1, I, J;
    tensor z;
    n[0] = x.shape[0];
    for (d = 1; d < x.rank && r < MODEL_MAX_RANK; d++) if (d != ia) n[r++] = x.shape[d];
    for (d = 1; d < y.rank && r < MODEL_MAX_RANK; d++) if (d != ib) n[r++] = y.shape[d];
    if (r == 1) n[r++] = 1;
    z = tnew(a, r, n);
    if (ia == 0 || ib == 0 || x.rank + y.rank - 3 > MODEL_MAX_RANK || x.shape[ia] != y.shape[ib]
        || x.shape[0] != y.shape[0]) { fail(a, MODEL_ERR_SHAPE); return z; }
    if (normalize) { x = l2_normalize_axis(a, x, ia, keras3); y = l2_normalize_axis(a, y, ib, keras3); }
    if (!z.data || !x.data || !y.data) return z;
    for (d = ia + 1; d < x.rank; d++) qx *= (size_t)x.shape[d];
    for (d = ib + 1; d < y.rank; d++) qy *= (size_t)y.shape[d];
    I = tsize(&x) / (B * len); J = tsize(&y) / (B * len);
    for (s = 0; s < B; s++)
        for (i = 0; i < I; i++)
            for (j = 0; j < J; j++) {
                const float *p = x.data + (s * I + i - i % qx) * len + i % qx;
                const float *q = y.data + (s * J + j - j % qy) * len + j % qy;
                float sum = 0.0f;
                for (k = 0; k < len; k++) sum += p[k * qx] * q[k * qy];
                z.data[(s * I + i) * J + j] = sum;
            }
    return z;
}

/* Attention (Luong: SCORE_DOT, SCORE_CONCAT) and AdditiveAttention (Bahdanau: SCORE_ADDITIVE) at inference
   (dropout is inert): scores of every query step against every key step; a step the value mask or the
   causal mask hides gets score - 1e9 (in float32, as Keras); softmax over the value steps; the weighted
   sum of the values; query steps the query mask hides output zeros. *weights: the attention weights. */
static tensor attention(arena *a, tensor q, tensor v, tensor k, tensor q_mask, tensor v_mask, int mode,
                        const float *scale, const float *weight, int causal, tensor *weights) {
    int n[3], b, i, j, c, B = q.shape[0], Tq = q.shape[1], d = q.shape[2], Tv = v.shape[1], dv = v.shape[2];
    tensor out;
    n[0] = B; n[1] = Tq; n[2] = dv;
    out = tnew(a, 3, n);
    n[2] = Tv;
    *weights = tnew(a, 3, n);
    if (q.rank != 3 || v.rank != 3 || k.rank != 3 || k.shape[1] != Tv || k.shape[2] != d) {
        fail(a, MODEL_ERR_SHAPE); return out;
    }
    if (!out.data || !weights->data) return out;
    for (b = 0; b < B; b++)
        for (i = 0; i < Tq; i++) {
            float *w = weights->data + ((size_t)b * Tq + i) * Tv, *o = out.data + ((size_t)b * Tq + i) * dv;
            const float *qi = q.data + ((size_t)b * Tq + i) * d;
            for (j = 0; j < Tv; j++) {
                const float *kj = k.data + ((size_t)b * Tv + j) * d;
                float s = 0.0f;
                for (c = 0; c < d; c++) {
                    if (mode == SCORE_DOT) s += qi[c] * kj[c];
                    else if (mode == SCORE_CONCAT) s += tanhf(scale ? scale[0] * (qi[c] + kj[c]) : qi[c] + kj[c]);
                    else s += (scale ? scale[c] : 1.0f) * tanhf(qi[c] + kj[c]);
                }
                if (mode == SCORE_DOT && scale) s *= scale[0];
                if (mode == SCORE_CONCAT) s *= weight[0];
                w[j] = (v_mask.data && v_mask.data[(size_t)b * Tv + j] == 0.0f) || (causal && j > i) ? s - 1e9f : s;
            }
            act_apply(w, (size_t)Tv, Tv, ACT_SOFTMAX);
            for (c = 0; c < dv; c++) {
                float sum = 0.0f;
                for (j = 0; j < Tv; j++) sum += w[j] * v.data[((size_t)b * Tv + j) * dv + c];
                o[c] = q_mask.data && q_mask.data[(size_t)b * Tq + i] == 0.0f ? 0.0f : sum;
            }
        }
    return out;
}

static tensor concat2(arena *a, tensor x, tensor y, int axis) {
    int n[MODEL_MAX_RANK], k; size_t outer = 1, px, py, o;
    tensor z;
    axis = axis < 0 ? axis + x.rank : axis;
    for (k = 0; k < x.rank; k++) n[k] = x.shape[k];
    n[axis] = x.shape[axis] + y.shape[axis];
    z = tnew(a, x.rank, n);
    if (x.rank != y.rank || axis < 1 || axis >= x.rank) { fail(a, MODEL_ERR_SHAPE); return z; }
    if (!z.data) return z;
    for (k = 0; k < axis; k++) outer *= (size_t)x.shape[k];
    px = tsize(&x) / outer; py = tsize(&y) / outer;
    for (o = 0; o < outer; o++) {
        memcpy(z.data + o * (px + py), x.data + o * px, px * sizeof(float));
        memcpy(z.data + o * (px + py) + px, y.data + o * py, py * sizeof(float));
    }
    return z;
}

static tensor mask_merge(arena *a, tensor m, tensor k, int both) {
    tensor z = tnew(a, m.rank, m.shape); size_t i;
    if (!z.data) return z;
    for (i = 0; i < tsize(&m); i++)
        z.data[i] = both ? (m.data[i] != 0.0f && k.data[i] != 0.0f) : (m.data[i] != 0.0f || k.data[i] != 0.0f);
    return z;
}

static tensor mask_ones(arena *a, tensor m) {
    tensor z = tnew(a, m.rank, m.shape); size_t i;
    if (!z.data) return z;
    for (i = 0; i < tsize(&m); i++) z.data[i] = 1.0f;
    return z;
}

/* ---- layers over chosen axes: the elements of x split into the positions along `axes` (inner, row-major
   over the sorted axes: the index of a parameter per position, as Keras stores it) and along the other
   axes (outer); an element is at span_at(outer, o) + span_at(inner, p). The first `lead` axes are the
   batch (and time in TimeDistributed): no parameter or reduction reaches them. ---- */

typedef struct { int rank; int n[MODEL_MAX_RANK]; size_t stride[MODEL_MAX_RANK]; size_t count; } span;

/* The offset of a span's k-th position (row-major). */
static size_t span_at(const span *s, size_t k) {
    size_t at = 0; int d;
    if (s->rank == 1) return k * s->stride[0];
    for (d = s->rank - 1; d >= 0; d--) { at += (k % (size_t)s->n[d]) * s->stride[d]; k /= (size_t)s->n[d]; }
    return at;
}

/* Axis `axis` of size n and stride `stride` appended to s (merged with the previous one when contiguous). */
static void span_add(span *s, int n, size_t stride) {
    if (s->rank > 0 && s->stride[s->rank - 1] == (size_t)n * stride) {
        s->n[s->rank - 1] *= n;
        s->stride[s->rank - 1] = stride;
    } else {
        s->n[s->rank] = n; s->stride[s->rank] = stride; s->rank++;
    }
    s->count *= (size_t)n;
}

/* inner and outer spans of x for `axes` (negative from the end); 0 (err set) when an axis is a lead axis
   or outside x (MODEL_ERR_UNSUPPORTED, MODEL_ERR_SHAPE), or when count (if not 0), the parameters per
   position, is not the number of positions along the axes (MODEL_ERR_SHAPE) */
static int over_axes(arena *a, const tensor *x, int lead, int n, const int *axes, size_t count, span *inner,
                     span *outer) {
    int along[MODEL_MAX_RANK] = {0}, k; size_t strides[MODEL_MAX_RANK], s = 1;
    for (k = 0; k < n; k++) {
        int axis = axes[k] < 0 ? axes[k] + x->rank : axes[k];
        if (axis < 0 || axis >= x->rank) return fail(a, MODEL_ERR_SHAPE);
        if (axis < lead) return fail(a, MODEL_ERR_UNSUPPORTED);
        along[axis] = 1;
    }
    for (k = x->rank - 1; k >= 0; k--) { strides[k] = s; s *= (size_t)x->shape[k]; }
    inner->rank = outer->rank = 0; inner->count = outer->count = 1;
    for (k = 0; k < x->rank; k++) span_add(along[k] ? inner : outer, x->shape[k], strides[k]);
    if (count && inner->count != count) return fail(a, MODEL_ERR_SHAPE);
    return 1;
}

static tensor batch_norm(arena *a, tensor x, int lead, int n, const int *axes, int count, const float *gamma,
                         const float *beta, const float *mean, const float *var, float eps) {
    tensor y = tnew(a, x.rank, x.shape); span in, out; size_t p, o;
    if (!over_axes(a, &x, lead, n, axes, (size_t)count, &in, &out) || !y.data) return y;
    for (p = 0; p < in.count; p++) {
        size_t at = span_at(&in, p);
        float inv = 1.0f / sqrtf(var[p] + eps), shift;
        if (gamma) inv = inv * gamma[p];
        shift = beta ? beta[p] - mean[p] * inv : -mean[p] * inv;
        for (o = 0; o < out.count; o++) { size_t i = at + span_at(&out, o); y.data[i] = x.data[i] * inv + shift; }
    }
    return y;
}

/* rms (LayerNormalization rms_scaling): x / sqrt(variance + eps) * gamma, no centring, as Keras 3;
   the sums in double */
static tensor layer_norm(arena *a, tensor x, int lead, int n, const int *axes, int count, const float *gamma,
                         const float *beta, float eps, int rms) {
    tensor y = tnew(a, x.rank, x.shape); span in, out; size_t p, o;
    if (!over_axes(a, &x, lead, n, axes, (size_t)count, &in, &out) || !y.data) return y;
    for (o = 0; o < out.count; o++) {
        size_t base = span_at(&out, o); double sum = 0.0, squares = 0.0; float mean, inv;
        for (p = 0; p < in.count; p++) sum += x.data[base + span_at(&in, p)];
        mean = (float)(sum / (double)in.count);
        for (p = 0; p < in.count; p++) { double d = x.data[base + span_at(&in, p)] - mean; squares += d * d; }
        inv = 1.0f / sqrtf((float)(squares / (double)in.count) + eps);
        for (p = 0; p < in.count; p++) {
            size_t i = base + span_at(&in, p); float v = x.data[i], g = gamma ? inv * gamma[p] : inv;
            y.data[i] = rms ? v * g : v * g + ((beta ? beta[p] : 0.0f) - mean * g);
        }
    }
    return y;
}

/* y = x * values (multiply) or x + values, values broadcast numpy-style onto x: the generator gives the
   axes (from the end) where they are not 1 and their sizes (n 0: one number); y may be x */
static void broadcast_apply(arena *a, tensor *y, const tensor *x, int lead, int n, const int *axes, const int *dims,
                            const float *values, int multiply) {
    span in, out; size_t p, o, count = 1; int k;
    for (k = 0; k < n; k++) {
        int axis = axes[k] + x->rank;
        if (axis < 0 || x->shape[axis] != dims[k]) { fail(a, MODEL_ERR_SHAPE); return; }
        count *= (size_t)dims[k];
    }
    if (!over_axes(a, x, lead, n, axes, count, &in, &out) || !y->data) return;
    for (p = 0; p < in.count; p++) {
        size_t at = span_at(&in, p); float w = values[p];
        for (o = 0; o < out.count; o++) {
            size_t i = at + span_at(&out, o);
            y->data[i] = multiply ? x->data[i] * w : x->data[i] + w;
        }
    }
}

/* RMSNormalization: x / sqrt(mean(x^2) + eps) over the axes (the sum in double), then * scale broadcast
   numpy-style (Keras 3 multiplies by it as stored, [sizes along the sorted axes], without placing it on the axes) */
static tensor rms_norm(arena *a, tensor x, int lead, int n, const int *axes, int sn, const int *saxes,
                       const int *sdims, const float *scale, float eps) {
    tensor y = tnew(a, x.rank, x.shape); span in, out; size_t p, o;
    if (!over_axes(a, &x, lead, n, axes, 0, &in, &out) || !y.data) return y;
    for (o = 0; o < out.count; o++) {
        size_t base = span_at(&out, o); double squares = 0.0; float inv;
        for (p = 0; p < in.count; p++) { double v = x.data[base + span_at(&in, p)]; squares += v * v; }
        inv = 1.0f / sqrtf((float)(squares / (double)in.count) + eps);
        for (p = 0; p < in.count; p++) { size_t i = base + span_at(&in, p); y.data[i] = x.data[i] * inv; }
    }
    if (scale) broadcast_apply(a, &y, &y, lead, sn, saxes, sdims, scale, 1);
    return y;
}

/* Softmax over every position along the axes at once (Keras: one axis, or several jointly) */
static tensor softmax_axes(arena *a, tensor x, int lead, int n, const int *axes) {
    tensor y = tnew(a, x.rank, x.shape); span in, out; size_t p, o;
    if (!over_axes(a, &x, lead, n, axes, 0, &in, &out) || !y.data) return y;
    for (o = 0; o < out.count; o++) {
        size_t base = span_at(&out, o); float top = -INFINITY; double sum = 0.0;
        for (p = 0; p < in.count; p++) { float v = x.data[base + span_at(&in, p)]; top = v > top ? v : top; }
        for (p = 0; p < in.count; p++) sum += expf(x.data[base + span_at(&in, p)] - top);
        for (p = 0; p < in.count; p++) {
            size_t i = base + span_at(&in, p);
            y.data[i] = (float)(expf(x.data[i] - top) / sum);
        }
    }
    return y;
}

/* Rescaling: x * scale + offset; the product is rounded before the sum, as Keras */
static tensor rescale(arena *a, tensor x, int lead, int sn, const int *saxes, const int *sdims, const float *scale,
                      int on, const int *oaxes, const int *odims, const float *offset) {
    tensor y = tnew(a, x.rank, x.shape);
    broadcast_apply(a, &y, &x, lead, sn, saxes, sdims, scale, 1);
    broadcast_apply(a, &y, &y, lead, on, oaxes, odims, offset, 0);
    return y;
}

/* ---- shapes ---- */

static tensor reshaped(arena *a, tensor x, int r, const int *tail) {
    tensor y = x; int k; size_t s;
    y.rank = r + 1;
    for (k = 0; k < r; k++) y.shape[k + 1] = tail[k];
    s = tsize(&y);
    if (s != tsize(&x)) {  /* one -1 in the tail: infer it */
        size_t known = (size_t)x.shape[0]; int free = -1;
        for (k = 0; k < r; k++) { if (tail[k] < 0) free = k + 1; else known *= (size_t)tail[k]; }
        if (free < 0 || known == 0) { fail(a, MODEL_ERR_SHAPE); return y; }
        y.shape[free] = (int)(tsize(&x) / known);
    }
    return y;
}

static tensor flatten(tensor x) {
    tensor y = x; int k;
    y.rank = 2; y.shape[1] = 1;
    for (k = 1; k < x.rank; k++) y.shape[1] *= x.shape[k];
    return y;
}

/* Permute(dims): output axis k + 1 is input axis dims[k] (the batch axis stays first) */
static tensor permute(arena *a, tensor x, int n, const int *dims) {
    int shape[MODEL_MAX_RANK], k; size_t strides[MODEL_MAX_RANK], s = 1, i, count; span source; tensor y;
    for (k = x.rank - 1; k >= 0; k--) { strides[k] = s; s *= (size_t)x.shape[k]; }
    source.rank = x.rank; source.count = 1;
    for (k = 0; k < x.rank; k++) {
        int from = k == 0 ? 0 : (k - 1 < n ? dims[k - 1] : 0);
        from = from >= 0 && from < x.rank ? from : 0;
        shape[k] = x.shape[from]; source.n[k] = x.shape[from]; source.stride[k] = strides[from];
        source.count *= (size_t)x.shape[from];
    }
    y = tnew(a, x.rank, shape);
    if (n != x.rank - 1) { fail(a, MODEL_ERR_SHAPE); return y; }
    if (!y.data) return y;
    count = source.count;
    for (i = 0; i < count; i++) y.data[i] = x.data[span_at(&source, i)];
    return y;
}

static tensor repeat_vector(arena *a, tensor x, int times) {
    int n[3], b, t; tensor y;
    n[0] = x.shape[0]; n[1] = times; n[2] = x.shape[1];
    y = tnew(a, 3, n);
    if (!y.data) return y;
    for (b = 0; b < n[0]; b++)
        for (t = 0; t < times; t++)
            memcpy(y.data + ((size_t)b * times + t) * n[2], x.data + (size_t)b * n[2], (size_t)n[2] * sizeof(float));
    return y;
}

/* ---- activation layers with parameters ---- */

static tensor relu_layer(arena *a, tensor x, float slope, int has_max, float top, float threshold) {
    tensor y = tnew(a, x.rank, x.shape); size_t i;
    if (!y.data) return y;
    for (i = 0; i < tsize(&x); i++) {
        float v = x.data[i], r = threshold != 0.0f ? (v > threshold ? v : 0.0f) : (v > 0.0f ? v : 0.0f);
        if (has_max) r = r < 0.0f ? 0.0f : (r > top ? top : r);
        if (slope != 0.0f) r = r - slope * (threshold - v > 0.0f ? threshold - v : 0.0f);
        y.data[i] = r;
    }
    return y;
}

static tensor leaky_relu(arena *a, tensor x, float slope, int elu, float theta) {
    tensor y = tnew(a, x.rank, x.shape); size_t i;
    if (!y.data) return y;
    for (i = 0; i < tsize(&x); i++) {
        float v = x.data[i];
        y.data[i] = elu == 1 ? (v > 0.0f ? v : slope * expm1f(v < 0.0f ? v : 0.0f))
               : elu == 2 ? (v > theta ? v : 0.0f) : (v >= 0.0f ? v : v * slope);
    }
    return y;
}

/* relu(x) - alpha * relu(-x); alpha's shape (its axes shared by Keras have size 1) matches x's last axes */
static tensor prelu(arena *a, tensor x, const float *alpha, int rank, const int *shape) {
    tensor y = tnew(a, x.rank, x.shape); size_t i; int d;
    const int *dims = x.shape + x.rank - rank;
    if (rank >= x.rank) { fail(a, MODEL_ERR_SHAPE); return y; }
    for (d = 0; d < rank; d++)
        if (shape[d] != 1 && shape[d] != dims[d]) { fail(a, MODEL_ERR_SHAPE); return y; }
    if (!y.data) return y;
    for (i = 0; i < tsize(&x); i++) {
        size_t rest = i, at = 0, stride = 1; float v = x.data[i];
        for (d = rank - 1; d >= 0; d--) {
            if (shape[d] != 1) at += (rest % (size_t)dims[d]) * stride;
            rest /= (size_t)dims[d];
            stride *= (size_t)shape[d];
        }
        y.data[i] = (v > 0.0f ? v : 0.0f) - alpha[at] * (-v > 0.0f ? -v : 0.0f);
    }
    return y;
}

/* ---- 1-d convolution and pooling, channels_last, TensorFlow's padding ---- */

static void pads(int size, int k, int stride, int dilation, int padding, int *before, int *out) {
    int eff = (k - 1) * dilation + 1, total;
    *before = 0;
    if (padding == PAD_SAME) {
        *out = (size + stride - 1) / stride;
        total = (*out - 1) * stride + eff - size;
        total = total > 0 ? total : 0;
        *before = total / 2;
        return;
    }
    if (padding == PAD_CAUSAL) { *before = eff - 1; *out = (size + eff - 1 - eff) / stride + 1; return; }
    *out = size >= eff ? (size - eff) / stride + 1 : 0;
}

static tensor conv1d(arena *a, tensor x, const float *K, const float *bias, int k, int in, int out, int stride,
                     int dilation, int padding, int act) {
    int n[3], before, steps, b, t, tap, i, j; tensor y;
    pads(x.shape[1], k, stride, dilation, padding, &before, &steps);
    n[0] = x.shape[0]; n[1] = steps; n[2] = out;
    y = tnew(a, 3, n);
    if (x.rank != 3 || x.shape[2] != in || steps < 1) { fail(a, MODEL_ERR_SHAPE); return y; }
    if (!y.data) return y;
    for (b = 0; b < n[0]; b++)
        for (t = 0; t < steps; t++) {
            float *o = y.data + ((size_t)b * steps + t) * out;
            for (j = 0; j < out; j++) o[j] = bias ? bias[j] : 0.0f;
            for (tap = 0; tap < k; tap++) {
                int at = t * stride + tap * dilation - before;
                if (at < 0 || at >= x.shape[1]) continue;
                for (i = 0; i < in; i++) {
                    const float v = x.data[((size_t)b * x.shape[1] + at) * in + i], *w = K + ((size_t)tap * in + i) * out;
                    for (j = 0; j < out; j++) o[j] += v * w[j];
                }
            }
        }
    act_apply(y.data, tsize(&y), out, act);
    return y;
}

static tensor pool1d(arena *a, tensor x, int size, int stride, int padding, int average) {
    int n[3], before, steps, b, t, tap, j, f = x.shape[2]; tensor y;
    pads(x.shape[1], size, stride, 1, padding, &before, &steps);
    n[0] = x.shape[0]; n[1] = steps; n[2] = f;
    y = tnew(a, 3, n);
    if (x.rank != 3 || steps < 1) { fail(a, MODEL_ERR_SHAPE); return y; }
    if (!y.data) return y;
    for (b = 0; b < n[0]; b++)
        for (t = 0; t < steps; t++)
            for (j = 0; j < f; j++) {
                float acc = average ? 0.0f : -INFINITY; int count = 0;
                for (tap = 0; tap < size; tap++) {
                    int at = t * stride + tap - before;
                    float v;
                    if (at < 0 || at >= x.shape[1]) continue;
                    v = x.data[((size_t)b * x.shape[1] + at) * f + j];
                    acc = average ? acc + v : (v > acc ? v : acc);
                    count++;
                }
                y.data[((size_t)b * steps + t) * f + j] = average ? acc / (float)count : acc;
            }
    return y;
}

static tensor global_pool(arena *a, tensor x, tensor mask, int average, int keepdims) {
    int n[3], b, t, j, f = x.shape[2], T = x.shape[1]; tensor y;
    n[0] = x.shape[0]; n[1] = keepdims ? 1 : f; n[2] = f;
    y = tnew(a, keepdims ? 3 : 2, n);
    if (x.rank != 3) { fail(a, MODEL_ERR_SHAPE); return y; }
    if (!y.data) return y;
    for (b = 0; b < n[0]; b++)
        for (j = 0; j < f; j++) {
            float acc = average ? 0.0f : -INFINITY, count = 0.0f;
            for (t = 0; t < T; t++) {
                float v = x.data[((size_t)b * T + t) * f + j];
                float w = mask.data ? mask.data[(size_t)b * T + t] : 1.0f;
                if (average) { acc += v * w; count += w; } else acc = v > acc ? v : acc;
            }
            y.data[(size_t)b * f + j] = average ? acc / count : acc;
        }
    return y;
}
