"""Retrieval check on published Vietnamese legal question sets (ALQAC 2025, Zalo AI 2021), outside our corpus.

Each dataset's gold articles (deduplicated by law_id + article_id) form a separate small corpus, one article one
unit. Two retrievers are compared at article level:
- `ours_hybrid`: our components — `ingest.segment.lexical_tokens` for BM25 (bm25s), our embedding model for
  dense search (exact cosine, what Chroma computes), fused by reciprocal rank as our retriever does;
- `naive_llamaindex`: `SentenceSplitter(chunk_size=512)` chunks of the same article texts in an in-memory
  `VectorStoreIndex` with the same embedding model, dense only; a chunk's rank counts for its article.
Recall@5 (share of a question's gold articles in the top 5) and MRR@10. The corpora are small (tens of
articles), so absolute numbers are optimistic; the comparison between retrievers is the point.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from assistant.settings import Settings
from eval import metrics

log = logging.getLogger(__name__)

# The question sets live outside the repository (competition data, no licence to redistribute).
EXTERNAL_DIRS = (Path(__file__).resolve().parent / "external-qa",)
DATASETS = {
    "alqac2025_admin_law": "qa_alqac2025_admin-law.jsonl",
    "zalo2021_coop_enterprise_admin": "qa_zalo2021_coop-enterprise-admin.jsonl",
}
RRF_K = 60  # the usual reciprocal-rank-fusion constant
CANDIDATES = 50  # per retriever, before fusion
NAIVE_CHUNK_SIZE = 512


@dataclass(frozen=True)
class ExternalQuestion:
    id: str
    question: str
    gold: frozenset[str]


class ExternalMetrics(BaseModel):
    n: int
    recall_at_5: float | None = Field(None, alias="recall@5")
    mrr_at_10: float | None = Field(None, alias="mrr@10")
    latency_p50_ms: float | None = None

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class ExternalDataset(BaseModel):
    file: str
    n_questions: int
    n_articles: int
    n_questions_skipped: int = Field(0, description="Questions without any gold article text")
    seconds: float
    systems: dict[str, ExternalMetrics]


class ExternalResult(BaseModel):
    datasets: dict[str, ExternalDataset] = Field(default_factory=dict)
    note: str = ""


def _present(value: Any) -> str:
    text = str(value or "").strip()
    return "" if text in {"None", "null"} else text


def load_dataset(path: Path) -> tuple[list[ExternalQuestion], dict[str, str], int]:
    """Questions with at least one gold article text, the article texts by 'law_id#article_id', skipped count."""
    questions: list[ExternalQuestion] = []
    articles: dict[str, str] = {}
    skipped = 0
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold = set()
            for art in row.get("relevant_articles") or []:
                text = _present(art.get("article_text"))
                if not text:
                    continue
                key = f"{_present(art['law_id']).lower()}#{_present(art['article_id'])}"
                title = _present(art.get("article_title"))
                articles.setdefault(key, f"Điều {_present(art['article_id'])}. {title}\n{text}" if title else text)
                gold.add(key)
            if gold:
                questions.append(ExternalQuestion(str(row["id"]), str(row["question"]), frozenset(gold)))
            else:
                skipped += 1
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{line_no}: malformed external question: {exc}") from exc
    return questions, articles, skipped


# ---- retrievers ------------------------------------------------------------------------------------------------


class HybridArticles:
    """Our lexical tokens + our embedding, fused by reciprocal rank."""

    def __init__(self, articles: dict[str, str], embed_model: Any) -> None:
        import bm25s

        from ingest.segment import lexical_tokens

        self.keys = list(articles)
        self._tokens = lexical_tokens
        self._bm25 = bm25s.BM25()
        self._bm25.index([lexical_tokens(articles[k]) for k in self.keys], show_progress=False)
        self._embed = embed_model
        self._vectors = np.asarray(embed_model.embed_passages([articles[k] for k in self.keys]), dtype=np.float32)

    def rank(self, question: str, depth: int = 10) -> list[str]:
        k = min(CANDIDATES, len(self.keys))
        fused: dict[int, float] = {}
        tokens = self._tokens(question)
        if tokens:
            docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False)
            lexical = [int(i) for i, s in zip(docs[0], scores[0], strict=True) if s > 0]
            for r, i in enumerate(lexical, start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + r)
        query = np.asarray(self._embed.embed_query(question), dtype=np.float32)
        for r, i in enumerate(np.argsort(-(self._vectors @ query))[:k].tolist(), start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + r)
        return [self.keys[i] for i in sorted(fused, key=lambda i: -fused[i])[:depth]]


class NaiveChunkArticles:
    """The tutorial pipeline: chunks in a VectorStoreIndex, dense only; ranks folded to articles."""

    def __init__(self, articles: dict[str, str], embed_model: Any) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        docs = [Document(text=text, metadata={"article": key}) for key, text in articles.items()]
        nodes = SentenceSplitter(chunk_size=NAIVE_CHUNK_SIZE).get_nodes_from_documents(docs)
        self._retriever = VectorStoreIndex(nodes, embed_model=embed_model).as_retriever(
            similarity_top_k=min(CANDIDATES, len(nodes))
        )

    def rank(self, question: str, depth: int = 10) -> list[str]:
        ranking: list[str] = []
        for hit in self._retriever.retrieve(question):
            key = hit.node.metadata["article"]
            if key not in ranking:
                ranking.append(key)
        return ranking[:depth]


def score_rankings(questions: list[ExternalQuestion], rank: Any) -> ExternalMetrics:
    recalls, rrs, latencies = [], [], []
    for q in questions:
        start = time.perf_counter()
        ranking = rank(q.question)
        latencies.append((time.perf_counter() - start) * 1000)
        matches = [{0} if key in q.gold else set() for key in ranking]
        covered = len(set(ranking[:5]) & q.gold)
        recalls.append(covered / len(q.gold))
        rrs.append(metrics.reciprocal_rank(matches, 10))
    return ExternalMetrics(
        n=len(questions),
        recall_at_5=metrics.mean(recalls),
        mrr_at_10=metrics.mean(rrs),
        latency_p50_ms=metrics.percentile(latencies, 50),
    )


def evaluate_dataset(path: Path, embed_model: Any, limit: int | None = None) -> ExternalDataset:
    start = time.perf_counter()
    questions, articles, skipped = load_dataset(path)
    if limit is not None:
        questions = questions[:limit]
    systems = {
        "ours_hybrid": score_rankings(questions, HybridArticles(articles, embed_model).rank),
        "naive_llamaindex": score_rankings(questions, NaiveChunkArticles(articles, embed_model).rank),
    }
    return ExternalDataset(
        file=str(path),
        n_questions=len(questions),
        n_articles=len(articles),
        n_questions_skipped=skipped,
        seconds=time.perf_counter() - start,
        systems=systems,
    )


def find_external_dir(candidates: tuple[Path, ...] = EXTERNAL_DIRS) -> Path | None:
    return next((d for d in candidates if all((d / f).is_file() for f in DATASETS.values())), None)


def run_external(settings: Settings, directory: Path | None = None, limit: int | None = None) -> ExternalResult:
    """Evaluate every external dataset found; an absent directory gives an empty result with a note, not an error."""
    from assistant.embedding import get_embedding

    directory = directory or find_external_dir()
    if directory is None:
        return ExternalResult(note=f"external question sets not found in {[str(d) for d in EXTERNAL_DIRS]}")
    embed_model = get_embedding(settings)
    result = ExternalResult(
        note="Article-level retrieval over each dataset's own gold articles (small corpora: optimistic in absolute "
        "terms). Zalo: only questions whose gold article text is available."
    )
    for name, file in DATASETS.items():
        log.info("external: %s", name)
        result.datasets[name] = evaluate_dataset(directory / file, embed_model, limit)
    return result
