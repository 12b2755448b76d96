"""HDF5 files whose writer has not closed them: still open in a training run, or left behind by one.

HDF5 marks a file "open for write" in its superblock when a writer opens it and keeps the end-of-file
address there up to date only when it flushes or closes. A file copied or committed while its writer
was running therefore says it is open for write and may claim to end long before its last byte (a
weights file of 156,552 bytes whose superblock says 2,048). HDF5 then refuses every object past that
address, or (superblock version 2 and 3) the whole file.

`corrected(head, size)` gives the superblock as a closed file would have it - flags cleared, end of file
at the real size, checksum recomputed - and the reason, or None when the file looks closed. The caller
opens a corrected copy in memory; the file itself is never written. Whether the objects are intact is
for HDF5 to say when the copy is read. Layout: the HDF5 file format specification, section "Superblock".
"""

from __future__ import annotations

import struct

SIGNATURE = b"\x89HDF\r\n\x1a\n"
HEAD_BYTES = 96  # every superblock version with 8-byte offsets fits
OPEN_FOR_WRITE = "the file is marked as still open for writing (a program writing it is running or never closed it)"


def corrected(head: bytes, size: int) -> tuple[bytes, str] | None:
    """(corrected superblock bytes, same length as `head`, the reason) or None if nothing to correct."""
    if not head.startswith(SIGNATURE) or len(head) < 16:
        return None
    version = head[8]
    if version in (0, 1):
        return _old_superblock(head, size, version)
    if version in (2, 3):
        return _new_superblock(head, size)
    return None


def _old_superblock(head: bytes, size: int, version: int) -> tuple[bytes, str] | None:
    offset_size = head[13]
    flags_at, addresses_at = 20, 24 if version == 0 else 28
    eof_at = addresses_at + 2 * offset_size
    if offset_size not in (4, 8) or len(head) < eof_at + offset_size:
        return None
    flags = struct.unpack_from("<I", head, flags_at)[0]
    eof = int.from_bytes(head[eof_at:eof_at + offset_size], "little")
    if not flags and eof >= size:
        return None
    fixed = bytearray(head)
    struct.pack_into("<I", fixed, flags_at, 0)
    fixed[eof_at:eof_at + offset_size] = max(eof, size).to_bytes(offset_size, "little")
    return bytes(fixed), _reason(flags, eof, size)


def _new_superblock(head: bytes, size: int) -> tuple[bytes, str] | None:
    offset_size = head[9]
    eof_at, checksum_at = 12 + 2 * offset_size, 12 + 4 * offset_size
    if offset_size not in (4, 8) or len(head) < checksum_at + 4:
        return None
    flags = head[11]
    eof = int.from_bytes(head[eof_at:eof_at + offset_size], "little")
    if not flags and eof >= size:
        return None
    fixed = bytearray(head)
    fixed[11] = 0
    fixed[eof_at:eof_at + offset_size] = max(eof, size).to_bytes(offset_size, "little")
    struct.pack_into("<I", fixed, checksum_at, lookup3(bytes(fixed[:checksum_at])))
    return bytes(fixed), _reason(flags, eof, size)


def _reason(flags: int, eof: int, size: int) -> str:
    if eof < size:
        return (f"{OPEN_FOR_WRITE if flags else 'the file was not closed by the program that wrote it'}; "
                f"its header says it ends at byte {eof:,} but it holds {size:,}")
    return OPEN_FOR_WRITE


def _rotate(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & 0xFFFFFFFF


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    for shift_a, shift_b, shift_c in ((4, 6, 8), (16, 19, 4)):
        a = ((a - c) & 0xFFFFFFFF) ^ _rotate(c, shift_a)
        c = (c + b) & 0xFFFFFFFF
        b = ((b - a) & 0xFFFFFFFF) ^ _rotate(a, shift_b)
        a = (a + c) & 0xFFFFFFFF
        c = ((c - b) & 0xFFFFFFFF) ^ _rotate(b, shift_c)
        b = (b + a) & 0xFFFFFFFF
    return a, b, c


def _final(a: int, b: int, c: int) -> int:
    steps = ((2, 1, 14), (0, 2, 11), (1, 0, 25), (2, 1, 16), (0, 2, 4), (1, 0, 14), (2, 1, 24))
    words = [a, b, c]
    for target, source, bits in steps:
        words[target] = ((words[target] ^ words[source]) - _rotate(words[source], bits)) & 0xFFFFFFFF
    return words[2]


def lookup3(data: bytes, initial: int = 0) -> int:
    """Bob Jenkins's lookup3 hash (hashlittle), which HDF5 uses for its metadata checksums."""
    a = b = c = (0xDEADBEEF + len(data) + initial) & 0xFFFFFFFF
    if not data:
        return c
    position = 0
    while len(data) - position > 12:
        x, y, z = struct.unpack_from("<III", data, position)
        a, b, c = _mix((a + x) & 0xFFFFFFFF, (b + y) & 0xFFFFFFFF, (c + z) & 0xFFFFFFFF)
        position += 12
    x, y, z = struct.unpack("<III", data[position:].ljust(12, b"\0"))
    return _final((a + x) & 0xFFFFFFFF, (b + y) & 0xFFFFFFFF, (c + z) & 0xFFFFFFFF)


def readable_source(path: str) -> tuple[str | bytes, str]:
    """(path, "") for a closed file; (the file's bytes with a corrected superblock, the reason) otherwise."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
        size = handle.seek(0, 2)
        found = corrected(head, size)
        if found is None:
            return path, ""
        handle.seek(0)
        data = bytearray(handle.read())
    fixed, reason = found
    data[:len(fixed)] = fixed
    return bytes(data), reason
