"""Searching one opened index version: dense (exact cosine over the version's vectors) and BM25, with metadata
filters, at a cost that follows the candidates, not the corpus.

- Rows: every indexed clause has one row number, the same in the vector matrix, the BM25 arrays and `rows.json`.
  Rows are in document order, so a document is one contiguous range of rows.
- Filters (document, province, year, type) are resolved once per question through tables built when the version
  is opened, into row ranges; nothing is computed per clause.
- Dense: the question vector against the matrix read from Chroma at open (all rows, or only the allowed ranges).
- Lexical: BM25 over the postings of the question's tokens only (assistant/index/lexical.py).
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import IndexMissingError
from assistant.index.lexical import Bm25Arrays
from assistant.index.vectors import load_matrix, metadata_filters, open_collection
from assistant.index.versions import read_current, version_dir
from assistant.models import Hit, RetrievalFilters
from assistant.settings import Settings
from assistant.store import Store

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.embedding import Encoder
    from assistant.relevance import TermWeights

ROWS_FILE = "rows.json"
TERMS_FILE = "terms.json"


def place_key(name: str) -> str:
    """A province or document type reduced for comparison: accents, case, spacing and "tỉnh"/"thành phố" dropped."""
    from ingest.lexicon import fold_words

    folded = fold_words(name)
    for prefix in ("tinh ", "thanh pho "):
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
    return folded


# "7. Hợp tác xã là tổ chức …": the term a clause of a definitions article defines.
_DEFINED_TERM_RE = re.compile(r"^\s*(?:\d+\.\s*)?(.{3,80}?)\s+là\s")


class IndexHandle:
    """One opened index version: the store plus dense and lexical search, with metadata filters.

    Everything searched is loaded at open, not on first use: an ingest may prune this version's folder while a
    reader still has it. The loaded arrays are read-only and shared by all threads.
    """

    def __init__(self, settings: Settings, version: int, directory: Path, quick_start: bool = False) -> None:
        self.settings = settings
        self.version = version
        self.directory = directory
        self.quick_start = quick_start
        self.store = Store(directory / "store.sqlite", readonly=True)
        rows = json.loads((directory / ROWS_FILE).read_text(encoding="utf-8"))
        self.clause_ids: list[str] = rows["clause_ids"]
        self._ranges: dict[str, tuple[int, int]] = {doc: (start, end) for doc, start, end in rows["documents"]}
        self._bm25 = Bm25Arrays(directory / "bm25", len(self.clause_ids))
        self._matrix: np.ndarray = (
            load_matrix(open_collection(settings, version, directory), self.clause_ids)
            if self.clause_ids else np.zeros((0, 0), dtype=np.float32)
        )
        self._chroma: Any = None
        self._chroma_lock = threading.Lock()
        self._by_province: dict[str, set[str]] = {}
        self._by_type: dict[str, set[str]] = {}
        self._by_year: dict[int, set[str]] = {}
        self._documents: set[str] = set()
        for document_id, province, doc_type, year in self.store.document_filter_rows():
            self._documents.add(document_id)
            if province:
                self._by_province.setdefault(place_key(province), set()).add(document_id)
            if doc_type:
                self._by_type.setdefault(place_key(doc_type), set()).add(document_id)
            if year is not None:
                self._by_year.setdefault(year, set()).add(document_id)

    @property
    def encoder(self) -> Encoder:
        """The question encoder (no llama-index import: the one-shot CLI path stays fast)."""
        from assistant.embedding import get_encoder

        return get_encoder(self.settings, quick_start=self.quick_start)

    @property
    def embedding(self) -> BaseEmbedding:
        """The same model as a llama-index embedding (imports llama-index)."""
        from assistant.embedding import get_embedding

        return get_embedding(self.settings)

    @cached_property
    def defined_terms(self) -> dict[str, list[tuple[str, str]]]:
        """Folded defined term -> (clause id, document id) of the clauses of a definitions article ("Giải thích
        từ ngữ") of a national text that define it, read once per opened index (retrieval adds them as
        candidates when a question names the term)."""
        from ingest.lexicon import contains_phrase, fold_words, lexicon

        titles = lexicon().documents.definition_titles
        definitions: dict[str, list[tuple[str, str]]] = {}
        for document in self.store.list_documents():
            if document.province is not None:
                continue
            for clause in self.store.clauses_of(document.id):
                heading = fold_words(clause.headings[-1]) if clause.headings else ""
                match = _DEFINED_TERM_RE.match(clause.text)
                if match and any(contains_phrase(heading, t) for t in titles):
                    term = fold_words(re.sub(r"[“”\"]", " ", match.group(1))).removesuffix(" duoc hieu")
                    definitions.setdefault(term, []).append((clause.id, document.id))
        return definitions

    def term_weights(self) -> TermWeights:
        """Corpus term weights of the answer stage, counted at build time (assistant/index/build.py)."""
        from assistant.relevance import TermWeights

        stats = json.loads((self.directory / TERMS_FILE).read_text(encoding="utf-8"))
        return TermWeights.from_counts(Counter(stats["document_frequency"]), stats["n_texts"])

    def close(self) -> None:
        self.store.close()

    # ---- filters ----
    def allowed_documents(self, filters: RetrievalFilters) -> set[str] | None:
        """Document ids the filters allow; None when there is no restriction."""
        if filters.is_empty():
            return None
        allowed = set(self._documents)
        if filters.document_ids:
            allowed &= set(filters.document_ids)
        if filters.provinces:
            allowed &= set().union(*(self._by_province.get(place_key(p), set()) for p in filters.provinces))
        if filters.years:
            allowed &= set().union(*(self._by_year.get(y, set()) for y in filters.years))
        if filters.doc_types:
            allowed &= set().union(*(self._by_type.get(place_key(t), set()) for t in filters.doc_types))
        return allowed

    def allowed_ranges(self, filters: RetrievalFilters) -> tuple[np.ndarray, np.ndarray] | None:
        """(starts, ends) of the row ranges of the allowed documents, sorted; None when there is no restriction."""
        allowed = self.allowed_documents(filters)
        if allowed is None:
            return None
        spans = sorted(self._ranges[d] for d in allowed if d in self._ranges)
        return (np.array([s for s, _ in spans], dtype=np.int64), np.array([e for _, e in spans], dtype=np.int64))

    def _hits(self, rows: np.ndarray, scores: np.ndarray, k: int, positive: bool) -> list[Hit]:
        """The k best (row, score) pairs, best first; equal scores keep row (document) order."""
        if positive:
            keep = scores > 0
            rows, scores = rows[keep], scores[keep]
        if k <= 0 or scores.size == 0:
            return []
        if scores.size > k:
            top = np.argpartition(-scores, k - 1)[:k]
            rows, scores = rows[top], scores[top]
        order = np.lexsort((rows, -scores))
        return [Hit(clause_id=self.clause_ids[int(rows[i])], score=float(scores[i])) for i in order
                if np.isfinite(scores[i])]

    # ---- search ----
    def dense(self, query_text: str, filters: RetrievalFilters, k: int) -> list[Hit]:
        """Clauses nearest to the question in embedding space: exact cosine over this version's vectors."""
        ranges = self.allowed_ranges(filters)
        if (ranges is not None and ranges[0].size == 0) or self._matrix.size == 0 or not query_text.strip():
            return []
        query = self.encoder.embed_query(query_text)
        if ranges is None:
            rows = np.arange(self._matrix.shape[0])
            vectors = self._matrix
        else:
            rows = np.concatenate([np.arange(s, e) for s, e in zip(*ranges, strict=True)])
            vectors = np.take(self._matrix, rows, axis=0)
        # einsum, not BLAS: a matrix-vector product gains nothing from BLAS threads, which spin on a busy machine.
        scores = np.einsum("ij,j->i", vectors, query)
        return self._hits(rows, scores, k, positive=False)

    def lexical(self, query_text: str, filters: RetrievalFilters, k: int) -> list[Hit]:
        """BM25 over lexical tokens, scoring only the clauses that hold a question token and pass the filters."""
        from ingest.segment import lexical_tokens

        ranges = self.allowed_ranges(filters)
        if (ranges is not None and ranges[0].size == 0) or not self.clause_ids:
            return []
        token_ids = self._bm25.token_ids(lexical_tokens(query_text))
        rows, scores = self._bm25.scores(token_ids, ranges)
        return self._hits(rows, scores, k, positive=True)

    def chroma_collection(self) -> Any:
        with self._chroma_lock:
            if self._chroma is None:
                self._chroma = open_collection(self.settings, self.version, self.directory)
            return self._chroma

    def dense_chroma(self, query_text: str, filters: RetrievalFilters, k: int) -> list[Hit]:
        """The same search answered by Chroma itself (llama-index ChromaVectorStore, HNSW, metadata filters)."""
        from llama_index.core.vector_stores.types import VectorStoreQuery
        from llama_index.vector_stores.chroma import ChromaVectorStore

        allowed = self.allowed_documents(filters)
        if (allowed is not None and not allowed) or not query_text.strip():
            return []
        store = ChromaVectorStore(chroma_collection=self.chroma_collection())
        result = store.query(
            VectorStoreQuery(
                query_embedding=self.encoder.embed_query(query_text).tolist(),
                similarity_top_k=k,
                filters=metadata_filters(sorted(allowed)) if allowed is not None else None,
            )
        )
        ids = result.ids or []
        similarities = result.similarities or [0.0] * len(ids)
        return [Hit(clause_id=cid, score=float(s)) for cid, s in zip(ids, similarities, strict=False)]


def open_index(settings: Settings, quick_start: bool = False) -> IndexHandle:
    """Open the version CURRENT points at; IndexMissingError (Vietnamese message) when nothing was built.

    `quick_start` (one-shot processes) embeds questions with the runtime that starts fastest.
    """
    version = read_current(settings)
    directory = version_dir(settings, version) if version is not None else None
    if version is None or directory is None or not (directory / "store.sqlite").is_file():
        raise IndexMissingError(
            "data_dir",
            f"Chưa có chỉ mục trong {settings.data_dir}. Hãy chạy `htx ingest` để nạp văn bản trước khi hỏi.",
        )
    return IndexHandle(settings, version, directory, quick_start=quick_start)
