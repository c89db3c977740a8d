"""Errors of GeoKG: each names what is wrong and where, for a person to act on."""

from __future__ import annotations


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
    """A SPARQL query that cannot be parsed or run, or a bad question parameter."""


class StoreUnavailable(GeoKGError):
    """The store cannot be reached or opened."""


class QueryTimeout(GeoKGError):
    """A query ran over its time limit and was stopped."""
