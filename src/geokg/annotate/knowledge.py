"""What the annotator knows: terms to look for, and which purposes and data go with which method.

Everything comes from the project's own files: concept labels of the ontology (preferred and
alternative, English and Chinese), names of the dataset catalogue, the hand-written term list
``terms.yaml`` beside this module, and the curated method applications as examples. A set of
papers can be left out of the examples and of the datasets only they use (the benchmark's
held-out protocol).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from geokg import resources
from geokg.annotate.project import (
    ANNOTATED_SCHEMES,
    GKC,
    ConceptIndex,
    DatasetRecord,
    PaperRecord,
    concept_index,
    read_catalogue,
    read_corpus,
    read_ontology,
    read_yaml,
)
from geokg.errors import RecordError
from geokg.model.segment import Segmenter, normal_form

#: The kinds of concept the annotator suggests, as named in the ontology's schemes.
CONCEPT_KINDS = ("method", "purpose", "data type", "process")
KINDS = (*CONCEPT_KINDS, "dataset")
TERMS_FILE = Path(__file__).with_name("terms.yaml")
#: An acronym-like word of a dataset name (ERA5, CMIP6, GRACE, GLiM, BasinATLAS, Sentinel-2).
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
#: A chemical formula (TiO2), which names a quantity rather than a product.
_FORMULA = re.compile(r"(?:[A-Z][a-z]?\d*)+")
#: Below this many examples a method borrows the purposes and data of its broader concepts.
MIN_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Term:
    """A way of writing a concept or dataset: what the matcher looks for."""

    surface: str
    kind: str
    id: str
    origin: str
    """prefLabel, altLabel, catalogue name, catalogue acronym, term list."""


@dataclass
class Knowledge:
    """Terms, labels and the examples' statistics the annotator works from."""

    index: ConceptIndex
    terms: list[Term]
    labels: dict[str, dict[str, str]]
    """Concept or dataset id → language → preferred label (or name)."""
    kind_of: dict[str, str]
    datasets: dict[str, DatasetRecord]
    purposes_of: dict[str, Counter[str]] = field(default_factory=dict)
    """Method (or broader concept) → how often each purpose went with it in the examples."""
    types_of: dict[str, Counter[str]] = field(default_factory=dict)
    """Method (or broader concept) → how often each input data type went with it."""
    uses_of: Counter[str] = field(default_factory=Counter)
    """Method (or broader concept) → number of example applications."""
    example_papers: int = 0
    ignored: set[tuple[str, str]] = field(default_factory=set)
    """(surface, id) pairs the term list says mislead: a label that names the concept too rarely."""
    head_hints: dict[str, list[str]] = field(default_factory=dict)
    """Head word of an unknown term (transformer, forest) → the concepts it suggests as closest."""

    def surface_forms(self) -> list[str]:
        """Terms the segmenter should keep whole (full dataset names are left to the fuzzy
        catalogue linker, which needs their words)."""
        return [t.surface for t in self.terms if t.origin != "catalogue name"]

    def label(self, cid: str, lang: str = "en") -> str:
        names = self.labels.get(cid, {})
        return names.get(lang) or names.get("en") or cid

    def prior(self, method: str, table: str, weight: float = 2.0) -> tuple[dict[str, float], int]:
        """How often each purpose (``table="purposes"``) or input data type (``"types"``) went with
        a method in the examples, as shares, and the number of the method's own examples.

        A method's own examples are few (most are used by one paper), so its shares are smoothed
        towards those of its nearest broader concept with at least MIN_EXAMPLES examples, which
        counts as ``weight`` examples: (own count + weight x broader share) / (own examples + weight).
        """
        counts = self.purposes_of if table == "purposes" else self.types_of
        own, n = counts.get(method, Counter()), self.uses_of[method]
        broader: dict[str, float] = {}
        for concept in self._towards_top(method)[1:] if n >= 1 else self._towards_top(method):
            if self.uses_of[concept] >= MIN_EXAMPLES:
                total = self.uses_of[concept]
                broader = {k: v / total for k, v in counts.get(concept, Counter()).items()}
                break
        if not n and not broader:
            return {}, 0
        if not n:
            return broader, 0
        keys = set(own) | set(broader)
        return {k: (own.get(k, 0) + weight * broader.get(k, 0.0)) / (n + (weight if broader else 0)) for k in keys}, n

    def _towards_top(self, concept: str) -> list[str]:
        """The concept, then its broader concepts level by level."""
        order, level = [concept], [concept]
        while level:
            level = sorted({b for c in level for b in self.index.broader.get(c, ())} - set(order))
            order.extend(level)
        return order


