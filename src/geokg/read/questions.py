"""Named questions: ``queries/*.rq`` with a comment header, run with bound parameters.

Header lines (at the top of the file)::

    # title: Papers that use a method for a purpose on a data type
    # description: ...
    # param: ?method method
    # returns: ?paper ?doi ?title

A parameter has a type (a concept scheme: method, purpose, data-type, process, category;
or journal, dataset, integer, string). Its default is the query's own ``VALUES ?method { … }``
line, so every file runs as it is (in any SPARQL client). Binding replaces that line with a
value checked against the type and written as a serialised term: values are never pasted into
the query text as given.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geokg import resources
from geokg.errors import InvalidInput, NotFound, QueryError, closest
from geokg.model.ontology import ConceptIndex, default_index
from geokg.model.vocab import GKC, SCHEMES, Iris
from geokg.store.results import rows
from geokg.store.sparql import iri, literal

if TYPE_CHECKING:
    from geokg.read.context import Reader

#: Parameter types: a concept scheme's key (see :data:`geokg.model.vocab.SCHEMES`), ``category``
#: (a report section), or one of :data:`OTHER_TYPES`.
CONCEPT_TYPES = {**{s.key: s.key for s in SCHEMES}, "category": ""}
OTHER_TYPES = ("journal", "dataset", "integer", "string")
_PARAM = re.compile(r"^\?(?P<name>[A-Za-z_]\w*)\s+(?P<type>[\w-]+)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None


@dataclass(frozen=True)
class Question:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    text: str
    path: Path

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise InvalidInput(f"question {self.name!r} has no parameter {name!r}")


def parse_question(path: Path) -> Question:
    """Read a ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        value = value.strip()
        if key == "param":
            match = _PARAM.match(value)
            if not match:
                raise QueryError(f"{path.name}: malformed param line {value!r}")
            ptype = match["type"]
            if ptype not in CONCEPT_TYPES and ptype not in OTHER_TYPES:
                raise QueryError(f"{path.name}: parameter ?{match['name']} has unknown type {ptype!r}")
            default = _VALUES(match["name"]).search(text)
            if not default:
                raise QueryError(f"{path.name}: parameter ?{match['name']} has no 'VALUES ?{match['name']} {{ default }}' line")
            params.append(Param(match["name"], ptype, _local_value(default["term"].strip())))
        elif key in ("title", "description", "returns"):
            meta[key] = (meta.get(key, "") + " " + value).strip()
    if "title" not in meta:
        raise QueryError(f"{path.name}: header has no '# title:' line")
    returns = tuple(v.lstrip("?") for v in meta.get("returns", "").split())
    return Question(path.stem, meta["title"], meta.get("description", ""), tuple(params), returns, text, path)


@lru_cache(maxsize=1)
def _catalogue(folder: str) -> dict[str, Question]:
    return {p.stem: parse_question(p) for p in sorted(Path(folder).glob("*.rq"))}


def questions(folder: Path | None = None) -> dict[str, Question]:
    """All named questions of a folder (default: GeoKG's ``queries/`` and the project's own), by name."""
    if folder is not None:
        return _catalogue(str(folder))
    project = resources.project_queries_dir()
    return {**_catalogue(str(resources.queries_dir())), **(_catalogue(str(project)) if project else {})}


def _term(param: Param, value: str, index: ConceptIndex, iris: Iris) -> str:
    if param.type in CONCEPT_TYPES:
        concept = value.removeprefix("gkc:").removeprefix(str(GKC))
        scheme = CONCEPT_TYPES[param.type]
        known = index.has(scheme, concept) if scheme else concept in index.notation.values()
        if not known:
            known_ids = index.by_scheme.get(scheme, frozenset()) if scheme else index.notation.values()
            raise InvalidInput(f"parameter ?{param.name}: {value!r} is not a concept of the {param.type} scheme" + closest(value, known_ids))
        return iri(str(GKC[concept]))
    if param.type in ("journal", "dataset"):
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", value):
            raise InvalidInput(f"parameter ?{param.name}: {value!r} is not a {param.type} id")
        return iri(str(iris.journal(value) if param.type == "journal" else iris.dataset(value)))
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise InvalidInput(f"parameter ?{param.name}: {value!r} is not an integer")
        return str(int(value))
    return literal(value)


def _VALUES(name: str) -> re.Pattern[str]:
    return re.compile(rf"^[ \t]*VALUES[ \t]+\?{name}[ \t]*\{{(?P<term>[^}}\n]*)\}}[ \t]*$", re.MULTILINE)


def _local_value(term: str) -> str:
    """The default as a user would type it: a concept or catalogue id, a number, or text."""
    if term.startswith("gkc:"):
        return term[4:]
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1].rstrip("/").rsplit("/", 1)[-1]
    if term.startswith('"') and term.endswith('"'):
        return term[1:-1]
    return term


def bind(question: Question, values: dict[str, str], index: ConceptIndex, iris: Iris | None = None) -> str:
    """Return the question's SPARQL with each parameter bound by a VALUES block.

    Unknown parameter names and values of the wrong type raise :class:`InvalidInput`.
    """
    iris = iris or Iris()
    names = {p.name for p in question.params}
    for name in values:
        if name not in names:
            raise InvalidInput(f"question {question.name!r} has no parameter {name!r}")
    text = question.text
    for param in question.params:
        value = values.get(param.name, param.default)
        if value is None:
            raise InvalidInput(f"question {question.name!r} needs a value for parameter {param.name!r}")
        line = f"  VALUES ?{param.name} {{ {_term(param, value, index, iris)} }}"
        text = _VALUES(param.name).sub(line.replace("\\", "\\\\"), text, count=1)
    return text


def question(name: str) -> Question:
    """A named question of the bundled ``queries/`` by name.

    :raises NotFound: there is none of that name (the message lists the closest names)
    """
    named = questions()
    if name not in named:
        close = difflib.get_close_matches(name, list(named), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see /questions or `geokg questions`"
        raise NotFound(f"no question {name!r}{hint}")
    return named[name]


def run(reader: Reader, name: str, values: dict[str, str]) -> dict[str, Any]:
    """Run a named question with bound parameters; the rows as plain values."""
    q = question(name)
    text = bind(q, values, default_index(), reader.iris)
    return {"name": name, "title": q.title, "params": {p.name: values.get(p.name, p.default) for p in q.params},
            "rows": rows(reader.store.query(text))}


#: How SPARQL text begins (after comments): a prologue or a query form.
_SPARQL_START = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)


def query_kind(query: str) -> str:
    """What the ``query`` argument of ``geokg query`` is: ``file``, ``question`` (a name), ``sparql`` or ``words``.

    :raises NotFound: a missing .rq file, or a name close to a question's but not one (with the closest names)
    """
    if query.endswith(".rq"):
        if not Path(query).is_file():
            raise NotFound(f"no such query file: {query}")
        return "file"
    if query in questions():
        return "question"
    if _SPARQL_START.match(query):
        return "sparql"
    if re.fullmatch(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+", query.strip()):
        raise NotFound(f"unknown question {query!r}{closest(query, questions())}; `geokg questions` lists them")
    return "words"


def resolve_query(query: str, values: dict[str, str], iris: Iris) -> str:
    """Runnable SPARQL for a ``.rq`` path, a question name, or literal SPARQL (see :func:`query_kind`)."""
    kind = query_kind(query)
    if kind == "file":
        return bind(parse_question(Path(query)), values, default_index(), iris)
    if kind == "question":
        return bind(questions()[query], values, default_index(), iris)
    if values:
        raise InvalidInput("--param only applies to a named question or a .rq file")
    return query
