"""The systems the harness compares, behind one small interface.

- `assistant`: ours (`Assistant.ask`, follow-ups through `assistant.chat.Conversations`).
- `bm25_plain`: BM25 (bm25s) over lower-cased, whitespace-split clause text: no segmentation, no accent folding,
  no question analysis. Answer = the top clause's text; found is always true.
- `dense_only`: our dense retriever alone on the raw question (no filters, no fusion, no composer).
- `naive_llamaindex`: what a user would assemble from the llama-index tutorial: the corpus files read whole,
  `SentenceSplitter(chunk_size=512)`, an in-memory `VectorStoreIndex` with the same embedding model, and the
  default top-2 chunks pasted as the answer.

Every system returns a `SystemOutput`: what it answered, the units it cites (for baselines, the units whose text
forms the answer) and its retrieval ranking (top 10), so one scorer judges them all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant

RANK_DEPTH = 10  # deep enough for MRR@10 and Recall@5
NAIVE_CHUNK_SIZE = 512
NAIVE_ANSWER_CHUNKS = 2  # llama-index's default similarity_top_k


@dataclass(frozen=True)
class Unit:
    """A retrieved piece of text: a clause (id = clause id) or a baseline chunk (id = 'file#n')."""

    id: str
    text: str


@dataclass
class SystemOutput:
    found: bool
    answer: str
    cited: list[Unit]
    ranking: list[Unit]
    latency_ms: float = 0.0
    asked: str = ""  # the question actually sent (follow-ups resolved or joined)


@dataclass
class Question:
    """What a system is given: the question, and earlier turns of the same conversation (oldest first)."""

    text: str
    turns: list[str] = field(default_factory=list)


class System(Protocol):
    name: str

    def run(self, question: Question) -> SystemOutput: ...


def _timed(fn: Callable[[], SystemOutput]) -> SystemOutput:
    start = time.perf_counter()
    out = fn()
    out.latency_ms = (time.perf_counter() - start) * 1000
    return out


def _joined(question: Question) -> str:
    # A retrieval-only system has no conversation state: the best it can do is read the whole history.
    return " ".join([*question.turns, question.text])


# ---- ours -------------------------------------------------------------------------------------------------


class AssistantSystem:
    """Our assistant. Retrieval metrics use the hybrid retriever's ranking for the analysed question."""

    name = "assistant"

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def run(self, question: Question) -> SystemOutput:
        from assistant.chat import Conversations

        start = time.perf_counter()
        if question.turns:
            conversations = Conversations(self.assistant, self.assistant.settings)
            session_id: str | None = None
            for turn in question.turns:
                session_id = conversations.send(turn, session_id).session_id
            reply = conversations.send(question.text, session_id)
            answer, asked = reply.answer, reply.resolved_question
        else:
            answer, asked = self.assistant.ask(question.text), question.text
        latency_ms = (time.perf_counter() - start) * 1000

        # The ranking is computed outside the timed section: it repeats retrieval only to expose its order.
        analysis = self.assistant.analyze(asked)
        hits = [] if analysis.unknown_places else self.assistant.retrieve(analysis, k=RANK_DEPTH)
        clauses = {c.id: c for c in self.assistant.store.get_clauses([h.clause_id for h in hits])}
        ranking = [Unit(h.clause_id, clauses[h.clause_id].text) for h in hits if h.clause_id in clauses]
        cited = [Unit(c.clause_id, c.text) for c in answer.citations]
        return SystemOutput(answer.found, answer.answer, cited, ranking, latency_ms, asked)


# ---- clause baselines over the same store -----------------------------------------------------------------


def store_clauses(store: Any) -> list[Unit]:
    """Every clause in the store, in document order."""
    return [Unit(c.id, c.text) for d in store.list_documents() for c in store.clauses_of(d.id)]


