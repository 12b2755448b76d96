"""`lstm-inspector verify`: exit status 0 / 1 / 2 / 3, the JSON object, the table, clean errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from reference_cases import Batch

from inspector.commands import verify
from inspector.core.model.canonical import frozen_mapping

TF_KERAS_FILE = "k2_dl4j_bidirectional_lstm_theano_2.h5"
KERAS3_FILE = "k3_stacked_lstm_341.keras"


def fake_python(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "python"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_agreement_with_tf_keras_as_json(corpus_dir: Path, run_verify, keras_required) -> None:
    code, out, err = run_verify(str(corpus_dir / "models" / TF_KERAS_FILE), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["reference"] == {"available": True, "runtime": "tf_keras 2.21.0",
                                   "seconds": report["reference"]["seconds"]}
    assert report["ok"] is True and report["max_abs_err"] < 1e-5
    assert report["input"]["source"] == "seeded" and report["input"]["shapes"] == [[2, 4, 10]]
    layer = report["layers"][0]
    assert {"name", "max_abs_err", "max_rel_err", "worst_index", "per_step_max_abs_err"} <= set(layer)
    assert len(layer["per_step_max_abs_err"]) == 4


def test_agreement_with_keras3_on_a_given_input_as_a_table(corpus_dir: Path, run_verify, keras_required) -> None:
    given = corpus_dir / "refs" / f"{KERAS3_FILE}.input.npz"
    code, out, err = run_verify(str(corpus_dir / "models" / KERAS3_FILE), "--input", str(given))
    assert code == 0, err
    assert "Keras reference: keras 3.15.1" in out and "file input (2, 5, 1)" in out
    assert "AGREES with Keras" in out and "lstm_1" in out


def test_keras1_file_is_exit_3_with_the_reason(corpus_dir: Path, run_verify) -> None:
    code, out, _ = run_verify(str(corpus_dir / "models" / "k1_dl4j_embedding_lstm_theano_1.h5"))
    assert code == 3 and "Keras 1" in out


def test_weights_only_file_is_exit_3(corpus_dir: Path, run_verify) -> None:
    code, out, _ = run_verify(str(corpus_dir / "models" / "k3w_bilstm_embedding.weights.h5"), "--json")
    assert code == 3 and json.loads(out)["reference"]["available"] is False


def test_cudnn_file_is_exit_3_not_a_failure(corpus_dir: Path, run_verify, keras_required) -> None:
    code, out, err = run_verify(str(corpus_dir / "models" / "k2_cudnnlstm_attention_220.h5"), "--json")
    assert code == 3, err
    assert "GPU" in json.loads(out)["reference"]["reason"]


def test_killed_child_is_exit_2_with_one_line(corpus_dir: Path, run_verify, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSTM_INSPECTOR_KERAS_PYTHON", str(fake_python(tmp_path, "kill -9 $$")))
    code, out, err = run_verify(str(corpus_dir / "models" / TF_KERAS_FILE))
    assert code == 2 and out == ""
    assert err.startswith("lstm-inspector: the Keras child process was killed") and err.count("\n") == 1


def test_hanging_child_is_exit_2_after_the_timeout(corpus_dir: Path, run_verify, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSTM_INSPECTOR_KERAS_PYTHON", str(fake_python(tmp_path, "sleep 60")))
    code, _, err = run_verify(str(corpus_dir / "models" / TF_KERAS_FILE), "--timeout", "0.5")
    assert code == 2 and "within 0.5 s" in err and err.count("\n") == 1


def test_bad_input_file_is_exit_2(corpus_dir: Path, run_verify, tmp_path: Path) -> None:
    np.save(tmp_path / "wrong.npy", np.zeros((2, 4, 3), np.float32))
    code, _, err = run_verify(str(corpus_dir / "models" / TF_KERAS_FILE), "--input", str(tmp_path / "wrong.npy"))
    assert code == 2 and "axis 2 must be 10" in err


def test_disagreement_is_exit_1_with_the_cause(corpus_batch: Batch, corpus_dir: Path, run_verify,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader bug (LSTM gates stored i, c, f, o), simulated on the canonical model; Keras's answer
    comes from the corpus batch so that no second child is needed."""
    case = corpus_batch.cases[KERAS3_FILE]
    lstm = case.model.layer("lstm")
    icfo = {role: np.concatenate([blocks[0], blocks[2], blocks[1], blocks[3]], axis=-1)
            for role, blocks in ((r, np.split(a, 4, axis=-1)) for r, a in lstm.weights.items())}
    broken_lstm = replace(lstm, weights=frozen_mapping(icfo))
    broken = replace(case.model, layers=tuple(broken_lstm if layer is lstm else layer for layer in case.model.layers))

    class Answered:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def wait(self):
            return [case.result]

    monkeypatch.setattr(verify, "open_model_argument", lambda args: broken)
    monkeypatch.setattr(verify, "ReferenceJob", Answered)
    given = corpus_dir / "refs" / f"{KERAS3_FILE}.input.npz"
    code, out, _ = run_verify(str(case.model.path), "--input", str(given), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False and report["layers"][0]["name"] == "lstm" and not report["layers"][0]["ok"]
    assert [d["cause"] for d in report["diagnosis"]] == ["gate_order"] and report["diagnosis"][0]["agrees"]
    code, out, _ = run_verify(str(case.model.path), "--input", str(given))
    assert code == 1 and "DISAGREES with Keras from layer 'lstm'" in out and "fits: [gate_order]" in out
