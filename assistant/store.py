"""SQLite store: the single source of truth for documents, clause text, facts, file hashes and lexical tokens.

Vectors are not kept here: Chroma holds them (assistant/index/vectors.py).

One connection shared across threads (check_same_thread=False) guarded by a lock: the API serves answers from
several threads and every query here is a few milliseconds. Records are stored both as indexed columns (for
filtering) and as their pydantic JSON (for faithful round trips).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from ingest.models import Clause, Document, Fact, ParsedDocument

_Row = TypeVar("_Row", Clause, Fact)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source_file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    province TEXT,
    doc_type TEXT,
    year INTEGER,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clauses (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    parent_id TEXT,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    headings TEXT NOT NULL,
    text TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS clauses_by_document ON clauses(document_id, ord);
CREATE INDEX IF NOT EXISTS clauses_by_parent ON clauses(parent_id, ord);
CREATE TABLE IF NOT EXISTS facts (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    agency TEXT,
    province TEXT,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_by_clause ON facts(clause_id);
CREATE INDEX IF NOT EXISTS facts_by_agency ON facts(agency, kind);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    document_id TEXT NOT NULL
);
-- Lexical tokens of the indexed clauses, kept so an unchanged file is never re-segmented.
CREATE TABLE IF NOT EXISTS clause_index (
    clause_id TEXT PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    tokens TEXT NOT NULL
);
-- How many of a document's clauses contain each term (answer-stage term weights, summed over documents at build).
CREATE TABLE IF NOT EXISTS document_terms (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    n_texts INTEGER NOT NULL,
    counts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Files that could not be ingested, by fingerprint: an unchanged broken file is reported without re-parsing.
CREATE TABLE IF NOT EXISTS failures (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL
);
"""


def _year(iso_date: str | None) -> int | None:
    if iso_date and len(iso_date) >= 4 and iso_date[:4].isdigit():
        return int(iso_date[:4])
    return None