class Bm25PlainSystem:
    name = "bm25_plain"

    def __init__(self, units: Sequence[Unit]) -> None:
        import bm25s

        if not units:
            raise ValueError("bm25_plain: the index holds no clauses; run `htx ingest` first")
        self.units = list(units)
        self._bm25 = bm25s.BM25()
        self._bm25.index([u.text.lower().split() for u in self.units], show_progress=False)

    def _search(self, text: str) -> list[Unit]:
        tokens = text.lower().split()
        if not tokens:
            return []
        k = min(RANK_DEPTH, len(self.units))
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False)
        return [self.units[int(i)] for i, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def run(self, question: Question) -> SystemOutput:
        def go() -> SystemOutput:
            ranking = self._search(_joined(question))
            top = ranking[:1]
            return SystemOutput(True, top[0].text if top else "", top, ranking, asked=_joined(question))

        return _timed(go)


class DenseOnlySystem:
    name = "dense_only"

    def __init__(self, index: Any) -> None:
        self.index = index

    def run(self, question: Question) -> SystemOutput:
        from assistant.models import RetrievalFilters

        def go() -> SystemOutput:
            text = _joined(question)
            hits = self.index.dense(text, RetrievalFilters(), RANK_DEPTH)
            clauses = {c.id: c for c in self.index.store.get_clauses([h.clause_id for h in hits])}
            ranking = [Unit(h.clause_id, clauses[h.clause_id].text) for h in hits if h.clause_id in clauses]
            top = ranking[:1]
            return SystemOutput(True, top[0].text if top else "", top, ranking, asked=text)

        return _timed(go)


# ---- the naive llama-index pipeline -------------------------------------------------------------------------


def naive_chunks(files: Sequence[Path], chunk_size: int = NAIVE_CHUNK_SIZE) -> list[Unit]:
    """Read files whole (SimpleDirectoryReader) and split them with SentenceSplitter, as the tutorial does."""
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.node_parser import SentenceSplitter

    if not files:
        raise ValueError("naive_llamaindex: no corpus files to read")
    docs = SimpleDirectoryReader(input_files=[str(f) for f in files]).load_data(show_progress=False)
    nodes = SentenceSplitter(chunk_size=chunk_size).get_nodes_from_documents(docs)
    counters: dict[str, int] = {}
    units = []
    for node in nodes:
        name = Path(str(node.metadata.get("file_path") or node.metadata.get("file_name") or "doc")).name
        counters[name] = counters.get(name, 0) + 1
        units.append(Unit(f"{name}#{counters[name]}", node.get_content()))
    return units


class NaiveLlamaIndexSystem:
    name = "naive_llamaindex"

    def __init__(self, units: Sequence[Unit], embed_model: Any) -> None:
        from llama_index.core import VectorStoreIndex
        from llama_index.core.schema import TextNode

        self.units = {u.id: u for u in units}
        nodes = [TextNode(id_=u.id, text=u.text) for u in units]
        self._index = VectorStoreIndex(nodes, embed_model=embed_model, show_progress=False)
        self._retriever = self._index.as_retriever(similarity_top_k=RANK_DEPTH)

    def run(self, question: Question) -> SystemOutput:
        def go() -> SystemOutput:
            text = _joined(question)
            ranking = [self.units[n.node.node_id] for n in self._retriever.retrieve(text)]
            top = ranking[:NAIVE_ANSWER_CHUNKS]
            return SystemOutput(True, "\n\n".join(u.text for u in top), top, ranking, asked=text)

        return _timed(go)


# ---- construction -------------------------------------------------------------------------------------------

ALL_SYSTEMS = ("assistant", "bm25_plain", "dense_only", "naive_llamaindex")


def embedding_model(settings: Settings, index: Any | None = None) -> Any:
    """The llama-index embedding our index uses, so baselines compare retrieval, not embedding models."""
    from assistant.embedding import get_embedding

    existing = getattr(index, "embed_model", None) if index is not None else None
    return existing if existing is not None else get_embedding(settings)


def build_systems(settings: Settings, assistant: Assistant, names: Sequence[str] | None = None) -> list[System]:
    """Instantiate the named systems (all by default) over the assistant's opened index."""
    names = list(names or ALL_SYSTEMS)
    unknown = [n for n in names if n not in ALL_SYSTEMS]
    if unknown:
        raise ValueError(f"unknown eval system(s) {unknown}; choose from {list(ALL_SYSTEMS)}")
    index = assistant.index
    systems: list[System] = []
    for name in names:
        if name == "assistant":
            systems.append(AssistantSystem(assistant))
        elif name == "bm25_plain":
            systems.append(Bm25PlainSystem(store_clauses(index.store)))
        elif name == "dense_only":
            systems.append(DenseOnlySystem(index))
        elif name == "naive_llamaindex":
            files = sorted({Path(d.source_file) for d in index.store.list_documents()})
            systems.append(NaiveLlamaIndexSystem(naive_chunks(files), embedding_model(settings, index)))
    return systems
