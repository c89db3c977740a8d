"""The side index in one SQLite file: papers, facet keys, kept counts and a full-text index.

Every write is one transaction; readers (one connection per thread, WAL journal) never see half
a write. A paper's counts are stored with it, so replacing or removing it takes exactly its old
share away.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geokg.index.facts import PaperFacts
from geokg.index.keys import Context, count_keys, facet_keys
from geokg.index.text import index_tokens, match_expression
from geokg.model.records import normalise_doi

#: Bumped when the schema or the keys change: an index of another version is rebuilt.
VERSION = "3"
TEXT_PARTS = ("title", "summary", "question", "findings")
#: Most of the index file each connection reads through a memory map.
MMAP_BYTES = 1 << 31

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS papers(
  id INTEGER PRIMARY KEY, graph TEXT UNIQUE NOT NULL, iri TEXT NOT NULL, doi TEXT, doi_norm TEXT, title TEXT,
  titles TEXT, issued TEXT, year INTEGER, journal TEXT, checksum TEXT);
-- what lists rarely need, apart: narrow paper rows make sorting and joining thousands of them cheap
CREATE TABLE IF NOT EXISTS shares(id INTEGER PRIMARY KEY, counts TEXT NOT NULL, texts TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS papers_doi ON papers(doi_norm);
CREATE INDEX IF NOT EXISTS papers_order ON papers(issued DESC, iri);
CREATE INDEX IF NOT EXISTS papers_iri ON papers(iri);
CREATE INDEX IF NOT EXISTS papers_year ON papers(year);
CREATE TABLE IF NOT EXISTS keys(key TEXT NOT NULL, paper INTEGER NOT NULL, PRIMARY KEY(key, paper)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_paper ON keys(paper);
CREATE TABLE IF NOT EXISTS counts(key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names(kind TEXT, id TEXT, name TEXT, PRIMARY KEY(kind, id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5({", ".join(TEXT_PARTS)}, tokenize='porter unicode61 remove_diacritics 2');
"""

#: Sort orders of paper lists: SQL ORDER BY, stable (ties by IRI).
SORTS = {"newest": "p.issued DESC, p.iri", "oldest": "p.issued IS NULL, p.issued, p.iri", "title": "p.title COLLATE NOCASE, p.iri"}


#: When the request being answered must be done (``time.monotonic()``): index reads still running
#: then are interrupted (``sqlite3.OperationalError: interrupted``, a 503 to the client). Writes are
#: never interrupted: the index must stay in step with the store.
DEADLINE: ContextVar[float | None] = ContextVar("geokg_index_deadline", default=None)


def _past_deadline() -> int:
    deadline = DEADLINE.get()
    return 1 if deadline is not None and time.monotonic() > deadline else 0


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]


