"""The wheel ships every inspector package and the demo models; set-up runs pip only when something changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from inspector.demo import DEMOS, demo_model, demo_sequence

REPO = Path(__file__).resolve().parent.parent


def test_every_inspector_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "inspector").rglob("__init__.py")}
    assert found <= listed


def test_demo_models_and_sequences_are_bundled() -> None:
    for name in DEMOS:
        assert demo_model(name).is_file() and demo_sequence(name).is_file()


SETUP = REPO / "packaging" / "setup.sh"
FAKE_PYTHON = """#!/usr/bin/env bash
# stands in for .venv/bin/python: logs every pip run, answers -V
if [ "$1" = "-V" ]; then echo "Python 3.11.99"; exit 0; fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "pip $*" >> "$(dirname "$0")/../pip.log"; exit 0; fi
exit 1
"""


def _fake_checkout(tmp_path: Path) -> Path:
    """A copy of setup.sh and pyproject.toml beside a .venv whose python only records pip runs."""
    root = tmp_path / "checkout"
    (root / "packaging").mkdir(parents=True)
    shutil.copy(SETUP, root / "packaging" / "setup.sh")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("lstm-inspector", "#!/bin/sh\n")):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return root


def _setup(root: Path) -> tuple[str, int]:
    env = dict(os.environ, PATH=f"{_no_apt_path(root)}:{os.environ['PATH']}")
    done = subprocess.run(["bash", str(root / "packaging" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    log = root / ".venv" / "pip.log"
    runs = len(log.read_text().splitlines()) if log.exists() else 0
    return done.stdout, runs


def _no_apt_path(root: Path) -> Path:
    """A dpkg that says every Debian package is installed, so the test never calls apt-get."""
    folder = root / "fake-bin"
    folder.mkdir(exist_ok=True)
    (folder / "dpkg").write_text("#!/bin/sh\nexit 0\n")
    (folder / "dpkg").chmod(0o755)
    return folder


def test_setup_runs_pip_only_when_pyproject_or_the_venv_changed(tmp_path: Path) -> None:
    root = _fake_checkout(tmp_path)
    assert _setup(root)[1] == 1  # first run: one install, no pip upgrade in an existing venv
    out, runs = _setup(root)
    assert runs == 1 and "nothing changed" in out
    with open(root / "pyproject.toml", "a") as handle:
        handle.write("\n# changed\n")
    assert _setup(root)[1] == 2
    assert _setup(root)[1] == 2
    (root / ".venv" / ".lstm-inspector-setup").unlink()  # a venv made anew has no stamp
    assert _setup(root)[1] == 3


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel built from a copy of what pyproject ships (pyproject, README, inspector/, resources/), and pip's
    output."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for folder in ("inspector", "resources"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(root / "wheel"),
                           str(source)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "setuptools" in done.stderr and "No matching distribution" in done.stderr:
        pytest.skip("no package index to fetch the build backend from")
    assert done.returncode == 0, done.stderr[-2000:]
    return next((root / "wheel").glob("*.whl")), done.stdout + done.stderr


def test_building_the_package_prints_no_setuptools_warning(wheel_build: tuple[Path, str]) -> None:
    wheel, text = wheel_build
    assert "Warning:" not in text and "is absent from the `packages`" not in text
    names = zipfile.ZipFile(wheel).namelist()
    assert "inspector/resources/demo/sine_lstm.keras" in names
    assert {f"inspector/resources/desktop/lstm-inspector{end}" for end in (".desktop", ".metainfo.xml", ".mime.xml",
                                                                          ".svg", "-16.png", "-256.png")} <= set(names)


def test_install_desktop_works_from_the_installed_wheel_alone(wheel_build: tuple[Path, str], tmp_path: Path) -> None:
    """No source checkout: the package installed from the wheel (into a folder of its own, first on the path)
    installs the launcher, icons, metainfo and MIME type from the files it ships."""
    target, home = tmp_path / "installed", tmp_path / "xdg" / "share"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
                           str(target), str(wheel_build[0])], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    env = dict(os.environ, PYTHONPATH=str(target), XDG_DATA_HOME=str(home), HOME=str(tmp_path))
    code = "import inspector, sys; print(inspector.__file__); sys.argv[1:] = ['install-desktop']; " \
           "from inspector.cli import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0].startswith(str(target))  # the wheel's copy ran, not the checkout
    assert any((home / "applications").glob("*.desktop"))
    assert (home / "icons/hicolor/256x256/apps/lstm-inspector.png").is_file()
