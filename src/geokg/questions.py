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

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geokg import resources
from geokg.errors import QueryError
from geokg.ontology import ConceptIndex
from geokg.to_rdf import Iris
from geokg.vocab import GKC

CONCEPT_TYPES = {
    "method": "method",
    "purpose": "purpose",
    "data-type": "data type",
    "process": "process",
    "category": "",
    "technique": "technique",
    "dataset-role": "dataset role",
    "platform": "platform",
    "instrument": "instrument",
    "geologic-time": "geologic time",
    "body": "body",
}
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
        raise QueryError(f"question {self.name!r} has no parameter {name!r}")


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
    """All named questions of a folder (default: the bundled ``queries/``), by name."""
    return _catalogue(str(folder or resources.queries_dir()))


def _term(param: Param, value: str, index: ConceptIndex, iris: Iris) -> str:
    if param.type in CONCEPT_TYPES:
        concept = value.removeprefix("gkc:").removeprefix(str(GKC))
        scheme = CONCEPT_TYPES[param.type]
        known = index.has(scheme, concept) if scheme else concept in index.notation.values()
        if not known:
            raise QueryError(f"parameter ?{param.name}: {value!r} is not a concept of the {param.type} scheme")
        return f"<{GKC[concept]}>"
    if param.type in ("journal", "dataset"):
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", value):
            raise QueryError(f"parameter ?{param.name}: {value!r} is not a {param.type} id")
        return f"<{iris.journal(value) if param.type == 'journal' else iris.dataset(value)}>"
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise QueryError(f"parameter ?{param.name}: {value!r} is not an integer")
        return str(int(value))
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


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

    Unknown parameter names and values of the wrong type raise :class:`QueryError`.
    """
    iris = iris or Iris()
    names = {p.name for p in question.params}
    for name in values:
        if name not in names:
            raise QueryError(f"question {question.name!r} has no parameter {name!r}")
    text = question.text
    for param in question.params:
        value = values.get(param.name, param.default)
        if value is None:
            raise QueryError(f"question {question.name!r} needs a value for parameter {param.name!r}")
        line = f"  VALUES ?{param.name} {{ {_term(param, value, index, iris)} }}"
        text = _VALUES(param.name).sub(lambda _: line, text, count=1)
    return text
