"""Pseudonyms for askers and redaction of contact details in exported text.

Staff never see a platform handle: an asker is ``asker-`` plus the start of
an HMAC of platform and user id under a per-installation secret (stored in
the database, so every worker derives the same pseudonym). The full HMAC is
the lookup key that joins an asker's questions; the secret never leaves the
database.
"""

from __future__ import annotations

import hashlib
import hmac
import re

SECRET_KEY = "pseudonym_secret"
REDACTED = "[…]"

_CONTACT_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail address
    re.compile(r"(?<!\w)@\w{2,}"),  # @handle
    re.compile(r"\b\d{6}-?\d{4}\b"),  # CPR number
    re.compile(r"(?<![\w-])\+?\d[\d \-]{6,}\d\b"),  # phone number
)


class Pseudonyms:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def key(self, platform: str, user_id: str) -> str:
        message = f"{platform}:{user_id}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()


def reference(asker_key: str | None) -> str | None:
    """What staff see for an asker (``asker-7f3a9c``); ``None`` once erased."""
    return f"asker-{asker_key[:6]}" if asker_key else None


def redact_contacts(text: str) -> str:
    """``text`` with e-mail addresses, handles, CPR and phone numbers replaced by ``[…]``."""
    for pattern in _CONTACT_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text
