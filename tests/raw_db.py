"""Read every table of a database with plain SQL, bypassing the ORM."""

import base64
import binascii
import contextlib
import re
import zlib

from django.db import connections


def all_cell_bytes(alias: str = "default"):
    """Yield (table, raw cell as bytes) for every non-null cell of every table."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for cell in row:
                    if cell is None:
                        continue
                    if isinstance(cell, (bytes, bytearray, memoryview)):
                        yield table, bytes(cell)
                    else:
                        yield table, str(cell).encode("utf-8")


def tables_containing(needle: str, alias: str = "default") -> set[str]:
    target = needle.encode("utf-8")
    folded = needle.lower().encode("utf-8")
    return {
        table for table, cell in all_cell_bytes(alias) if target in cell or folded in cell.lower()
    }


# Runs of base64 (standard or URL-safe, padded or not): long enough to hold a word.
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{12,}={0,2}")


def _inflate(data: bytes) -> bytes | None:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return None


def _unbase64(run: bytes) -> list[bytes]:
    run = run.rstrip(b"=")
    padded = run + b"=" * (-len(run) % 4)
    decoded = []
    for alphabet in (b"+/", b"-_"):
        with contextlib.suppress(binascii.Error, ValueError):
            decoded.append(base64.b64decode(padded, altchars=alphabet, validate=True))
    return decoded


def decoded_forms(cell: bytes, depth: int = 3) -> list[bytes]:
    """The cell and whatever it encodes: every base64 run in it decoded (both
    alphabets, at every offset a Django signed value can start), and anything
    zlib-compressed inflated, to ``depth`` levels. A session row is
    ``base64(zlib(json))`` after a leading dot, readable without any key."""
    forms = [cell]
    inflated = _inflate(cell)
    if inflated is not None:
        forms.append(inflated)
    if depth == 0:
        return forms
    for run in _BASE64_RUN.findall(cell):
        # base64 decodes in groups of four: try each alignment of the run.
        for offset in range(4):
            for decoded in _unbase64(run[offset:]):
                forms.extend(decoded_forms(decoded, depth - 1))
    return forms


def all_decoded_cell_bytes(alias: str = "default"):
    """Like ``all_cell_bytes``, with every encoded form each cell holds."""
    for table, cell in all_cell_bytes(alias):
        for form in decoded_forms(cell):
            yield table, form


def tables_holding(needles: dict[str, bytes], alias: str = "default") -> dict[str, set[str]]:
    """label -> tables where the needle is in a cell or anything a cell encodes
    (compared case-insensitively, as a surname may be stored in any case)."""
    found: dict[str, set[str]] = {}
    folded = {label: needle.lower() for label, needle in needles.items()}
    for table, form in all_decoded_cell_bytes(alias):
        lowered = form.lower()
        for label, needle in folded.items():
            if needle in lowered:
                found.setdefault(label, set()).add(table)
    return found
