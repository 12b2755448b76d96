"""The Keras child process: `python -m inspector.reference.child FOLDER`.

Reads FOLDER/jobs.json, runs each job with the Keras it names and writes the results next to
it (see `protocol`). One child handles a list of jobs so that TensorFlow is imported once.
Anything Keras refuses becomes a readable reason in the job's result; only a bug or a signal
makes the process fail, and the parent reports that.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector.reference import protocol


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m inspector.reference.child FOLDER", file=sys.stderr)
        return 2
    folder = Path(args[0])
    from inspector.reference.keras_side import quiet_tensorflow

    quiet_tensorflow()
    jobs = protocol.read_json(folder / protocol.JOBS)["jobs"]
    for index, job in enumerate(jobs):
        run_job(folder, index, job)
    protocol.write_json(folder / protocol.STATE, {"job": len(jobs) - 1, "state": "done"})
    return 0


def run_job(folder: Path, index: int, job: dict[str, Any]) -> None:
    from inspector.reference.keras_side import KerasUnavailable

    started = time.perf_counter()
    arrays: dict[str, Any] = {}
    try:
        result = _compute(folder, index, job, arrays)
    except KerasUnavailable as exc:
        result = {"available": False, "reason": str(exc), "runtime": ""}
    result["seconds"] = round(time.perf_counter() - started, 3)
    if arrays:
        protocol.save_arrays(protocol.output_file(folder, index), arrays)
    protocol.write_json(protocol.result_file(folder, index), result)


def _compute(folder: Path, index: int, job: dict[str, Any], arrays: dict[str, Any]) -> dict[str, Any]:
    from inspector.reference import keras_side

    _report(folder, index, "loading Keras")
    keras, runtime = keras_side.import_keras(job["runtime"])
    _report(folder, index, "loading model")
    model = keras_side.load_model(keras, job["runtime"], job["model"], job.get("architecture"))
    keras_side.check_device(model)
    inputs = protocol.load_arrays(protocol.input_file(folder, index))
    _report(folder, index, "running")
    try:
        entries, values = keras_side.layer_outputs(keras, model, [inputs[f"in{i}"] for i in range(len(inputs))])
    except Exception as exc:  # noqa: BLE001 - Keras failing on the file is a reason, not our crash
        raise keras_side.KerasUnavailable(
            f"{runtime} loaded the file but could not run it: {keras_side.first_line(exc)}") from exc
    position = 0
    for k, (_, count) in enumerate(entries):
        for j in range(count):
            arrays[protocol.layer_key(k, j)] = values[position]
            position += 1
    for j, value in enumerate(values[position:]):
        arrays[protocol.output_key(j)] = value
    return {"available": True, "runtime": runtime, "reason": "",
            "layers": [list(entry) for entry in entries], "outputs": len(values) - position}


def _report(folder: Path, index: int, state: str) -> None:
    protocol.write_json(folder / protocol.STATE, {"job": index, "state": state})


if __name__ == "__main__":
    sys.exit(main())
