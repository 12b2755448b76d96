"""Real-world files ported to numpy, JavaScript and C, compared with what real Keras computed.

refs/: every corpus file with a reference (tf_keras 2.21 or keras 3.15.1 outputs), tolerance as
`verify` for the file's sequence length. Keras 1 files: the Deeplearning4j fixtures whose
companions hold predictions of the original Keras 1.2 / 2.1, at 1e-4 like the engine's corpus test
(tests/core/engine/test_corpus_refs.py). A file may be refused only for ConvLSTM2D (not in JavaScript and C).
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import pytest

from inspector.core.model.load import open_model
from inspector.core.port.plan import LANGUAGES
from tests.corpus import companions, ref_arrays, ref_files
from tests.port.porting import Case, assert_matches_keras, port_all, require_tools

_ported: dict[str, dict[str, Case]] = {}
REFUSED = ("ConvLSTM2D",)


def corpus_cases(corpus: Path) -> list[Case]:
    cases = []
    for name in ref_files():
        refs = corpus / "refs"
        cases.append(Case(name, open_model(corpus / "models" / name), ref_arrays(refs / f"{name}.input.npz", "in"),
                          ref_arrays(refs / f"{name}.expected.npz", "out")))
    for model_file, companion in companions():
        with h5py.File(corpus / "models" / companion, "r") as f:
            inputs = [f["inputs"][n][()] for n in json.loads(f.attrs["inputs"])["inputs"]]
            names = json.loads(f.attrs["outputs"])["outputs"]
            predictions = [f["predictions"][n][()] for n in names]
        cases.append(Case(f"dl4j:{companion}", open_model(corpus / "models" / model_file), inputs, predictions))
    return cases


def ported(language: str, corpus: Path, root: Path) -> dict[str, Case]:
    if language not in _ported:
        require_tools(language)
        _ported[language] = port_all(corpus_cases(corpus), language, root / language)
    return _ported[language]


@pytest.fixture(scope="module")
def port_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("port-corpus")


def check(case: Case, atol: float | None = None) -> None:
    """The port agrees with Keras, or the generator refused it naming a class this language does not cover."""
    if case.refusal:
        assert any(name in case.refusal for name in REFUSED), case.refusal
        return
    assert_matches_keras(case, atol)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ref_files())
def test_corpus_port_matches_keras(name: str, language: str, corpus_dir: Path, port_root: Path) -> None:
    check(ported(language, corpus_dir, port_root)[name])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("model_file, companion", companions())
def test_keras1_fixture_port(model_file: str, companion: str, language: str, corpus_dir: Path,
                             port_root: Path) -> None:
    check(ported(language, corpus_dir, port_root)[f"dl4j:{companion}"], atol=1e-4)