class SideIndex:
    """The index file (``None``: in memory, for tests and the CLI over a memory store)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._uri = f"file:{path}" if path else f"file:geokg-index-{uuid.uuid4().hex}?mode=memory&cache=shared"
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._generation = 0
        self._memo: OrderedDict[tuple[int, str, tuple[Any, ...]], Any] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._keep = self._connect()  # an in-memory database lives as long as one connection does
        with self._keep:
            self._keep.executescript(_SCHEMA)
        if self.version() not in (None, VERSION):  # another schema: start afresh (reconciling fills it again)
            with self._keep:
                for (table,) in self._keep.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'text_%'").fetchall():
                    self._keep.execute(f"DROP TABLE IF EXISTS {table}")
                self._keep.executescript(_SCHEMA)
        self._set_meta("version", VERSION)

    # --- connections -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.set_progress_handler(_past_deadline, 1000)
        if self.path:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Reads through the memory map (pages shared by every connection and process) instead of a
            # read call per page: joins over thousands of papers run about five times faster.
            conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            conn.execute("PRAGMA cache_size=-16384")
        return conn

    @property
    def db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            unlimited = DEADLINE.set(None)
            db = self.db
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                with self._memo_lock:
                    self._generation += 1
            finally:
                DEADLINE.reset(unlimited)

    def _set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def version(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return str(row[0]) if row else None

    # --- writes --------------------------------------------------------------------------

    def clear(self) -> None:
        with self._transaction() as db:
            for table in ("papers", "shares", "keys", "counts", "text"):
                db.execute(f"DELETE FROM {table}")

    def set_names(self, kind: str, names: dict[str, str]) -> None:
        """The names of the catalogue's journals or datasets (shown in lists instead of ids)."""
        with self._transaction() as db:
            db.execute("DELETE FROM names WHERE kind = ?", (kind,))
            db.executemany("INSERT INTO names VALUES (?, ?, ?)", [(kind, i, n) for i, n in sorted(names.items())])

    def write(self, papers: Iterable[PaperFacts], ctx: Context, drop: Iterable[str] = ()) -> None:
        """Replace (or add) papers by graph and drop others, in one transaction."""
        with self._transaction() as db:
            delta: Counter[str] = Counter()
            for graph in drop:
                self._remove(db, graph, delta)
            for facts in papers:
                self._remove(db, facts.graph, delta)
                self._add(db, facts, ctx, delta)
            self._apply(db, delta)

    def _remove(self, db: sqlite3.Connection, graph: str, delta: Counter[str]) -> None:
        row = db.execute("SELECT p.id, s.counts FROM papers p JOIN shares s ON s.id = p.id WHERE p.graph = ?", (graph,)).fetchone()
        if row is None:
            return
        delta.subtract(json.loads(row["counts"]))
        db.execute("DELETE FROM shares WHERE id = ?", (row["id"],))
        db.execute("DELETE FROM keys WHERE paper = ?", (row["id"],))
        db.execute("DELETE FROM text WHERE rowid = ?", (row["id"],))
        db.execute("DELETE FROM papers WHERE id = ?", (row["id"],))

    def _add(self, db: sqlite3.Connection, facts: PaperFacts, ctx: Context, delta: Counter[str]) -> None:
        facets = facet_keys(facts, ctx)
        counts = count_keys(facts, ctx, facets)
        delta.update(counts)
        cursor = db.execute(
            "INSERT INTO papers(graph, iri, doi, doi_norm, title, titles, issued, year, journal, checksum)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (facts.graph, facts.iri, facts.doi, normalise_doi(facts.doi), facts.title.get("en") or next(iter(facts.title.values()), ""),
             json.dumps(facts.title, ensure_ascii=False), facts.issued, facts.year, facts.journal, facts.checksum))
        paper = cursor.lastrowid
        db.execute("INSERT INTO shares VALUES (?, ?, ?)", (paper, json.dumps(counts, ensure_ascii=False, separators=(",", ":")),
                                                            json.dumps(facts.texts, ensure_ascii=False)))
        db.executemany("INSERT INTO keys VALUES (?, ?)", ((k, paper) for k in facets))
        db.execute(f"INSERT INTO text(rowid, {', '.join(TEXT_PARTS)}) VALUES (?, ?, ?, ?, ?)",
                   (paper, *(index_tokens(" ".join(facts.texts.get(part, []))) for part in TEXT_PARTS)))

    @staticmethod
    def _apply(db: sqlite3.Connection, delta: Counter[str]) -> None:
        changes = [(k, n) for k, n in delta.items() if n]
        db.executemany("INSERT INTO counts VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET n = n + excluded.n", changes)
        db.execute("DELETE FROM counts WHERE n <= 0")

    # --- reads ---------------------------------------------------------------------------

    def checksums(self) -> dict[str, str]:
        """The checksum of every indexed paper graph (to compare with the store's)."""
        return {r["graph"]: r["checksum"] or "" for r in self.db.execute("SELECT graph, checksum FROM papers")}

    def names(self, kind: str) -> dict[str, str]:
        return {r["id"]: r["name"] for r in self.db.execute("SELECT id, name FROM names WHERE kind = ?", (kind,))}

    def journal_names(self) -> dict[str, str]:
        return self.names("journal")

    def checksum(self, graph: str) -> str:
        """The checksum of one indexed paper graph ("" if unknown)."""
        row = self.db.execute("SELECT checksum FROM papers WHERE graph = ?", (graph,)).fetchone()
        return str(row[0] or "") if row else ""

    def paper_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM papers").fetchone()[0])

    def by_doi(self, doi: str) -> sqlite3.Row | None:
        """The paper with a DOI (compared case-insensitively): its IRI, graph and checksum."""
        if not normalise_doi(doi):
            return None  # papers without a DOI are indexed with an empty one
        row: sqlite3.Row | None = self.db.execute("SELECT iri, graph, checksum, doi, title, titles, issued FROM papers WHERE doi_norm = ? ORDER BY id LIMIT 1",
                                                  (normalise_doi(doi),)).fetchone()
        return row

    def by_iri(self, iri: str) -> sqlite3.Row | None:
        """The paper with an IRI: its IRI, graph and checksum (as :meth:`by_doi`)."""
        row: sqlite3.Row | None = self.db.execute("SELECT iri, graph, checksum, doi, title, titles, issued FROM papers WHERE iri = ? LIMIT 1",
                                                  (iri,)).fetchone()
        return row

    def counts(self, prefix: str) -> dict[str, int]:
        """Every kept count whose key starts with ``prefix`` (the prefix taken off)."""
        found = self.db.cursor()
        found.row_factory = None  # plain tuples: thousands of rows (method pairs) read several times faster
        found.execute("SELECT substr(key, ?), n FROM counts WHERE key >= ? AND key < ?", (len(prefix) + 1, prefix, prefix + "\uffff"))
        return dict(found.fetchall())

    def top_counts(self, prefix: str, at_least: int, limit: int | None = None) -> tuple[int, list[tuple[str, int]]]:
        """How many kept counts under ``prefix`` reach ``at_least``, and the largest ``limit`` of them (with
        every count tied with the last, for the caller's own order of ties), largest first."""
        found = self.db.cursor()
        found.row_factory = None
        span = (prefix, prefix + "\uffff", at_least)
        total = int(found.execute("SELECT COUNT(*) FROM counts WHERE key >= ? AND key < ? AND n >= ?", span).fetchone()[0])
        if limit is None:
            return total, found.execute("SELECT substr(key, ?), n FROM counts WHERE key >= ? AND key < ? AND n >= ? ORDER BY n DESC",
                                        (len(prefix) + 1, *span)).fetchall()
        top: list[tuple[str, int]] = found.execute("SELECT substr(key, ?), n FROM counts WHERE key >= ? AND key < ? AND n >= ? "
                                                   "ORDER BY n DESC LIMIT ?", (len(prefix) + 1, *span, limit)).fetchall()
        if len(top) == limit and limit:
            last = top[-1][1]
            top = [t for t in top if t[1] > last] + found.execute("SELECT substr(key, ?), n FROM counts WHERE key >= ? AND key < ? AND n = ?",
                                                                  (len(prefix) + 1, prefix, prefix + "\uffff", last)).fetchall()
        return total, top

    def count(self, key: str) -> int:
        row = self.db.execute("SELECT n FROM counts WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def search(self, all_keys: list[str], *, any_keys: list[str] | None = None, year_from: int | None = None,
               year_to: int | None = None, text: str | None = None, any_words: bool = False, sort: str = "newest",
               limit: int = 20, offset: int = 0) -> Page:
        """Papers holding every key of ``all_keys`` (and one of ``any_keys``), in the years, matching the
        words; one page in the chosen order (``relevance`` needs words), with the total."""
        found = self._matching(all_keys, any_keys, year_from, year_to, text, any_words)
        if found is None:
            return Page(0, [])
        total = self._total(found)
        if sort == "relevance" and found.match:
            # best match first: the text index's rank, so its rows drive
            sql = (f"SELECT p.id FROM papers p JOIN (SELECT rowid, rank FROM text WHERE text MATCH ?) t ON t.rowid = p.id "
                   f"WHERE {found.where('join')} ORDER BY t.rank, p.iri LIMIT ? OFFSET ?")
            params: list[str | int] = [found.match, *found.params("join")]
        elif sort == "newest" and walks(offset + limit, self.count("papers"), total, found.driver_size):
            sql = f"SELECT p.id FROM papers p INDEXED BY papers_order WHERE {found.where('probe')} ORDER BY {SORTS['newest']} LIMIT ? OFFSET ?"
            params = found.params("probe")
        else:  # few matches: find them from the most selective condition, then sort them
            sql = f"SELECT p.id FROM papers p WHERE {found.where('drive')} ORDER BY {SORTS.get(sort, SORTS['newest'])} LIMIT ? OFFSET ?"
            params = found.params("drive")
        ids = [r[0] for r in self.db.execute(sql, [*params, limit, offset])]
        rows = {r["id"]: dict(r) for r in self.db.execute(
            "SELECT p.id, p.doi, p.iri, p.title, p.titles, p.issued, p.graph, s.texts, COALESCE(j.name, p.journal) AS journal "
            "FROM papers p JOIN shares s ON s.id = p.id LEFT JOIN names j ON j.kind = 'journal' AND j.id = p.journal "
            f"WHERE p.id IN ({', '.join('?' * len(ids))})", ids)} if ids else {}
        return Page(total, [rows[i] for i in ids if i in rows])

    def _generation_now(self) -> int:
        """A number that changes whenever the index does: a write here, or a commit by any other
        connection or process (which changes this thread's connection's ``data_version``)."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        with self._memo_lock:
            if getattr(self._local, "data_version", version) != version:
                self._generation += 1
            self._local.data_version = version
            return self._generation

    def memoised(self, name: str, args: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, kept until the index changes (so until the store does: they are written
        together): the totals and filter counts of large result sets (a family with most papers under
        it) cost a scan of their keys, and are asked for again."""
        key = (self._generation_now(), name, args)
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def _total(self, found: _Matching) -> int:
        if found.any_keys is None and found.years is None and found.match is None and len(found.keys) <= 1:
            return self._count_total(found)  # a kept count: nothing to keep
        return int(self.memoised("total", (tuple(found.keys), tuple(found.any_keys or ()), found.any_keys is None, found.years, found.match),
                                  lambda: self._count_total(found)))

    def _count_total(self, found: _Matching) -> int:
        """How many papers a search matches: a kept count when it is one key, else counted from the
        most selective condition."""
        if found.years is None and found.any_keys is None:
            if found.match is None and not found.keys:
                return self.paper_count()
            if found.match is None and len(found.keys) == 1:
                return self.count(found.keys[0])  # a facet key's kept count is its number of papers
            # From the driver's own rows (the text index, or the keys' primary key): no paper row read.
            if found.driver == "":
                sql, params, paper = "SELECT COUNT(*) FROM text WHERE text MATCH ?", [found.match], "text.rowid"
            else:
                sql, params, paper = "SELECT COUNT(*) FROM keys d WHERE d.key = ?", [found.driver], "d.paper"
                if found.match is not None:
                    sql += " AND d.paper IN (SELECT rowid FROM text WHERE text MATCH ?)"
                    params.append(found.match)
            for key in found.keys:
                if key != found.driver:
                    sql += f" AND EXISTS (SELECT 1 FROM keys WHERE key = ? AND paper = {paper})"
                    params.append(key)
            return int(self.db.execute(sql, params).fetchone()[0])
        return int(self.db.execute(f"SELECT COUNT(*) FROM papers p WHERE {found.where('drive')}", found.params("drive")).fetchone()[0])

    def facet_counts(self, prefixes: list[str], all_keys: list[str], *, year_from: int | None = None, year_to: int | None = None,
                     text: str | None = None, any_words: bool = False) -> dict[str, dict[str, int]]:
        """For the papers a search matches: how many hold each key starting with each prefix (for filters
        with counts). Without any condition these are the kept counts."""
        found: dict[str, dict[str, int]] = self.memoised(
            "facets", (tuple(prefixes), tuple(all_keys), year_from, year_to, text, any_words),
            lambda: self._facet_counts(prefixes, all_keys, year_from, year_to, text, any_words))
        return {prefix: dict(values) for prefix, values in found.items()}

    def _facet_counts(self, prefixes: list[str], all_keys: list[str], year_from: int | None, year_to: int | None,
                      text: str | None, any_words: bool) -> dict[str, dict[str, int]]:
        if not all_keys and year_from is None and year_to is None and not text:
            return {prefix: self.counts(prefix) for prefix in prefixes}
        found = self._matching(all_keys, None, year_from, year_to, text, any_words)
        out: dict[str, dict[str, int]] = {prefix: {} for prefix in prefixes}
        if found is None:
            return out
        if len(found.keys) == 1 and found.years is None and found.match is None and 2 * self.count(found.keys[0]) > self.paper_count():
            # Most papers hold the key: the kept counts less those of the few papers that do not.
            for prefix in prefixes:
                out[prefix] = self.counts(prefix)
            counted = self.db.execute(
                "SELECT k.key, -COUNT(*) FROM keys k WHERE k.paper IN (SELECT p.id FROM papers p WHERE NOT EXISTS "
                "(SELECT 1 FROM keys WHERE key = ? AND paper = p.id)) GROUP BY k.key", found.keys)
        else:  # one pass over the matched papers' keys (by paper), sorted into the prefixes here
            counted = self.db.execute(f"SELECT k.key, COUNT(*) FROM keys k WHERE k.paper IN (SELECT p.id FROM papers p "
                                      f"WHERE {found.where('drive')}) GROUP BY k.key", found.params("drive"))
        for key, n in counted:
            facet, _, value = key.partition(":")
            if f"{facet}:" in out:
                out[f"{facet}:"][value] = out[f"{facet}:"].get(value, 0) + int(n) if n < 0 else int(n)
        return {prefix: {v: n for v, n in values.items() if n > 0} for prefix, values in out.items()}

    def year_counts(self, all_keys: list[str], *, text: str | None = None, any_words: bool = False) -> dict[int, int]:
        """Papers per year among those a search (without its years) matches."""
        return dict(self.memoised("years", (tuple(all_keys), text, any_words), lambda: self._year_counts(all_keys, text, any_words)))

    def _year_counts(self, all_keys: list[str], text: str | None, any_words: bool) -> dict[int, int]:
        if not all_keys and not text:
            return {int(y): n for y, n in self.counts("year:").items()}
        found = self._matching(all_keys, None, None, None, text, any_words)
        if found is None:
            return {}
        counted = self.db.execute(f"SELECT p.year AS year, COUNT(*) AS n FROM papers p WHERE {found.where('drive')} AND p.year IS NOT NULL "
                                  "GROUP BY p.year", found.params("drive"))
        return {int(r["year"]): int(r["n"]) for r in counted}

    def related(self, keys: list[str], exclude: str, at_least: int = 2, limit: int = 5) -> list[tuple[str, str, str, list[str]]]:
        """Papers (IRI, DOI, English title, the keys shared) holding at least ``at_least`` of ``keys``, other
        than the paper ``exclude`` (an IRI): most shared first, ties by DOI."""
        if not keys:
            return []
        found = self.db.execute(
            f"""SELECT p.iri, p.doi, p.title, m.shared FROM (SELECT paper, COUNT(*) AS n, GROUP_CONCAT(key, ' ') AS shared FROM keys
                WHERE key IN ({', '.join('?' * len(keys))}) GROUP BY paper HAVING COUNT(*) >= ?) m JOIN papers p ON p.id = m.paper
                WHERE p.iri != ? ORDER BY m.n DESC, p.doi LIMIT ?""", [*keys, at_least, exclude, limit])
        return [(r[0], r[1], r[2], sorted(r[3].split(" "))) for r in found]

    def _matching(self, all_keys: list[str], any_keys: list[str] | None, year_from: int | None, year_to: int | None,
                  text: str | None, any_words: bool = False) -> _Matching | None:
        """The conditions of a search, with the most selective one to drive it; None: nothing can match
        (words that give no term)."""
        match = match_expression(text, any_words) if text else None
        if text and match is None:
            return None
        keys = list(dict.fromkeys(all_keys))
        sizes = {k: self.count(k) for k in keys}  # kept counts: papers per key
        if match is not None:
            sizes[""] = int(self.db.execute("SELECT COUNT(*) FROM text WHERE text MATCH ?", (match,)).fetchone()[0])
        driver = min(sizes, key=lambda k: sizes[k]) if sizes else None
        years = (year_from, year_to) if year_from is not None or year_to is not None else None
        return _Matching(keys, any_keys, years, match, driver, sizes[driver] if driver is not None else self.count("papers"))


