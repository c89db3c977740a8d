"""Linking descriptions of data to catalogued datasets by the words of their names.

A paper rarely writes a catalogue name verbatim ("Global compilation of 181 glacial erosion
rates"); it says "冰川侵蚀速率数据汇编" or "a compilation of glacial erosion rates". A dataset is
linked to a sentence that holds most of the rare words of its name (English or Chinese), each
word weighted by how few catalogue names share it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from geokg.annotate.knowledge import Knowledge
from geokg.model.segment import Segmenter

_STOP = set("of the and for from in on at by with to a an its their data dataset datasets record records".split())
#: Share of a name's word weight a sentence must hold to name the dataset.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class CatalogueLink:
    dataset: str
    score: float
    words: tuple[str, ...]


class CatalogueLinker:
    def __init__(self, knowledge: Knowledge, segmenter: Segmenter) -> None:
        self.names: dict[tuple[str, str], set[str]] = {}
        for d in knowledge.datasets.values():
            for lang, name in (("en", d.name.en), ("zh", d.name.zh)):
                if name:
                    words = {t.norm for t in segmenter.tokens(name) if _content(t.norm)}
                    if len(words) >= 2:
                        self.names[(d.id, lang)] = words
        frequency: dict[str, int] = defaultdict(int)
        for words in self.names.values():
            for w in words:
                frequency[w] += 1
        total = len(self.names) or 1
        self.weight = {w: math.log(1 + total / n) for w, n in frequency.items()}
        self.by_word: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key, words in self.names.items():
            for w in words:
                self.by_word[w].append(key)

    def links(self, words: set[str]) -> list[CatalogueLink]:
        """Datasets whose name the words of one sentence cover, best first (one per dataset)."""
        hits: dict[tuple[str, str], set[str]] = defaultdict(set)
        for w in words:
            for key in self.by_word.get(w, ()):
                hits[key].add(w)
        best: dict[str, CatalogueLink] = {}
        for key, found in hits.items():
            if len(found) < 2:
                continue
            name = self.names[key]
            # summed in a fixed order: float sums over a set would differ between runs at the threshold
            share = sum(self.weight[w] for w in sorted(found)) / sum(self.weight[w] for w in sorted(name))
            if share >= MIN_SHARE and (key[0] not in best or share > best[key[0]].score):
                best[key[0]] = CatalogueLink(key[0], round(share, 3), tuple(sorted(found)))
        return sorted(best.values(), key=lambda link: (-link.score, link.dataset))


def _content(norm: str) -> bool:
    if norm in _STOP or not re.search(r"\w", norm) or norm.isdigit():
        return False
    return len(norm) >= 2 if not norm.isascii() else len(norm) >= 3
