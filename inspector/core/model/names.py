"""Names from a model file are untrusted text: a layer name may carry newlines, terminal escape
sequences or markup. `printable` is how every name reaches a terminal or a window: control characters
escaped (shown as \\n, \\x1b, ...), everything else as it is. The GUI also shows names as plain text,
never as rich text; generated code has its own sanitising (inspector.core.port.names).
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LINE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # all but \t and \n


def printable(value: Any) -> Any:
    """`value` (a string, or strings inside dicts, lists and tuples) with control characters escaped."""
    if isinstance(value, str):
        return CONTROL.sub(_escaped, value)
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(printable(v) for v in value)
    return value


def printable_lines(text: str) -> str:
    """A message of several lines: control characters escaped except the line breaks and tabs it is made of."""
    return LINE_CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")
