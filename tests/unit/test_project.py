"""Projects: which folder a command uses, and a project's vocabulary extension."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from geokg import resources
from geokg.errors import InvalidInput, ValidationFailed, closest
from geokg.model.extension import read_extension
from geokg.model.ontology import concept_index, read_ontology
from geokg.model.vocab import GKC
from geokg.project import init_project
from geokg.validate.shapes import validate_graph

CONCEPT = {"id": "vision-transformer", "label": {"en": "vision transformer", "de": "Vision-Transformer"},
           "alt_labels": {"en": ["ViT"]}, "definition": {"en": "A transformer network for images."}, "broader": "deep-learning",
           "exact_match": ["https://example.org/vit"]}


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "review"
    init_project(folder)
    resources.use_project(folder)
    yield folder
    resources.use_project(None)


@pytest.fixture(scope="module")
def base() -> Graph:
    return read_ontology([resources.package_home() / "ontology" / "geodm.ttl"])


def test_a_project_is_found_from_inside_it_and_keeps_to_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "review"
    init_project(folder)
    (folder / "loaders" / "records" / "deep").mkdir()
    monkeypatch.chdir(folder / "loaders" / "records" / "deep")
    assert resources.find_project() == folder.resolve()
    assert resources.project_home() == folder.resolve()
    assert resources.loaders_dir() == folder.resolve() / "loaders"
    assert resources.ontology_file() == resources.package_home() / "ontology" / "geodm.ttl"  # GeoKG's own schema
    assert resources.vocabulary_file() == folder.resolve() / "vocabulary.yaml"
    monkeypatch.chdir(tmp_path)
    assert resources.project_home() is None and resources.loaders_dir() == resources.package_home() / "loaders"
    assert resources.vocabulary_file() is None  # the bundled corpus has no extension


def test_init_writes_the_layout_and_refuses_to_overwrite(tmp_path: Path) -> None:
    written = {p.relative_to(tmp_path / "p").as_posix() for p in init_project(tmp_path / "p")}
    assert {"geokg-project.yaml", "README.md", "vocabulary.yaml", "loaders/venues.yaml", "loaders/sources.yaml",
            "queries/papers-by-year.rq", ".github/workflows/geokg-check.yml"} <= written
    assert "geokg check" in (tmp_path / "p" / ".github" / "workflows" / "geokg-check.yml").read_text(encoding="utf-8")
    with pytest.raises(InvalidInput, match="already a GeoKG project"):
        init_project(tmp_path / "p")
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "README.md").write_text("mine", encoding="utf-8")
    with pytest.raises(InvalidInput, match="overwrite"):
        init_project(tmp_path / "q")
    assert (tmp_path / "q" / "README.md").read_text(encoding="utf-8") == "mine"


def test_the_extension_joins_the_ontology_as_skos_concepts(project: Path) -> None:
    (project / "vocabulary.yaml").write_text(yaml.safe_dump({"methods": [CONCEPT]}, allow_unicode=True), encoding="utf-8")
    graph = read_ontology()
    index = concept_index(graph)
    assert index.has("method", "vision-transformer") and "deep-learning" in index.ancestors("vision-transformer")
    node = GKC["vision-transformer"]
    assert set(graph.objects(node, SKOS.prefLabel)) == {Literal("vision transformer", lang="en"), Literal("Vision-Transformer", lang="de")}
    # GeoKG's shapes accept it without a Chinese label: the concept with the concepts above it and their
    # schemes (the whole ontology would take pySHACL seconds; `geokg check` validates it whole).
    data = Graph()
    for concept in [node, *(GKC[a] for a in index.ancestors("vision-transformer"))]:
        for p, o in graph.predicate_objects(concept):
            data.add((concept, p, o))
        for scheme in graph.objects(concept, SKOS.inScheme):
            data.add((scheme, RDF.type, SKOS.ConceptScheme))
    assert len(data) > 10 and validate_graph(data, ("concept",), "vocabulary.yaml") == []
    data.remove((node, SKOS.prefLabel, Literal("vision transformer", lang="en")))
    assert validate_graph(data, ("concept",), "vocabulary.yaml") != []  # the check can fail


def test_turtle_and_yaml_extensions_are_the_same(project: Path, base: Graph) -> None:
    from_yaml, problems = read_extension(_write(project / "v.yaml", yaml.safe_dump({"methods": [CONCEPT]})), base)
    assert problems == []
    turtle = project / "v.ttl"
    turtle.write_text(from_yaml.serialize(format="turtle"), encoding="utf-8")
    from_turtle, problems = read_extension(turtle, base)
    source = URIRef("http://purl.org/dc/terms/source")  # each names its own file
    assert problems == [] and {t for t in from_turtle if t[1] != source} == {t for t in from_yaml if t[1] != source}


@pytest.mark.parametrize(("entry", "field", "message"), [
    ({**CONCEPT, "id": "random-forest"}, "methods[1].id", "already a concept of GeoKG"),
    ({**CONCEPT, "broader": "deep-lerning"}, "methods[1].broader", "unknown method 'deep-lerning' (closest: deep-learning"),
    ({**CONCEPT, "broader": "uncertainty-quantification"}, "methods[1].broader", "unknown method"),
    ({**CONCEPT, "label": {"de": "nur Deutsch"}}, "methods[1].label.en", "required field is missing"),
    ({**CONCEPT, "definiton": {"en": "typo"}}, "methods[1].definiton", "unknown field 'definiton' (did you mean 'definition'?)"),
    ({**CONCEPT, "exact_match": ["not an iri"]}, "methods[1].exact_match[1]", "does not have the expected form"),
])
def test_a_bad_extension_entry_is_named(project: Path, base: Graph, entry: dict, field: str, message: str) -> None:  # type: ignore[type-arg]
    _, problems = read_extension(_write(project / "vocabulary.yaml", yaml.safe_dump({"methods": [entry]})), base)
    assert any(p.field == field and message in p.message for p in problems), [str(p) for p in problems]


def test_a_cycle_and_a_broken_file_are_refused(project: Path, base: Graph) -> None:
    a = {**CONCEPT, "id": "method-a", "broader": "method-b"}
    b = {**CONCEPT, "id": "method-b", "broader": "method-a"}
    _, problems = read_extension(_write(project / "vocabulary.yaml", yaml.safe_dump({"methods": [a, b]})), base)
    assert any("broader than itself" in p.message for p in problems)
    _write(project / "vocabulary.yaml", "methods: [\n")
    with pytest.raises(ValidationFailed, match="not valid YAML"):
        read_ontology()


def test_closest_known_ids() -> None:
    assert closest("random forest", ["random-forest", "gradient-boosting"]) == " (closest: 'random-forest')"
    assert closest("U-Net", ["u-net", "unet-plus"]).startswith(" (closest: 'u-net'")
    assert closest("zzz", ["random-forest"]) == ""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
