"""`lstm-inspector install-desktop [--uninstall]`: make LSTM Inspector a desktop application for this user.

Installs into $XDG_DATA_HOME (default ~/.local/share), from the files in resources/desktop/ (shipped inside
the package as inspector.resources.desktop, so a wheel installs them too):

    applications/<APP_ID>.desktop            the launcher; Exec is this installation's lstm-inspector-gui
    icons/hicolor/<N>x<N>/apps/lstm-inspector.png, icons/hicolor/scalable/apps/lstm-inspector.svg
    metainfo/<APP_ID>.metainfo.xml           AppStream: what software centres show
    mime/packages/<APP_ID>.xml               the application/x-keras type for *.keras (.h5 and .hdf5 are
                                             application/x-hdf in shared-mime-info already)

The .desktop file lists the types it opens, so file managers offer "Open with LSTM Inspector" for
.h5, .hdf5 and .keras files; it does not make itself the default application. The MIME and desktop
databases are refreshed when their tools (shared-mime-info, desktop-file-utils) are installed.
`--uninstall` removes exactly these files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from inspector import APP_ID
from inspector.core.errors import InspectorError

DESKTOP_PACKAGE = "inspector.resources.desktop"  # imported only when install-desktop runs
ICON_NAME = "lstm-inspector"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


@dataclass(frozen=True)
class Placement:
    """One installed file: where it goes under the data folder, and its text or its source file."""

    target: str
    source: Path | None = None
    text: str | None = None


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "install-desktop", help="add LSTM Inspector to this user's applications menu and 'Open with' (--uninstall)",
        description="Install, for the current user, the desktop launcher, the icon in every hicolor size, the "
        "AppStream metainfo and the file types (.h5, .hdf5, .keras) LSTM Inspector opens, into $XDG_DATA_HOME "
        "(default ~/.local/share). --uninstall removes them.")
    parser.add_argument("--uninstall", action="store_true", help="remove what install-desktop installed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    data = data_home()
    placements = desktop_files(launcher_command())
    if args.uninstall:
        removed = [data / p.target for p in placements if (data / p.target).is_file()]
        for path in removed:
            path.unlink()
        refresh_databases(data)
        print(f"removed {len(removed)} file(s) from {data}" if removed else f"nothing installed in {data}")
        return 0
    for placement in placements:
        _write(data / placement.target, placement)
        print(data / placement.target)
    refresh_databases(data)
    return 0


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the XDG spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher_command() -> Path:
    """This installation's windowed entry point (beside the running Python, as pip puts it)."""
    folder = Path(sys.executable).parent
    for name in ("lstm-inspector-gui", "lstm-inspector"):
        if (folder / name).is_file():
            return folder / name
    found = shutil.which("lstm-inspector")
    if found is None:
        raise InspectorError("cannot find the lstm-inspector program of this installation; "
                             "install the package (bash packaging/setup.sh) and run this command from it")
    return Path(found).resolve()


def desktop_files(command: Path) -> list[Placement]:
    """Every file install-desktop writes, relative to the data folder."""
    icons = [Placement(f"icons/hicolor/{n}x{n}/apps/{ICON_NAME}.png", _shipped(f"lstm-inspector-{n}.png"))
             for n in ICON_SIZES]
    icons.append(Placement(f"icons/hicolor/scalable/apps/{ICON_NAME}.svg", _shipped("lstm-inspector.svg")))
    return [
        Placement(f"applications/{APP_ID}.desktop", text=desktop_entry(command)),
        *icons,
        Placement(f"metainfo/{APP_ID}.metainfo.xml", _shipped("lstm-inspector.metainfo.xml")),
        Placement(f"mime/packages/{APP_ID}.xml", _shipped("lstm-inspector.mime.xml")),
    ]


def desktop_entry(command: Path) -> str:
    """resources/desktop/lstm-inspector.desktop with Exec and TryExec naming `command` by its full path."""
    lines = []
    for line in _shipped("lstm-inspector.desktop").read_text(encoding="utf-8").splitlines():
        key = line.split("=", 1)[0]
        if key == "Exec":
            line = f"Exec={exec_quote(str(command))} %f"
        elif key == "TryExec":
            line = f"TryExec={_escape_string(str(command))}"
        elif key == "Icon":
            line = f"Icon={ICON_NAME}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def exec_quote(argument: str) -> str:
    """One Exec argument as the Desktop Entry spec wants it: quoted when it has reserved characters,
    then escaped once more as a string value."""
    if any(c in argument for c in ' \t\n"\'\\><~|&;$*?#()`'):
        inner = "".join("\\" + c if c in '"`$\\' else c for c in argument)
        argument = f'"{inner}"'
    return _escape_string(argument).replace("%", "%%")


def _escape_string(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def refresh_databases(data: Path) -> None:
    """Let file managers see the new types and launcher now (not only after the next login)."""
    for tool, folder in (("update-mime-database", data / "mime"), ("update-desktop-database", data / "applications")):
        if shutil.which(tool) and folder.is_dir():
            subprocess.run([tool, str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                           timeout=120)


def _shipped(name: str) -> Path:
    """A file of inspector.resources.desktop; a clear message when this installation lacks it."""
    path = Path(str(resources.files(DESKTOP_PACKAGE) / name))
    if not path.is_file():
        raise InspectorError(f"this installation of LSTM Inspector lacks its desktop file {name} ({path}); "
                             "reinstall the package")
    return path


def _write(target: Path, placement: Placement) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if placement.text is not None:
            target.write_text(placement.text, encoding="utf-8")
        elif placement.source is not None:
            shutil.copyfile(placement.source, target)
    except OSError as error:
        raise InspectorError(f"cannot write {target}: {error.strerror or error}") from error
