/* Runner for the generated model (the port's runner contract).
   Standard input, for each model input in order: a line "rank d1 ... dn", then the values in
   row-major order. Standard output, for each model output: the same, values with 9 significant
   digits. "./run --bench STEPS" steps the model STEPS times at batch 1 and prints us_per_step. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

static int read_inputs(model_array *in) {
    int k, j;
    for (k = 0; k < MODEL_INPUTS; k++) {
        size_t size = 1, i;
        if (scanf("%d", &in[k].rank) != 1 || in[k].rank < 1 || in[k].rank > MODEL_MAX_RANK) return 0;
        for (j = 0; j < in[k].rank; j++) {
            if (scanf("%d", &in[k].shape[j]) != 1 || in[k].shape[j] < 0) return 0;
            size *= (size_t)in[k].shape[j];
        }
        in[k].data = malloc((size ? size : 1) * sizeof(float));
        if (!in[k].data) return 0;
        for (i = 0; i < size; i++) {
            double v;
            if (scanf("%lf", &v) != 1) return 0;
            in[k].data[i] = (float)v;
        }
    }
    return 1;
}

static void write_outputs(const model_array *out) {
    int k, j;
    for (k = 0; k < MODEL_OUTPUTS; k++) {
        size_t size = 1, i, width;
        printf("%d", out[k].rank);
        for (j = 0; j < out[k].rank; j++) { printf(" %d", out[k].shape[j]); size *= (size_t)out[k].shape[j]; }
        printf("\n");
        width = out[k].rank ? (size_t)out[k].shape[out[k].rank - 1] : 1;
        for (i = 0; i < size; i++) printf(i % width == width - 1 ? "%.9g\n" : "%.9g ", out[k].data[i]);
    }
}

#if MODEL_STREAMS
static int bench(long steps) {
    static float scratch[MODEL_STEP_SCRATCH_FLOATS], state[MODEL_STATE_FLOATS + 1];
    static float x[MODEL_INPUTS][4096];
    const float *inputs[MODEL_INPUTS];
    model_array out[MODEL_OUTPUTS];
    struct timespec t0, t1;
    long s; int k, j, err = 0;
    for (k = 0; k < MODEL_INPUTS; k++) { for (j = 0; j < 4096; j++) x[k][j] = model_token_inputs[k] ? 1.0f : 0.5f; inputs[k] = x[k]; }
    model_reset(state);
    err |= model_step(inputs, out, state, scratch);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (s = 0; s < steps; s++) err |= model_step(inputs, out, state, scratch);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err) { fprintf(stderr, "model_step: %s\n", model_error_text(err)); return 1; }
    printf("check %.9g\n", out[0].data[0]);
    printf("us_per_step %.6g\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / (double)steps);
    return 0;
}
#endif

int main(int argc, char **argv) {
    model_array in[MODEL_INPUTS], out[MODEL_OUTPUTS];
    float *scratch;
    size_t floats;
    int err;
    if (argc == 3 && strcmp(argv[1], "--bench") == 0) {
#if MODEL_STREAMS
        return bench(atol(argv[2]));
#else
        fprintf(stderr, "this model has no streaming API (see README.md)\n");
        return 2;
#endif
    }
    if (!read_inputs(in)) { fprintf(stderr, "could not read the inputs (see the runner contract)\n"); return 2; }
    floats = model_scratch_floats(in);
    scratch = malloc((floats ? floats : 1) * sizeof(float));
    if (!scratch) { fprintf(stderr, "out of memory\n"); return 2; }
    err = model_predict(in, out, NULL, scratch, floats);
    if (err) { fprintf(stderr, "model_predict: %s\n", model_error_text(err)); return 1; }
    write_outputs(out);
    return 0;
}
