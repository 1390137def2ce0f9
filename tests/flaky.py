"""Random platform failures, for the fake platform servers in the chaos benchmark.

A share of the calls of a method is answered 503 (Service Unavailable) and a
share 429 (rate limited, with a wait in seconds); the rest go through. Seeded,
so a run can be repeated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

UNAVAILABLE = 503
RATE_LIMITED = 429


@dataclass
class Flakiness:
    unavailable: float
    rate_limited: float
    retry_after: float = 1.0
    seed: int = 15
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self) -> int | None:
        """The HTTP status this call fails with, or None when it goes through."""
        value = self._random.random()
        if value < self.unavailable:
            return UNAVAILABLE
        if value < self.unavailable + self.rate_limited:
            return RATE_LIMITED
        return None
