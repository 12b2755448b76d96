"""Build every zoo recipe with real Keras and record what Keras says about it.

Run as a child process from the repository root::

    python -m tests.zoo.generate --runtime keras3|tf_keras --out DIR [--only ID ...]

This is the only zoo module that imports TensorFlow / Keras. It writes, per recipe, the
saved model files, ``<id>.<runtime>.input.npz``, ``.expected.npz``, ``.weights.npz``,
``.layers.npz`` and one ``<runtime>.manifest.json`` for the whole run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from tests.zoo import capture, reload
from tests.zoo.recipes import all_recipes
from tests.zoo.spec import KERAS3, RUNTIMES, Recipe


def quiet_tensorflow() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.pop("TF_USE_LEGACY_KERAS", None)


def import_runtime(runtime: str) -> tuple[Any, str]:
    """The keras module of ``runtime`` and its version string."""
    quiet_tensorflow()
    warnings.filterwarnings("ignore")
    import tensorflow as tf

    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass
    tf.get_logger().setLevel("ERROR")
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    if runtime == KERAS3:
        import keras

        return keras, f"keras {keras.__version__}"
    import tf_keras as keras

    return keras, f"tf_keras {keras.__version__}"


def recipe_seed(recipe_id: str) -> int:
    """The same seed for a recipe in both runtimes (same weights where shapes agree)."""
    return zlib.crc32(recipe_id.encode("utf-8"))


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    np.savez(path, **arrays)


def save_models(model: Any, recipe: Recipe, runtime: str, out: Path,
                files: dict[str, str], failures: list[dict[str, str]]) -> None:
    """Save in every format the runtime writes; a failing format is recorded."""
    stem = f"{recipe.id}.{runtime}"
    targets: list[tuple[str, str, Any]] = []
    if runtime == KERAS3:
        targets += [("keras", f"{stem}.keras", model.save),
                    ("h5", f"{stem}.h5", model.save)]
        if recipe.weights_only:
            targets.append(("weights_h5", f"{stem}.weights.h5", model.save_weights))
    else:
        targets.append(("h5", f"{stem}.h5", model.save))
        if recipe.weights_only:
            targets.append(("weights_only_h5", f"{stem}.weights-only.h5",
                            model.save_weights))
    if recipe.weights_only:  # the architecture a repository ships beside its weights
        targets.append(("architecture_json", f"{stem}.architecture.json",
                        lambda path: Path(path).write_text(model.to_json())))
    for kind, name, save in targets:
        try:
            save(str(out / name))
            files[kind] = name
        except Exception as exc:  # recorded, not fatal
            failures.append(failure(recipe, runtime, f"save:{kind}", exc))


def failure(recipe: Recipe, runtime: str, stage: str, exc: BaseException) -> dict[str, str]:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return {"id": recipe.id, "runtime": runtime, "stage": stage, "error": text,
            "traceback": traceback.format_exc(limit=6)}


def describe_arrays(arrays: list[np.ndarray], prefix: str) -> list[dict[str, Any]]:
    return [{"name": f"{prefix}{i}", "shape": list(a.shape), "dtype": str(a.dtype)}
            for i, a in enumerate(arrays)]


def record_arrays(keras: Any, model: Any, stem: str, out: Path, inputs: list[np.ndarray],
                  outputs: list[np.ndarray]) -> tuple[dict[str, str], dict[str, Any]]:
    """Write the four .npz files of one model; their names and what the layers gave."""
    per_layer, skipped = capture.layer_outputs(keras, model, inputs)
    arrays = {
        "input": {f"in{i}": x for i, x in enumerate(inputs)},
        "expected": {f"out{i}": y for i, y in enumerate(outputs)},
        "weights": capture.layer_weights(model),
        "layers": per_layer,
    }
    files = {}
    for kind, content in arrays.items():
        files[kind] = f"{stem}.{kind}.npz"
        save_npz(out / files[kind], content)
    return files, {"layer_output_keys": sorted(per_layer), "skipped_layer_outputs": skipped}


def make_entry(keras: Any, recipe: Recipe, runtime: str, version: str, out: Path,
               failures: list[dict[str, str]], verify: bool = False) -> dict[str, Any]:
    """Build, randomize, run and save one recipe; raises on build/run failure."""
    started = time.perf_counter()
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(recipe_seed(recipe.id))
    model = recipe.build(keras)
    capture.randomize_weights(model, rng)
    inputs = capture.make_inputs(recipe, rng)
    outputs = capture.run(model, inputs)
    files, layer_facts = record_arrays(keras, model, f"{recipe.id}.{runtime}", out, inputs,
                                       outputs)
    save_models(model, recipe, runtime, out, files, failures)
    checked = reload.reload_check(keras, recipe, out, files, inputs, outputs) if verify \
        else None
    return {
        **recipe.to_json(),
        "runtime": runtime,
        "runtime_version": version,
        "files": files,
        "input_arrays": describe_arrays(inputs, "in"),
        "output_arrays": describe_arrays(outputs, "out"),
        "layers": [{"name": layer.name, "class_name": type(layer).__name__}
                   for layer in model.layers],
        **layer_facts,
        "reload": checked,
        "seconds": round(time.perf_counter() - started, 3),
    }


def generate(runtime: str, out: Path, only: list[str] | None,
             verify: bool = False) -> dict[str, Any]:
    keras, version = import_runtime(runtime)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    entries: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    not_for_runtime: list[dict[str, str]] = []
    for recipe in select(all_recipes(), only):
        if runtime not in recipe.runtimes:
            not_for_runtime.append({"id": recipe.id, "note": recipe.note})
            continue
        try:
            entries.append(make_entry(keras, recipe, runtime, version, out, failures,
                                      verify))
            print(f"built {recipe.id} in {entries[-1]['seconds']} s", flush=True)
        except Exception as exc:  # a failing recipe must not stop others
            failures.append(failure(recipe, runtime, "build_or_run", exc))
            print(f"FAILED {recipe.id}", flush=True)
    import tensorflow as tf

    return {"runtime": runtime, "runtime_version": version,
            "tensorflow_version": tf.__version__, "numpy_version": np.__version__,
            "python": sys.version.split()[0],
            "seconds": round(time.perf_counter() - started, 2),
            "entries": entries, "failures": failures, "not_for_runtime": not_for_runtime}


def select(recipes: list[Recipe], only: list[str] | None) -> list[Recipe]:
    if not only:
        return recipes
    known = {r.id for r in recipes}
    unknown = sorted(set(only) - known)
    if unknown:
        raise SystemExit(f"unknown recipe id(s): {', '.join(unknown)}")
    return [r for r in recipes if r.id in set(only)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", choices=RUNTIMES, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", nargs="+", metavar="ID")
    parser.add_argument("--verify", action="store_true",
                        help="reload every saved file and record the output difference")
    args = parser.parse_args(argv)
    manifest = generate(args.runtime, args.out, args.only, args.verify)
    path = args.out / f"{args.runtime}.manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    print(f"{args.runtime}: {len(manifest['entries'])} entries, "
          f"{len(manifest['failures'])} failures, {manifest['seconds']} s")
    for fail in manifest["failures"]:
        print(f"FAILED {fail['id']} [{fail['stage']}]: {fail['error']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