class Store:
    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        if readonly:
            if not self.path.is_file():
                raise FileNotFoundError(f"{self.path}: index store does not exist")
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # URI mode so that ATTACH below can open the previous version read-only.
            self._db = sqlite3.connect(self.path.resolve().as_uri(), uri=True, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        self._db.execute("PRAGMA foreign_keys=ON")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def finish(self) -> None:
        """Close a freshly built store as a single self-contained file, so readers can open it read-only."""
        with self._lock:
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.execute("VACUUM")
            self._db.close()

    # ---- writing --------------------------------------------------------------------------------
    def upsert_document(self, parsed: ParsedDocument, facts: list[Fact]) -> None:
        """Replace everything stored for this document (clauses, facts, index data) in one transaction."""
        doc = parsed.document
        with self._lock, self._db:
            self._db.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
            self._db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, doc.source_file, doc.sha256, doc.province, doc.type, _year(doc.issue_date),
                 doc.model_dump_json()),
            )
            self._db.executemany(
                "INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.id, c.document_id, c.order, c.parent_id, c.path, c.kind,
                     json.dumps(c.headings, ensure_ascii=False), c.text, c.model_dump_json())
                    for c in parsed.clauses
                ],
            )
            self._db.executemany(
                "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(f.id, f.document_id, f.clause_id, f.kind, f.agency, f.province, f.model_dump_json()) for f in facts],
            )

    def set_file(self, path: str, sha256: str, document_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (path, sha256, document_id))

    def set_clause_index(self, rows: Iterable[tuple[str, str, list[str]]]) -> None:
        """Store (clause_id, document_id, lexical tokens) for indexed clauses."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO clause_index VALUES (?, ?, ?)",
                [(cid, did, json.dumps(tokens, ensure_ascii=False)) for cid, did, tokens in rows],
            )

    def set_document_terms(self, document_id: str, n_texts: int, counts: dict[str, int]) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO document_terms VALUES (?, ?, ?)",
                             (document_id, n_texts, json.dumps(counts, ensure_ascii=False, separators=(",", ":"))))

    def delete_document(self, document_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM clause_index WHERE document_id = ?", (document_id,))
            self._db.execute("DELETE FROM document_terms WHERE document_id = ?", (document_id,))
            self._db.execute("DELETE FROM facts WHERE document_id = ?", (document_id,))
            self._db.execute("DELETE FROM clauses WHERE document_id = ?", (document_id,))
            self._db.execute("DELETE FROM files WHERE document_id = ?", (document_id,))
            self._db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def copy_documents_from(self, other: Path, document_ids: Sequence[str]) -> None:
        """Copy documents with all their rows from another store file (an unchanged file carried forward)."""
        if not document_ids:
            return
        marks = ",".join("?" * len(document_ids))
        with self._lock:
            self._db.execute("ATTACH DATABASE ? AS old", (f"{Path(other).resolve().as_uri()}?mode=ro",))
            try:
                with self._db:
                    for table, key in (("documents", "id"), ("clauses", "document_id"), ("facts", "document_id"),
                                       ("files", "document_id"), ("clause_index", "document_id"),
                                       ("document_terms", "document_id")):
                        self._db.execute(f"DELETE FROM main.{table} WHERE {key} IN ({marks})", list(document_ids))
                        self._db.execute(
                            f"INSERT INTO main.{table} SELECT * FROM old.{table} WHERE {key} IN ({marks})",
                            list(document_ids),
                        )
            finally:
                self._db.execute("DETACH DATABASE old")

    def set_failure(self, path: str, sha256: str, reason: str, message: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (path, sha256, reason, message))

    def failures(self) -> dict[str, tuple[str, str, str]]:
        """path -> (fingerprint, reason, Vietnamese message) of files that failed in the ingest that built this."""
        try:
            rows = self._all("SELECT path, sha256, reason, message FROM failures")
        except sqlite3.OperationalError:  # a store built before failures were recorded
            return {}
        return {path: (sha, reason, message) for path, sha, reason, message in rows}

    def count_documents(self) -> int:
        row = self._one("SELECT COUNT(*) FROM documents")
        return int(row[0]) if row else 0

    def count_clauses(self) -> int:
        row = self._one("SELECT COUNT(*) FROM clauses")
        return int(row[0]) if row else 0

    def set_meta(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else row[0]

    # ---- reading --------------------------------------------------------------------------------
    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple | None:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def list_documents(self) -> list[Document]:
        return [Document.model_validate_json(r[0]) for r in self._all("SELECT json FROM documents ORDER BY id")]

    def get_document(self, document_id: str) -> Document | None:
        row = self._one("SELECT json FROM documents WHERE id = ?", (document_id,))
        return None if row is None else Document.model_validate_json(row[0])

    def clauses_of(self, document_id: str) -> list[Clause]:
        rows = self._all("SELECT json FROM clauses WHERE document_id = ? ORDER BY ord", (document_id,))
        return [Clause.model_validate_json(r[0]) for r in rows]

    def get_clause(self, clause_id: str) -> Clause | None:
        row = self._one("SELECT json FROM clauses WHERE id = ?", (clause_id,))
        return None if row is None else Clause.model_validate_json(row[0])

    def get_clauses(self, clause_ids: Sequence[str]) -> list[Clause]:
        """Clauses in the order of the ids given; unknown ids are skipped."""
        return self._by_ids("clauses", Clause, clause_ids)

    def neighbours(self, clause_id: str, before: int = 2, after: int = 2) -> list[Clause]:
        """The clause with up to `before`/`after` clauses around it in document order."""
        row = self._one("SELECT document_id, ord FROM clauses WHERE id = ?", (clause_id,))
        if row is None:
            return []
        rows = self._all(
            "SELECT json FROM clauses WHERE document_id = ? AND ord BETWEEN ? AND ? ORDER BY ord",
            (row[0], row[1] - before, row[1] + after),
        )
        return [Clause.model_validate_json(r[0]) for r in rows]

    def children(self, clause_id: str) -> list[Clause]:
        rows = self._all("SELECT json FROM clauses WHERE parent_id = ? ORDER BY ord", (clause_id,))
        return [Clause.model_validate_json(r[0]) for r in rows]

    def facts(
        self,
        kind: str | None = None,
        agency: str | None = None,
        province: str | None = None,
        document_id: str | None = None,
        clause_ids: Sequence[str] | None = None,
    ) -> list[Fact]:
        where: list[str] = []
        params: list[object] = []
        for column, value in (("kind", kind), ("agency", agency), ("province", province),
                              ("document_id", document_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if clause_ids is not None:
            if not clause_ids:
                return []
            where.append(f"clause_id IN ({','.join('?' * len(clause_ids))})")
            params.extend(clause_ids)
        sql = "SELECT f.json FROM facts f JOIN clauses c ON c.id = f.clause_id"
        sql += (" WHERE " + " AND ".join(f"f.{w}" for w in where)) if where else ""
        sql += " ORDER BY f.document_id, c.ord, f.id"
        return [Fact.model_validate_json(r[0]) for r in self._all(sql, params)]

    def get_facts(self, fact_ids: Sequence[str]) -> list[Fact]:
        """Facts in the order of the ids given; unknown ids are skipped."""
        return self._by_ids("facts", Fact, fact_ids)

    def _by_ids(self, table: str, model: type[_Row], ids: Sequence[str]) -> list[_Row]:
        """Rows of `table` (id, json) as `model`, in the order of `ids`, read 500 ids per query."""
        found: dict[str, _Row] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self._all(f"SELECT id, json FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            found.update((row_id, model.model_validate_json(js)) for row_id, js in rows)
        return [found[row_id] for row_id in ids if row_id in found]

    def responsibility_rows(self, agency: str | None = None
                            ) -> list[tuple[str, str, str, str | None, str | None, str | None, str, str]]:
        """(fact id, document id, clause id, agency, province, role, clause headings as JSON, clause text) of every
        responsibility fact (of one agency), in the order of `facts()`, without building the records
        (assistant/compose/assignments.py)."""
        sql = ("SELECT f.id, f.document_id, f.clause_id, f.agency, f.province, json_extract(f.json, '$.role'), "
               "c.headings, c.text FROM facts f JOIN clauses c ON c.id = f.clause_id WHERE f.kind = 'responsibility'")
        if agency is None:
            return self._all(sql + " ORDER BY f.document_id, c.ord, f.id")
        return self._all(sql + " AND f.agency = ? ORDER BY f.document_id, c.ord, f.id", (agency,))

    def file_hashes(self) -> dict[str, str]:
        return dict(self._all("SELECT path, sha256 FROM files"))

    def file_documents(self) -> dict[str, str]:
        """Source path -> document id."""
        return dict(self._all("SELECT path, document_id FROM files"))

    def provinces(self) -> list[str]:
        return [r[0] for r in self._all("SELECT DISTINCT province FROM documents WHERE province IS NOT NULL ORDER BY 1")]

    def document_years(self) -> dict[str, int | None]:
        return dict(self._all("SELECT id, year FROM documents ORDER BY id"))

    def document_filter_rows(self) -> list[tuple[str, str | None, str | None, int | None]]:
        """(document id, province, type, year) of every document, for retrieval filters."""
        return self._all("SELECT id, province, doc_type, year FROM documents ORDER BY id")

    def clause_counts(self) -> dict[str, int]:
        """Document id -> number of clauses, without reading the clauses."""
        return dict(self._all("SELECT document_id, COUNT(*) FROM clauses GROUP BY document_id"))

    def clause_index_ids(self) -> list[tuple[str, str]]:
        """(clause id, document id) of every indexed clause, in document order (the rows of `clause_index_rows`)."""
        return self._all(
            "SELECT ci.clause_id, ci.document_id FROM clause_index ci "
            "JOIN clauses c ON c.id = ci.clause_id ORDER BY ci.document_id, c.ord"
        )

    def clause_index_tokens(self) -> Iterator[list[str]]:
        """The lexical tokens of every indexed clause, in the order of `clause_index_rows`, one row at a time."""
        with self._lock:
            cursor = self._db.execute(
                "SELECT ci.tokens FROM clause_index ci JOIN clauses c ON c.id = ci.clause_id "
                "ORDER BY ci.document_id, c.ord"
            )
            for (tokens,) in cursor:
                yield json.loads(tokens)

    def clause_index_rows(self) -> list[tuple[str, str, list[str]]]:
        """(clause id, document id, lexical tokens) for every indexed clause, in document order."""
        rows = self._all(
            "SELECT ci.clause_id, ci.document_id, ci.tokens FROM clause_index ci "
            "JOIN clauses c ON c.id = ci.clause_id ORDER BY ci.document_id, c.ord"
        )
        return [(cid, did, json.loads(tokens)) for cid, did, tokens in rows]

    def document_terms(self) -> Iterator[tuple[int, dict[str, int]]]:
        """(clauses counted, term -> clauses containing it) per document."""
        for n_texts, counts in self._all("SELECT n_texts, counts FROM document_terms"):
            yield n_texts, json.loads(counts)
