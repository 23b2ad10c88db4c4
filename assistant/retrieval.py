"""Hybrid retrieval: dense (e5 / MiniLM vectors) and BM25 (lexical tokens) fused by reciprocal rank, as a
llama-index retriever.

Dense search catches paraphrases ("ai lo vốn cho HTX" ~ "Sở Tài chính bố trí kinh phí"); BM25 catches exact
names, numbers and document identifiers that embeddings blur. Reciprocal-rank fusion (k=60, as in llama-index's
QueryFusionRetriever) needs no score calibration between the two. Metadata filters (province, document, year,
type) are applied inside both retrievers, so a filtered search never returns another province's clause.

`HybridSearch` does the work without importing llama-index (~1.6 s of imports, most of a one-shot `htx ask`
budget); `HybridRetriever` is the same search as a llama-index `BaseRetriever`, created on first access.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.index import IndexHandle
from assistant.models import Hit, RetrievalFilters

RRF_K = 60
_PLACE_PREFIX = r"(?:(?:tỉnh|tinh|thành phố|thanh pho|tp\.?)\s+)?"


def has_diacritics(text: str) -> bool:
    from ingest.textnorm import fold_accents

    return fold_accents(text) != text.lower()


def without_filtered_places(query_text: str, provinces: list[str]) -> str:
    """The question minus the provinces it is already filtered to.

    Inside one province's documents its name only matches clauses that happen to repeat it ("Báo Lâm Đồng"),
    pulling them above the clauses that answer; the filter already carries that information.
    """
    from ingest.textnorm import fold_accents

    for province in provinces:
        for form in {province, fold_accents(province)}:
            pattern = _PLACE_PREFIX + r"\s+".join(re.escape(part) for part in form.split())
            query_text = re.sub(rf"(?<!\w){pattern}(?!\w)", " ", query_text, flags=re.IGNORECASE)
    return " ".join(query_text.split())


def fuse(rankings: dict[str, list[Hit]], k: int, rrf_k: int = RRF_K,
         weights: dict[str, float] | None = None) -> list[Hit]:
    """Reciprocal-rank fusion of ranked hit lists keyed by retriever name ("dense", "lexical")."""
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, hits in rankings.items():
        weight = (weights or {}).get(name, 1.0)
        for rank, hit in enumerate(hits, start=1):
            scores[hit.clause_id] = scores.get(hit.clause_id, 0.0) + weight / (rrf_k + rank)
            ranks.setdefault(hit.clause_id, {})[name] = rank
    ordered = sorted(scores, key=lambda cid: (-scores[cid], min(ranks[cid].values()), cid))[:k]
    return [
        Hit(clause_id=cid, score=scores[cid], dense_rank=ranks[cid].get("dense"), lexical_rank=ranks[cid].get("lexical"))
        for cid in ordered
    ]


class HybridSearch:
    """Dense + BM25 search fused by reciprocal rank; `search` returns `Hit`s best first."""

    def __init__(self, index: IndexHandle, filters: RetrievalFilters | None = None, k: int = 8,
                 candidates: int = 40) -> None:
        self.index = index
        self.filters = filters or RetrievalFilters()
        self.k = k
        # Each side contributes this many candidates to the fusion; deeper lists let agreement lift a clause.
        self.candidates = candidates

    def search(self, query_text: str, filters: RetrievalFilters | None = None, k: int = 8,
               expansion: str = "", holds_answer: Callable[[str], bool] | None = None) -> list[Hit]:
        """`expansion`: synonyms of the question's words (folded), added to the lexical query only: BM25 needs
        the clause's own wording ("ít nhất" for "tối thiểu"), while the embedding already places paraphrases
        together and would only be blurred by them.

        `holds_answer(text)`: whether a clause's text holds an answer of the asked kind (a percentage, a count
        of members...). The deep candidate lists, cut to the clauses that do, become a third ranking in the
        fusion: a long clause that states "ít nhất 05 thành viên" among many other words ranks low on both
        similarity lists, yet it is the one clause of the neighbourhood that can answer."""
        filters = filters or RetrievalFilters()
        depth = max(self.candidates, k)
        query_text = without_filtered_places(query_text, filters.provinces) or query_text
        lexical = self.index.lexical(f"{query_text} {expansion}".strip(), filters, depth)
        rankings: dict[str, list[Hit]] = {"lexical": lexical}
        if not (lexical and not has_diacritics(query_text)):
            # e5 embeds Vietnamese typed without diacritics poorly (its nearest clauses are near arbitrary),
            # and in RRF even a down-weighted noisy list reorders the close lexical ranks; the folded BM25
            # tokens match such questions exactly, so they decide alone.
            rankings["dense"] = self.index.dense(query_text, filters, depth)
        if holds_answer is not None:
            rankings["typed"] = self._holding_answer(fuse(rankings, 2 * depth), holds_answer)
        defined = self._definitions_of_terms_named(query_text, filters)
        if defined:
            rankings["defined"] = defined
        hits = fuse(rankings, k, weights={"typed": 0.5, "defined": 0.5})
        # A definition the fusion leaves out is still a candidate, after the fused ones: the ranker reads what it
        # states.
        kept = {h.clause_id for h in hits}
        return hits + [h for h in defined if h.clause_id not in kept]

    def _definitions_of_terms_named(self, query_text: str, filters: RetrievalFilters) -> list[Hit]:
        """The clauses of a definitions article ("Giải thích từ ngữ") that define a term the question names, the
        longest named terms only: "Hợp tác xã là tổ chức … do ít nhất 05 thành viên chính thức … thành lập"
        states what a founder asks, in a long clause neither similarity list ranks high."""
        from ingest.lexicon import contains_phrase, fold_words

        if filters.provinces:
            return []
        folded = fold_words(query_text)
        definitions = self.index.defined_terms
        named = [term for term in definitions if contains_phrase(folded, term)]
        longest = [t for t in named if not any(t != other and contains_phrase(other, t) for other in named)]
        return [Hit(clause_id=clause_id, score=0.0) for term in longest
                for clause_id, document_id in definitions[term]
                if not filters.document_ids or document_id in filters.document_ids]

    def _holding_answer(self, pool: list[Hit], holds_answer: Callable[[str], bool]) -> list[Hit]:
        # A point is read with its lead-in: "Trong thời hạn 07 ngày làm việc …:" holds the period its points share.
        texts = {c.id: f"{c.lead_in} {c.text}" if c.lead_in else c.text
                 for c in self.index.store.get_clauses([h.clause_id for h in pool])}
        return [h for h in pool if holds_answer(texts.get(h.clause_id, ""))]

    def dense_only(self, query_text: str, filters: RetrievalFilters | None = None, k: int = 8) -> list[Hit]:
        hits = self.index.dense(query_text, filters or RetrievalFilters(), k)
        return [h.model_copy(update={"dense_rank": r}) for r, h in enumerate(hits, start=1)]

    def lexical_only(self, query_text: str, filters: RetrievalFilters | None = None, k: int = 8) -> list[Hit]:
        hits = self.index.lexical(query_text, filters or RetrievalFilters(), k)
        return [h.model_copy(update={"lexical_rank": r}) for r, h in enumerate(hits, start=1)]


def _make_hybrid_retriever() -> type:
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    class HybridRetriever(HybridSearch, BaseRetriever):
        """HybridSearch as a llama-index retriever: `retrieve(question)` gives nodes carrying the clause text,
        filtered by the `filters` given at construction."""

        def __init__(self, index: IndexHandle, filters: RetrievalFilters | None = None, k: int = 8,
                     candidates: int = 40, expansion: str = "",
                     holds_answer: Callable[[str], bool] | None = None) -> None:
            BaseRetriever.__init__(self)
            HybridSearch.__init__(self, index, filters, k, candidates)
            self.expansion = expansion
            self.holds_answer = holds_answer

        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            hits = self.search(query_bundle.query_str, self.filters, self.k, self.expansion, self.holds_answer)
            clauses = {c.id: c for c in self.index.store.get_clauses([h.clause_id for h in hits])}
            nodes: list[NodeWithScore] = []
            for hit in hits:
                clause = clauses.get(hit.clause_id)
                if clause is None:
                    continue
                metadata: dict[str, Any] = {"doc": clause.document_id, "path": clause.path, "kind": clause.kind,
                                            "clause_id": clause.id, "dense_rank": hit.dense_rank,
                                            "lexical_rank": hit.lexical_rank}
                nodes.append(NodeWithScore(node=TextNode(id_=clause.id, text=clause.text, metadata=metadata),
                                           score=hit.score))
            return nodes

    HybridRetriever.__module__ = __name__
    HybridRetriever.__qualname__ = "HybridRetriever"
    return HybridRetriever


if TYPE_CHECKING:
    HybridRetriever: Any  # at run time the llama-index subclass of HybridSearch made below
else:
    def __getattr__(name: str) -> Any:
        if name == "HybridRetriever":
            cls = _make_hybrid_retriever()
            globals()["HybridRetriever"] = cls
            return cls
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
