"""Errors of GeoKG: each names what is wrong and where, for a person to act on.

The HTTP layer maps each kind to one status (see :data:`STATUS`), in one exception handler.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable


class GeoKGError(Exception):
    """Base class of every error GeoKG raises on purpose."""


class RecordError(GeoKGError):
    """A record file that cannot be read or does not fit the record model.

    :param source: the record's file (or id) as the curator knows it
    :param field: dotted path of the offending field, or ``""`` for the whole record
    :param message: what is wrong, in words
    """

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {message}")


class ValidationFailed(GeoKGError):
    """One or more records broke the shapes; ``problems`` lists each as a RecordError."""

    def __init__(self, problems: list[RecordError]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s):\n{lines}")


class QueryError(GeoKGError):
    """A SPARQL query that cannot be parsed or run."""


class InvalidInput(GeoKGError):
    """A parameter a caller gave that does not fit (an unknown concept id, a bad year range, …)."""


class NotFound(GeoKGError):
    """Nothing is known about what was asked for (a DOI, a concept, a question)."""


class StoreUnavailable(GeoKGError):
    """The store cannot be reached or opened."""


class QueryTimeout(GeoKGError):
    """A query ran over its time limit.

    :param stopped: the store itself cancelled it (nothing is left running)
    """

    def __init__(self, message: str, *, stopped: bool = False) -> None:
        self.stopped = stopped
        super().__init__(message)


class ProtocolError(GeoKGError):
    """A request the service refuses: HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)


#: HTTP status of each kind of error (the most specific class found along the MRO wins).
STATUS: dict[type[GeoKGError], int] = {
    QueryError: 400, InvalidInput: 422, NotFound: 404, RecordError: 422, ValidationFailed: 422,
    StoreUnavailable: 503, QueryTimeout: 503,
}


def status_of(exc: GeoKGError) -> int:
    """The HTTP status for an error (500 for a kind with none)."""
    if isinstance(exc, ProtocolError):
        return exc.status
    return next((STATUS[k] for k in type(exc).__mro__ if k in STATUS), 500)


def closest(value: str, known: Iterable[str], n: int = 3) -> str:
    """The hint an "unknown X" message ends with: the known ids closest to ``value`` ("random forest"
    and "Random_Forest" find "random-forest"), or "" when none is close.

    >>> closest("random forest", ["random-forest", "gradient-boosting"])
    " (closest: 'random-forest')"
    """
    ids = sorted(set(known))
    key = re.sub(r"[\s_]+", "-", value.strip().lower())
    found = ([key] if key in ids and key != value else []) + difflib.get_close_matches(key, ids, n=n, cutoff=0.6)
    found = list(dict.fromkeys(found))[:n]
    return f" (closest: {', '.join(repr(f) for f in found)})" if found else ""