def concept_terms(graph: Graph) -> tuple[list[Term], dict[str, dict[str, str]], dict[str, str]]:
    """Every label of every concept of the four annotated schemes."""
    terms: list[Term] = []
    labels: dict[str, dict[str, str]] = {}
    kind_of: dict[str, str] = {}
    for kind in CONCEPT_KINDS:
        for concept in graph.subjects(SKOS.inScheme, ANNOTATED_SCHEMES[kind]):
            cid = str(concept)[len(GKC) :]
            kind_of[cid] = kind
            for prop, origin in ((SKOS.prefLabel, "prefLabel"), (SKOS.altLabel, "altLabel")):
                for label in graph.objects(concept, prop):
                    if not isinstance(label, Literal):
                        continue
                    text = str(label).strip()
                    if prop == SKOS.prefLabel and label.language:
                        labels.setdefault(cid, {})[label.language] = text
                    if _usable(text):
                        terms.append(Term(text, kind, cid, origin))
    return terms, labels, kind_of


def _usable(text: str) -> bool:
    """Long enough to mean something: two Chinese characters, or three Latin letters (two in capitals)."""
    if not text.isascii():
        return len(text) >= 2
    return len(text) >= 3 or (len(text) == 2 and text.isupper())


def dataset_terms(datasets: dict[str, DatasetRecord], concept_labels: set[str] = frozenset()) -> list[Term]:  # type: ignore[assignment]
    """Dataset names in both languages, and the acronyms that name a product (ERA5, GRACE, GLiM).

    An acronym counts when the name starts with it, gives it in brackets ("Global Lithological
    Map (GLiM)") or writes it in mixed case (StagYY, cGENIE), or it is the initials of the capitalised
    words the name starts with (Randolph Glacier Inventory: RGI); and it is neither a word of a concept's label (DEM, LiDAR) nor the provider (NOAA): those
    name kinds of data or agencies, not one product. An acronym several names share (ERA5 in
    "ERA5" and "ERA5-Land") names the dataset with the shortest name, the base product.
    """
    terms = []
    owners: dict[str, list[DatasetRecord]] = {}
    for d in datasets.values():
        for text in (d.name.en, d.name.zh):
            if text:
                terms.append(Term(text, "dataset", d.id, "catalogue name"))
        for word in dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]", d.name.en)):
            camel = re.fullmatch(r"[A-Za-z0-9]{4,}", word) and re.search(r"[a-z][A-Z]", word) and not _FORMULA.fullmatch(word)
            if "-" in word and all(re.fullmatch(r"[A-Z][a-z]*", part) for part in word.split("-")):
                continue  # Early-Middle, U-Th: words and element pairs, not product names
            named = d.name.en.startswith(word) or f"({word})" in d.name.en or bool(camel)
            if named and _ACRONYM.match(word) and len(word) >= 3 and word.casefold() not in concept_labels and word != d.provider:
                owners.setdefault(word, []).append(d)
        initials = "".join(w[0] for w in re.findall(r"\b[A-Z][a-z]+\b", d.name.en.split(" version")[0]))
        if len(initials) >= 3 and re.match(r"^([A-Z][a-z]+ ){2,}", d.name.en) and initials.casefold() not in concept_labels:
            owners.setdefault(initials, []).append(d)  # Randolph Glacier Inventory → RGI
    for word, ds in owners.items():
        base = min(ds, key=lambda d: (len(d.name.en), d.id))
        terms.append(Term(word, "dataset", base.id, "catalogue acronym"))
    return terms


