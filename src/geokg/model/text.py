"""Text normalised for matching labels: the same rule for lookup, questions and link suggestions."""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str:
    """Case-, width- and accent-insensitive form; hyphens, underscores and dots count as spaces.

    >>> normalise("Random-Forests  Müller")
    'random forests muller'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[-_./()]", " ", text).split())
