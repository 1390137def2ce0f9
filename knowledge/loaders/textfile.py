"""Reading staff-written text files whatever editor saved them.

Spreadsheets exported from Danish Excel are often Windows-1252, and a YAML
file may have been saved with a byte-order mark. Both must load: UTF-8 (with
or without BOM) is tried first, then Windows-1252, then Latin-1, which maps
every byte. Only binary content is refused.
"""

from __future__ import annotations


class NotTextError(ValueError):
    """The bytes are not a text file (for example a spreadsheet saved under a .csv name)."""


def decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise NotTextError("not a text file (contains NUL bytes)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