def listed_terms(path: Path, kind_of: dict[str, str], datasets: dict[str, DatasetRecord]) -> tuple[list[Term], dict[str, list[str]]]:
    """The hand-written term list: ``kind: {id: [surface, …]}``, and ``closest by head word: {id: [word, …]}``
    for new-term candidates; unknown ids are errors naming the entry."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise RecordError(str(path), "", "expected a mapping of kinds (method, purpose, data type, process, dataset)")
    terms: list[Term] = []
    hints: dict[str, list[str]] = {}
    for cid, surfaces in (data.pop("misleading", None) or {}).items():
        if cid not in kind_of:
            raise RecordError(str(path), f"misleading.{cid}", f"no concept or dataset {cid!r}")
        terms.extend(Term(str(s), kind_of[cid], cid, "misleading") for s in surfaces or [])
    for cid, words in (data.pop("closest by head word", None) or {}).items():
        if cid not in kind_of:
            raise RecordError(str(path), f"closest by head word.{cid}", f"no concept or dataset {cid!r}")
        for word in words or []:
            hints.setdefault(normal_form(str(word)), []).append(cid)
    for kind, entries in data.items():
        if kind not in KINDS:
            raise RecordError(str(path), str(kind), f"unknown kind; expected one of {', '.join(KINDS)}")
        for cid, surfaces in (entries or {}).items():
            known = cid in datasets if kind == "dataset" else kind_of.get(cid) == kind
            if not known:
                raise RecordError(str(path), f"{kind}.{cid}", f"no {kind} {cid!r} in the ontology or catalogue")
            if not isinstance(surfaces, list) or not all(isinstance(s, str) and s.strip() for s in surfaces):
                raise RecordError(str(path), f"{kind}.{cid}", "must be a list of terms")
            terms.extend(Term(s.strip(), kind, cid, "term list") for s in surfaces)
    return terms, hints


def learn_examples(knowledge: Knowledge, records: Iterable[PaperRecord]) -> None:
    """Count which purposes and input data types go with each method and its broader concepts."""
    for record in records:
        knowledge.example_papers += 1
        for ma in record.method_applications:
            types = {t for d in ma.inputs if d in knowledge.datasets for t in knowledge.datasets[d].data_types}
            for concept in knowledge.index.ancestors(ma.method):
                knowledge.uses_of[concept] += 1
                knowledge.purposes_of.setdefault(concept, Counter()).update(set(ma.purposes))
                knowledge.types_of.setdefault(concept, Counter()).update(types)


def build_knowledge(
    graph: Graph | None = None,
    loaders: Path | None = None,
    exclude_papers: Iterable[str] = (),
    terms_file: Path | None = TERMS_FILE,
    keep_their_datasets: bool = False,
    drop_their_concepts: bool = False,
) -> Knowledge:
    """The annotator's knowledge from the ontology, catalogue, term list and curated records.

    ``exclude_papers`` (record ids) are left out of the examples, and so are the catalogue's
    datasets that only they use (unless ``keep_their_datasets``): what the annotator would know
    before those papers were curated. ``drop_their_concepts`` also drops the labels of the concepts
    only they use (their methods, purposes, processes and data types): the strictest reading,
    as if the ontology had been written without them.
    """
    graph = graph if graph is not None else read_ontology()
    index = concept_index(graph)
    loaders = loaders or resources.loaders_dir()
    problems: list[RecordError] = []
    datasets = read_catalogue(loaders, problems).datasets
    corpus = read_corpus(loaders, index)
    excluded = set(exclude_papers)
    examples = [r for r in corpus.papers.values() if r.id not in excluded]
    if excluded and not keep_their_datasets:
        still_used = {d for r in examples for d in r.datasets}
        only_excluded = {d for r in corpus.papers.values() if r.id in excluded for d in r.datasets} - still_used
        datasets = {k: v for k, v in datasets.items() if k not in only_excluded}
    terms, labels, kind_of = concept_terms(graph)
    for d in datasets.values():
        labels[d.id] = {"en": d.name.en, **({"zh": d.name.zh} if d.name.zh else {})}
        kind_of[d.id] = "dataset"
    terms += dataset_terms(datasets, {w.casefold() for t in terms for w in re.findall(r"[A-Za-z0-9-]+", t.surface)})
    hints: dict[str, list[str]] = {}
    if terms_file is not None:
        listed, hints = listed_terms(terms_file, kind_of, datasets)
        ignored = {(t.surface, t.id) for t in listed if t.origin == "misleading"}
        terms = [t for t in terms if (t.surface, t.id) not in ignored] + [t for t in listed if t.origin != "misleading"]
    if excluded and drop_their_concepts:
        def used(records: Iterable[PaperRecord]) -> set[str]:
            return {c for r in records for c in [*r.processes, *(x for ma in r.method_applications for x in [ma.method, *ma.purposes]),
                                                 *(t for d in r.datasets if d in corpus.catalogue.datasets for t in corpus.catalogue.datasets[d].data_types)]}
        only_theirs = used(r for r in corpus.papers.values() if r.id in excluded) - used(examples)
        terms = [t for t in terms if t.id not in only_theirs]
    knowledge = Knowledge(index, terms, labels, kind_of, datasets, head_hints=hints)
    learn_examples(knowledge, examples)
    return knowledge


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    """The knowledge of the bundled ontology, catalogue and records (built once)."""
    return build_knowledge()


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """A segmenter whose dictionary knows every label of the bundled ontology and catalogue."""
    return Segmenter(default_knowledge().surface_forms())


def segment(text: str) -> list[str]:
    """Words of an English, Chinese or mixed-script text, with GeoKG's terms kept whole.

    >>> segment("哪些论文在卫星数据上使用bootstrap进行不确定性分析")[:6]
    ['哪些', '论文', '在', '卫星数据', '上', '使用']
    """
    return default_segmenter().words(text)
