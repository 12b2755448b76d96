"""Read the YAML that Keras 1/2 `model.to_yaml()` wrote (PyYAML's `yaml.dump` of the model config).

Only what yaml.dump writes for plain data is read: block mappings and sequences (a sequence may sit at
its key's indentation), flow collections (`{seed: null}`, `[null, 10, 3]`, possibly over several
lines), plain, single- and double-quoted scalars, null/bool/int/float, and folded scalar lines.
Python tags become plain data or a refusal: `!!python/tuple` is read as a list and `!!python/unicode`
as text (what a safe loader reads them as); any other `!` tag (`!!python/object`, `!!python/name`,
...) is refused, so nothing in the file can name Python code. No YAML library is needed: the core
stays numpy + h5py + stdlib, and safe_load alone would refuse the `!!python/tuple` every Keras 2
config holds.
"""

from __future__ import annotations

import json
import re
from typing import Any

from inspector.core.errors import CorruptFile, UnsafeFile

PLAIN_TAGS = ("!!python/tuple", "!!python/unicode", "!!python/str", "!!str", "!!int", "!!float", "!!bool",
              "!!null", "!!seq", "!!map")
INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
KEY = re.compile(r"""^(?P<key>'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^\s'"\[\]{},#&*!|>][^:#]*?)\s*:(?:\s+|$)""")
MAX_DEPTH = 200


def loads(text: str, what: str = "the YAML file") -> Any:
    lines = _lines(text)
    if not lines:
        raise CorruptFile(f"{what} is empty")
    reader = _Reader(lines, what)
    value = reader.block(0, lines[0][0], 0)
    if reader.position != len(lines):
        raise CorruptFile(f"{what}: cannot read line {reader.position + 1} of its YAML ({lines[reader.position][1]!r})")
    return value


def _lines(text: str) -> list[tuple[int, str]]:
    """(indentation, text) of each meaningful line; flow collections joined onto one line."""
    out: list[tuple[int, str]] = []
    pending = ""
    for raw in text.replace("\t", "    ").splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#") or stripped in ("---", "...")):
            continue
        if pending:
            pending += " " + stripped
        else:
            out.append((len(raw) - len(raw.lstrip(" ")), stripped))
            pending = stripped
        if _balanced(pending):
            out[-1] = (out[-1][0], pending)
            pending = ""
    if pending:
        out[-1] = (out[-1][0], pending)
    return out


def _balanced(text: str) -> bool:
    depth, quote = 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and depth:
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth <= 0


