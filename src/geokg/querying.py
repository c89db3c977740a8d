"""Turn what a user typed into SPARQL text: a file, a named question, or SPARQL itself."""

from __future__ import annotations

from pathlib import Path

from geokg.errors import QueryError
from geokg.ontology import default_index
from geokg.questions import bind, parse_question, questions
from geokg.settings import Settings
from geokg.to_rdf import Iris


def resolve_query(query: str, values: dict[str, str], settings: Settings) -> str:
    """Return runnable SPARQL for a ``.rq`` path, a question name, or literal SPARQL."""
    path = Path(query)
    if query.endswith(".rq") and path.is_file():
        question = parse_question(path)
    elif query in questions():
        question = questions()[query]
    elif values:
        raise QueryError("--param only applies to a named question or a .rq file")
    else:
        return query
    return bind(question, values, default_index(), Iris(settings.base_iri))
