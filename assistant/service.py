"""The application object: one `Assistant` holds settings, the opened index and the models.

`htx ask` and `POST /ask` both call `Assistant.ask`; nothing else composes answers. The index opens on first
use (or at API start-up via `load()`), and `reload()` swaps in a newer index version atomically.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer import Composer
from assistant.models import Answer, Filters, Hit, IngestReport, QueryAnalysis
from assistant.phrasing import OpenAICompatiblePhraser, Phraser, rephrase_checked
from assistant.query import Catalog, analyze, retrieval_filters
from assistant.relevance import TermWeights
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index import IndexHandle
    from assistant.retrieval import HybridSearch

log = logging.getLogger(__name__)


class Assistant:
    """`use_llama_index=False` serves the same HybridSearch without the llama-index retriever wrapper, whose
    import alone costs ~1.6 s: the one-shot `htx ask` uses it to start fast; results are identical."""

    def __init__(self, settings: Settings, use_llama_index: bool = True) -> None:
        self.settings = settings
        self.use_llama_index = use_llama_index
        self._lock = threading.RLock()
        self._index: IndexHandle | None = None
        self._checked = time.monotonic()
        self._retriever: HybridSearch | None = None
        self._catalog = Catalog()
        self._composer: Composer | None = None
        self._phraser: Phraser | None = (
            OpenAICompatiblePhraser(settings.generator_url, settings.generator_model) if settings.generator_url else None
        )

    # ---- lifecycle ------------------------------------------------------------------------------
    def load(self) -> Assistant:
        """Open the current index version and everything derived from it (idempotent). A newer version written
        by another process (another API worker's upload, `htx ingest`) is picked up, checked once a second."""
        with self._lock:
            if self._index is None:
                self._open()
            elif time.monotonic() - self._checked > 1.0:
                from assistant.index import read_current

                self._checked = time.monotonic()
                current = read_current(self.settings)
                if current is not None and current != self._index.version:
                    self.reload()
        return self

    def _open(self) -> None:
        from assistant.index import open_index
        from assistant.retrieval import HybridSearch

        index = open_index(self.settings)
        documents = index.store.list_documents()
        weights = TermWeights(
            " ".join([c.text, *c.headings]) for d in documents for c in index.store.clauses_of(d.id)
        )
        self._index = index
        self._retriever = HybridSearch(index)
        self._catalog = Catalog(documents=documents)
        self._composer = Composer(index.store, weights)
        log.info("index version %s open: %d documents", index.version, len(documents))

    def warm_up(self) -> None:
        """Load the segmenter and the embedding model now, so the first user does not wait for them."""
        self.load()
        self.retrieve(self.analyze("Sở Tài chính chủ trì nhiệm vụ gì?"), k=1)

    def reload(self) -> int:
        """Re-open whatever index version is current now; answers in flight finish on the old one."""
        with self._lock:
            old = self._index
            self._index = None
            self._open()
            if old is not None and hasattr(old, "close"):
                old.close()
            assert self._index is not None
            return self._index.version

    @property
    def index(self) -> IndexHandle:
        self.load()
        assert self._index is not None
        return self._index

    @property
    def store(self):  # noqa: ANN201 - assistant.store.Store, imported lazily
        return self.index.store

    @property
    def catalog(self) -> Catalog:
        self.load()
        return self._catalog

    # ---- questions ------------------------------------------------------------------------------
    def analyze(self, question: str, filters: Filters | None = None) -> QueryAnalysis:
        return analyze(question, self.catalog, filters)

    def retrieve(self, analysis: QueryAnalysis, k: int | None = None) -> list[Hit]:
        self.load()
        assert self._index is not None and self._retriever is not None
        k = k or self.settings.top_k
        filters = retrieval_filters(analysis)
        if not self.use_llama_index:
            return self._retriever.search(analysis.normalized, filters, k)
        from assistant.retrieval import HybridRetriever

        nodes = HybridRetriever(self._index, filters, k).retrieve(analysis.normalized)
        return [
            Hit(clause_id=n.node.metadata["clause_id"], score=float(n.score or 0.0),
                dense_rank=n.node.metadata.get("dense_rank"), lexical_rank=n.node.metadata.get("lexical_rank"))
            for n in nodes
        ]

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        analysis = self.analyze(question, filters)
        hits = [] if analysis.unknown_places else self.retrieve(analysis)
        assert self._composer is not None
        answer = rephrase_checked(self._composer.compose(analysis, hits), self._phraser)
        answer.filters = {
            "province": ", ".join(analysis.provinces) or None,
            "document_id": ", ".join(analysis.document_ids) or None,
            "year": ", ".join(str(y) for y in analysis.years) or None,
        }
        return answer

    # ---- index maintenance ----------------------------------------------------------------------
    def ingest(self, paths: list[Path], progress: bool = False, staged: dict[Path, Path] | None = None
               ) -> IngestReport:
        """`staged`: files whose content still waits elsewhere (uploads); see `assistant.index.ingest_paths`."""
        from assistant.index import ingest_paths

        report = ingest_paths(paths, self.settings, progress=progress, staged=staged)
        self.reload()
        return report

    def ingest_corpus(self, progress: bool = False) -> IngestReport:
        return self.ingest([self.settings.corpus_dir], progress=progress)

    def delete_document(self, document_id: str) -> IngestReport:
        """Remove a document's source file from the corpus folder and re-ingest, so every index drops it."""
        from assistant.errors import NotFoundError

        doc = self.store.get_document(document_id)
        if doc is None:
            raise NotFoundError("document_id", f"Không có văn bản với mã “{document_id}”.")
        source = Path(doc.source_file).resolve()
        corpus = self.settings.corpus_dir.resolve()
        if corpus in source.parents and source.exists():
            source.unlink()
        return self.ingest_corpus()
