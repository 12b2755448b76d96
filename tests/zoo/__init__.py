"""The Keras zoo: small reference models built, run and saved by real Keras in a child
process. See tests/zoo/generate.py (child side) and tests/zoo/cache.py (pytest side)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_manifest(directory: str | Path, runtime: str | None = None) -> dict[str, Any]:
    """Read ``<runtime>.manifest.json`` from ``directory``; every entry's ``files`` become
    absolute paths, and ``dir`` is set on the manifest and on each entry."""
    directory = Path(directory).resolve()
    if runtime is None:
        found = sorted(directory.glob("*.manifest.json"))
        if len(found) != 1:
            raise FileNotFoundError(f"expected one *.manifest.json in {directory}")
        path = found[0]
    else:
        path = directory / f"{runtime}.manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["dir"] = directory
    for entry in manifest["entries"]:
        entry["dir"] = directory
        entry["files"] = {kind: directory / name for kind, name in entry["files"].items()}
    return manifest