class _Reader:
    def __init__(self, lines: list[tuple[int, str]], what: str) -> None:
        self.lines = lines
        self.position = 0
        self.what = what

    def block(self, position: int, indent: int, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CorruptFile(f"{self.what} nests deeper than {MAX_DEPTH} levels")
        self.position = position
        text = self.lines[position][1]
        if text == "-" or text.startswith("- "):
            return self.sequence(indent, depth)
        if KEY.match(text):
            return self.mapping(indent, depth)
        self.position += 1
        return self.scalar_value(text, indent, depth)

    def sequence(self, indent: int, depth: int) -> list[Any]:
        items = []
        while self.position < len(self.lines):
            line_indent, text = self.lines[self.position]
            if line_indent != indent or not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].strip()
            if not rest:
                items.append(self.nested(indent, depth))
            else:  # "- key: value" opens a mapping two columns in
                self.lines[self.position] = (indent + 2, rest)
                items.append(self.block(self.position, indent + 2, depth + 1))
        return items

    def mapping(self, indent: int, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.position < len(self.lines):
            line_indent, text = self.lines[self.position]
            match = KEY.match(text)
            if line_indent != indent or match is None:
                break
            key = _scalar(match.group("key").strip(), self.what)
            rest = text[match.end():].strip()
            self.position += 1
            out[str(key)] = self.scalar_value(rest, indent, depth) if rest and rest not in PLAIN_TAGS else \
                _tagged(rest, self.nested(indent, depth, same_indent_sequence=True), self.what)
        return out

    def nested(self, indent: int, depth: int, same_indent_sequence: bool = False) -> Any:
        """The block below a key or dash: deeper lines, or (after a key) a sequence at its indentation."""
        if self.position >= len(self.lines):
            return None
        line_indent, text = self.lines[self.position]
        is_sequence = text == "-" or text.startswith("- ")
        if line_indent > indent or (same_indent_sequence and line_indent == indent and is_sequence):
            return self.block(self.position, line_indent, depth + 1)
        return None

    def scalar_value(self, text: str, indent: int, depth: int) -> Any:
        """A value written on the key's line, with folded continuation lines joined to it."""
        while (self.position < len(self.lines) and self.lines[self.position][0] > indent
               and not text.startswith(("[", "{")) and not text.startswith("!")):
            text += " " + self.lines[self.position][1]
            self.position += 1
        if text.startswith("!"):
            tag, _, body = text.partition(" ")
            value = _flow(body.strip(), self.what) if body.strip() else self.nested(indent, depth)
            return _tagged(tag, value, self.what)
        return _flow(text, self.what)


def _tagged(tag: str, value: Any, what: str) -> Any:
    if tag and tag not in PLAIN_TAGS:
        raise UnsafeFile(f"{what} holds the YAML tag {tag!r}, which names Python code or objects; "
                         "LSTM Inspector never builds those from a file")
    if tag in ("!!python/tuple", "!!seq") and value is None:
        return []
    return value


def _flow(text: str, what: str) -> Any:
    value, end = _flow_at(text, 0, what)
    if text[end:].strip():
        raise CorruptFile(f"{what}: cannot read the YAML value {text[:80]!r}")
    return value


def _flow_at(text: str, position: int, what: str) -> tuple[Any, int]:
    position = _skip(text, position)
    if text.startswith("!", position):
        end = position
        while end < len(text) and not text[end].isspace() and text[end] not in ",]}[{":
            end += 1
        value, after = _flow_at(text, end, what)
        return _tagged(text[position:end], value, what), after
    if position < len(text) and text[position] in "[{":
        return _collection(text, position, what)
    if position < len(text) and text[position] in "'\"":
        end = _quote_end(text, position, what)
        return _scalar(text[position:end], what), end
    end = position
    while end < len(text) and text[end] not in ",]}" and not (text[end] == ":" and text[end + 1:end + 2] in (" ", "")):
        end += 1
    return _scalar(text[position:end].strip(), what), end


def _collection(text: str, position: int, what: str) -> tuple[Any, int]:
    closing = "]" if text[position] == "[" else "}"
    items: list[Any] = []
    pairs: dict[str, Any] = {}
    position = _skip(text, position + 1)
    while position < len(text) and text[position] != closing:
        value, position = _flow_at(text, position, what)
        position = _skip(text, position)
        if closing == "}":
            if not text.startswith(":", position):
                raise CorruptFile(f"{what}: a YAML mapping entry has no ':' ({text[:80]!r})")
            pairs[str(value)], position = _flow_at(text, position + 1, what)
            position = _skip(text, position)
        else:
            items.append(value)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif position < len(text) and text[position] != closing:
            raise CorruptFile(f"{what}: cannot read the YAML collection {text[:80]!r}")
    if position >= len(text):
        raise CorruptFile(f"{what}: a YAML collection is not closed ({text[:80]!r})")
    return (pairs if closing == "}" else items), position + 1


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


def _quote_end(text: str, position: int, what: str) -> int:
    quote, end = text[position], position + 1
    while end < len(text):
        if quote == '"' and text[end] == "\\":
            end += 2
            continue
        if text[end] == quote:
            if quote == "'" and text.startswith("''", end):
                end += 2
                continue
            return end + 1
        end += 1
    raise CorruptFile(f"{what}: a quoted YAML string is not closed ({text[position:position + 80]!r})")


def _scalar(text: str, what: str) -> Any:
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        try:
            return json.loads(text)
        except ValueError:
            return text[1:-1]
    if text.startswith(("&", "*")):
        raise CorruptFile(f"{what}: YAML anchors and aliases ({text[:40]!r}) are not written by Keras")
    lowered = text.lower()
    if lowered in ("", "~", "null"):
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in SPECIAL_FLOATS:
        return SPECIAL_FLOATS[lowered]
    if INT.match(text):
        return int(text.replace("_", ""))
    if FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text.replace("_", ""))
    return text
