"""`lstm-inspector install-desktop`: what it installs into a temporary XDG home passes the freedesktop
validators (desktop-file-validate, appstreamcli validate), names this installation's program, registers
.h5/.hdf5/.keras, and `--uninstall` takes it all away again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from inspector import APP_ID
from inspector.commands.install_desktop import ICON_SIZES, exec_quote

DESKTOP = f"applications/{APP_ID}.desktop"
METAINFO = f"metainfo/{APP_ID}.metainfo.xml"


def install(home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_DATA_HOME=str(home), HOME=str(home.parent))
    return subprocess.run([sys.executable, "-m", "inspector.cli", "install-desktop", *extra], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("xdg") / "share"
    done = install(home)
    assert done.returncode == 0, done.stderr
    return home


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; packaging/setup.sh installs it (desktop-file-utils, appstream)")
    return path


def test_the_desktop_file_is_valid_and_runs_this_installation(installed: Path) -> None:
    desktop = installed / DESKTOP
    done = subprocess.run([_tool("desktop-file-validate"), str(desktop)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    entry = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    program = Path(entry["TryExec"])
    assert program.is_absolute() and os.access(program, os.X_OK)
    assert entry["Exec"].endswith(" %f")
    assert {"application/x-hdf", "application/x-keras"} <= set(entry["MimeType"].strip(";").split(";"))


def test_the_metainfo_is_valid_and_launches_the_desktop_file(installed: Path) -> None:
    metainfo = installed / METAINFO
    done = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(metainfo)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    root = ElementTree.parse(metainfo).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == Path(DESKTOP).name


def test_icons_in_every_hicolor_size(installed: Path) -> None:
    for size in ICON_SIZES:
        png = installed / f"icons/hicolor/{size}x{size}/apps/lstm-inspector.png"
        header = png.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20], "big") == size == int.from_bytes(header[20:24], "big")
    assert (installed / "icons/hicolor/scalable/apps/lstm-inspector.svg").is_file()


def test_keras_files_get_a_type_and_the_launcher_is_offered_for_it(installed: Path) -> None:
    if shutil.which("update-mime-database") is None:
        pytest.skip("shared-mime-info is not installed")
    globs = (installed / "mime" / "globs2").read_text()
    assert "application/x-keras:*.keras" in globs
    if shutil.which("update-desktop-database"):
        cache = (installed / "applications" / "mimeinfo.cache").read_text()
        assert f"application/x-keras={APP_ID}.desktop;" in cache
        assert f"application/x-hdf={APP_ID}.desktop;" in cache


def test_uninstall_removes_every_installed_file(tmp_path: Path) -> None:
    home = tmp_path / "share"
    assert install(home).returncode == 0
    done = install(home, "--uninstall")
    assert done.returncode == 0, done.stderr
    left = {p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()}
    assert not any(name.endswith((".desktop", ".png", ".svg", ".metainfo.xml")) for name in left), left
    assert not (home / "mime" / "packages" / f"{APP_ID}.xml").exists()
    assert "x-keras" not in (home / "mime" / "globs2").read_text()
    assert "nothing installed" in install(home, "--uninstall").stdout


def test_exec_quoting_follows_the_desktop_entry_spec() -> None:
    assert exec_quote("/usr/bin/lstm-inspector-gui") == "/usr/bin/lstm-inspector-gui"
    assert exec_quote("/home/a b/bin/x") == '"/home/a b/bin/x"'
    assert exec_quote('/o$d/x') == '"/o\\\\$d/x"'
    assert exec_quote("/100%/x") == "/100%%/x"
