#!/usr/bin/env bash
# Set up a fresh Debian machine (Python 3.11, root) for LSTM Inspector: the Debian libraries Qt
# needs, a virtual environment at .venv, and the package (editable) with every extra.
# Safe to run again: it only installs what is missing. A stamp in .venv holds a hash of pyproject.toml
# and the venv's Python; when both are unchanged, pip is not run at all (a second run takes about a second).
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3
                 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
                 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
                 desktop-file-utils appstream)  # the last two: install-desktop's validators, used by the tests
missing=()
for package in "${debian_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# the port tests build and run the generated C and JavaScript (any node or cc on PATH will do)
command -v node >/dev/null || missing+=(nodejs)
command -v cc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip  # only for a new venv
fi
stamp=.venv/.lstm-inspector-setup
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) $(readlink -f .venv/bin/python) $(.venv/bin/python -V 2>&1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/lstm-inspector ]; then
  echo "LSTM Inspector is set up in .venv (nothing changed)"
  exit 0
fi
# setuptools' note that an editable install is one is information, not a problem: keep it off the screen
PYTHONWARNINGS="ignore:Editable installation" \
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[reference,test]"
echo "$wanted" > "$stamp"
echo "LSTM Inspector is set up in .venv"
