"""Assisted-annotation benchmark: precision, recall and F1 of `geokg annotate`, and its throughput.

Held-out protocol (written down and committed before the first measurement):

1. Papers are the curated records of ``loaders/records``, sorted by id. The held-out set is
   ``sorted(random.Random(HELD_OUT_SEED).sample(ids, len(ids) // 3))`` with ``HELD_OUT_SEED = 17``:
   11 of the 35 papers. The other 24 are the tuning papers.
2. For set (b) the annotator is built from a knowledge base without the held-out records: no
   examples from them (method/purpose/data co-occurrence), and the catalogue datasets that only
   held-out records use are removed (they were catalogued from those records). The base ontology
   (every concept with all its labels) stays, and so does the hand-written term list of the
   annotator, which is written only from the tuning papers' cells and records.
3. Nothing is tuned on set (b): the quality report lists the misses of tuning papers only; the
   held-out misses are printed only with ``--show-held-out``, which is not used while tuning.
4. Scoring, per paper, micro-averaged over papers: a concept is (kind, id) with kinds method,
   purpose, data type, dataset and process, counted right only on an exact id. An application is
   the triple (method, purpose, data type) — the unit the named question
   papers-by-method-purpose-datatype asks about; a curated application yields every triple of its
   method, its purposes and the data types of its inputs.
5. Set (a): every paper's appendix cells (title, one-line summary, question, data, methods,
   conclusions and summary columns; a row that lists several papers describes its first paper, the
   later ones get only their own title and one-line summary) against its curated record, with the
   full knowledge base. Set (b): the same inputs of the 11 held-out papers, with the reduced one.
"""

from __future__ import annotations

import random

HELD_OUT_SEED = 17


def held_out(ids: list[str]) -> list[str]:
    """The fixed random third of the papers that nothing is tuned on."""
    ordered = sorted(ids)
    return sorted(random.Random(HELD_OUT_SEED).sample(ordered, len(ordered) // 3))
