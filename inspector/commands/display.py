"""Can the window open here? Asked before Qt is imported, since Qt aborts the process (status 134, a
page about platform plugins) when it finds no display.

`display_problem()` is None when a window can open, else the reason in a few words. It looks at what
Qt would use: QT_QPA_PLATFORM when set (offscreen, vnc, ...: Qt was told, so we trust it), else a
Wayland socket or an X server that accepts a connection.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

X_TCP_PORT = 6000


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """None when Qt will find a display; else why not ("DISPLAY and WAYLAND_DISPLAY are not set", ...)."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if sys.platform != "linux" or platform and platform not in ("xcb", "wayland"):
        return None
    reasons = []
    if platform in ("", "wayland"):
        reasons.append(_wayland_problem(env))
    if platform in ("", "xcb"):
        reasons.append(_x11_problem(env.get("DISPLAY", "")))
    if any(reason is None for reason in reasons):
        return None
    return "; ".join(r for r in reasons if r)


def _wayland_problem(env: Mapping[str, str]) -> str | None:
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return "WAYLAND_DISPLAY is not set"
    path = Path(name) if os.path.isabs(name) else Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    return None if path.is_socket() else f"no Wayland compositor at {path}"


def _x11_problem(display: str) -> str | None:
    if not display:
        return "DISPLAY is not set"
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return f"DISPLAY={display} is not a display name"
    if host in ("", "unix") or host.startswith("/"):
        path = f"{host}:{number}" if host.startswith("/") else f"/tmp/.X11-unix/X{number}"
        ok = _unix_connects(path) or _unix_connects("\0" + path)
    else:
        ok = _tcp_connects(host, X_TCP_PORT + int(number))
    return None if ok else f"no X server answers at DISPLAY={display}"


def _unix_connects(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect(path)
        except OSError:
            return False
    return True


def _tcp_connects(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False
