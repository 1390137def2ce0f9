"""Yes/no fields that staff write in any knowledge file: ``historical`` and ``gap``.

``gap: yes`` marks a record that tells what the knowledge does *not* know
("we have not found the tender plan; ask Indkøb og Udbud"). The bot still
shows it, but hands the question to a person, because a record like that is
not an answer.
"""

from __future__ import annotations

GAP_KEY = "gap"

_YES = frozenset({"yes", "ja", "true", "sand"})
_NO = frozenset({"no", "nej", "false", "falsk"})


def yes_no(raw: str) -> bool | None:
    """True for yes/ja/true, False for no/nej/false (any case), None for anything else."""
    answer = raw.strip().casefold()
    return True if answer in _YES else False if answer in _NO else None


def problem(key: str, raw: str) -> str:
    return f"'{key}' must be yes or no, not {raw!r}"
