"""Names from an untrusted file, made safe for generated source code.

Layer and model names come from the file and may carry anything: quotes, newlines, comment
terminators, terminal escapes, code. In generated source they appear only as
- identifiers: `identifier()` keeps [A-Za-z0-9_], prefixes a letter, avoids every keyword of
  Python, JavaScript and C, and `Identifiers` makes them unique;
- comment text: `comment_text()` keeps printable ASCII minus the characters that could end a
  comment or a line in any of the three languages (`*/`, newlines, backslashes);
- string literals: `string_literal()` escapes every character outside a small safe set, so the
  literal is valid and inert in Python, JavaScript and C alike.
"""

from __future__ import annotations

import re

KEYWORDS = frozenset(
    # Python
    "False None True and as assert async await break class continue def del elif else except finally for "
    "from global if import in is lambda nonlocal not or pass raise return try while with yield "
    # JavaScript
    "arguments case catch const debugger default delete do enum eval export extends function implements "
    "instanceof interface let new null package private protected public static super switch this throw "
    "typeof var void "
    # C99
    "auto char double extern float goto inline int long register restrict short signed sizeof struct "
    "typedef union unsigned volatile main "
    # names the generated code itself uses
    "np numpy math Math WEIGHTS weights model self x h c mask state".split()
)
MAX_LENGTH = 48
_UNSAFE_COMMENT = re.compile(r"[^A-Za-z0-9 _.,:;=+#()\[\]{}<>!@$%^&|~-]")  # no quotes * / \ ? `
_SAFE_STRING = re.compile(r"[A-Za-z0-9 _.,:;=+#()\[\]{}<>!@$%^&|~-]")
_HEX = "0123456789abcdefABCDEF"


def identifier(name: str, fallback: str = "layer") -> str:
    """A valid identifier in Python, JavaScript and C derived from `name` (not yet unique)."""
    text = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_")[:MAX_LENGTH].rstrip("_")
    if not text:
        text = fallback
    if text[0].isdigit():
        text = f"{fallback}_{text}"
    if text in KEYWORDS or text.lower() in KEYWORDS or text.startswith("__"):
        text = f"{fallback}_{text.strip('_')}"
    return text


class Identifiers:
    """Hands out unique identifiers: the same name twice gets `_2`, `_3`, ..."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self.taken: set[str] = {r.lower() for r in reserved}
        self.given: dict[str, str] = {}

    def __call__(self, name: str, fallback: str = "layer") -> str:
        if name in self.given:
            return self.given[name]
        base = identifier(name, fallback)
        candidate, k = base, 2
        while candidate.lower() in self.taken:  # case-insensitive: file systems and C macros
            candidate, k = f"{base}_{k}", k + 1
        self.taken.add(candidate.lower())
        self.given[name] = candidate
        return candidate


def comment_text(name: str, limit: int = 80) -> str:
    """`name` as text that is safe inside a comment of Python, JavaScript or C."""
    text = _UNSAFE_COMMENT.sub("_", str(name))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def string_literal(name: str, limit: int = 200) -> str:
    """A double-quoted literal, valid and inert in Python, JavaScript and C."""
    out: list[str] = []
    escaped = False  # C reads \x greedily: a hex digit after an escape is escaped too
    for char in str(name)[:limit]:
        code = ord(char) if ord(char) < 0x80 else ord("_")
        plain = _SAFE_STRING.fullmatch(chr(code)) is not None and not (escaped and chr(code) in _HEX)
        out.append(chr(code) if plain else f"\\x{code:02x}")
        escaped = not plain
    return '"' + "".join(out) + '"'


def markdown_text(name: str) -> str:
    """`name` for the generated README: printable, code-span safe."""
    return "`" + comment_text(name, 120).replace("`", "'") + "`"