#: How many totals and filter counts the index keeps until it changes.
MEMO_SIZE = 512


def walks(needed: int, papers: int, total: int, driver_size: int) -> bool:
    """Whether a newest-first page walks the papers in order, keeping those that match (about
    ``needed`` × papers ÷ matches steps), rather than finding every match from the most selective
    condition (``driver_size`` rows) and sorting them."""
    return total > 0 and needed * papers / total < driver_size


@dataclass(frozen=True)
class _Matching:
    """The conditions of a search on papers ``p``: every key, one of ``any_keys``, the years, the words
    (an FTS5 expression); ``driver``: the most selective key ("" for the words), whose papers are
    looked up first when the condition drives the search."""

    keys: list[str]
    any_keys: list[str] | None
    years: tuple[int | None, int | None] | None
    match: str | None
    driver: str | None
    driver_size: int

    def _parts(self, mode: str) -> list[tuple[str, list[str | int]]]:
        parts: list[tuple[str, list[str | int]]] = []
        for key in self.keys:
            if mode == "drive" and key == self.driver:
                parts.insert(0, ("p.id IN (SELECT paper FROM keys WHERE key = ?)", [key]))
            else:
                parts.append(("EXISTS (SELECT 1 FROM keys WHERE key = ? AND paper = p.id)", [key]))
        if self.match is not None and mode != "join":
            part: tuple[str, list[str | int]] = ("p.id IN (SELECT rowid FROM text WHERE text MATCH ?)", [self.match])
            parts.insert(0 if self.driver == "" else len(parts), part)
        if self.any_keys is not None:
            held = ", ".join("?" * len(self.any_keys)) or "NULL"
            parts.append((f"p.id IN (SELECT paper FROM keys WHERE key IN ({held}))" if mode == "drive" and self.driver is None
                          else f"EXISTS (SELECT 1 FROM keys WHERE key IN ({held}) AND paper = p.id)", list(self.any_keys)))
        if self.years is not None:
            if self.years[0] is not None:
                parts.append(("p.year >= ?", [self.years[0]]))
            if self.years[1] is not None:
                parts.append(("p.year <= ?", [self.years[1]]))
        return parts

    def where(self, mode: str) -> str:
        """The condition: ``drive``: the driver's papers looked up first; ``probe``: every paper given is
        checked (for a walk in order); ``join``: as ``probe`` without the words, which the caller joins."""
        return " AND ".join(sql for sql, _ in self._parts(mode)) or "1"

    def params(self, mode: str) -> list[str | int]:
        return [v for _, values in self._parts(mode) for v in values]
