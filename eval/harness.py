"""`htx-eval`: every system answers every gold question over the same index; one scorer judges them all.

Per item (`score_item`):
- answer_correct: answerable -> found and every key fact in the answer text; unanswerable -> found is false.
- supported: some cited unit is a gold clause or contains a gold support span (answerable items only).
- correct (the verdict listed in the report): answer_correct and, for answerable items, supported — a right
  number without the clause that says it is not an answer we can stand behind.
- retrieval: Recall@1/@5 and reciprocal rank within 10 of the system's ranking (answerable items with gold).
Aggregates (`aggregate`) are means over items, overall and by intent / category.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.settings import Settings
from eval import metrics
from eval.baselines import Question, System, SystemOutput

log = logging.getLogger(__name__)

DEFAULT_QA = Path(__file__).resolve().parent / "qa.jsonl"


class ItemScore(BaseModel):
    id: str
    system: str
    question: str
    intent: str
    category: str
    answerable: bool
    found: bool
    answer_correct: bool
    supported: bool | None = Field(None, description="None for unanswerable items")
    correct: bool
    confidently_wrong: bool = Field(
        False, description="Claimed an answer (found) that is wrong: a missing key fact, no cited gold clause, "
        "or any answer to an unanswerable question"
    )
    recall_at_1: float | None = None
    recall_at_5: float | None = None
    rr_at_10: float | None = None
    latency_ms: float
    missing_facts: list[list[str]] = Field(default_factory=list)
    expected_facts: list[list[str]] = Field(default_factory=list)
    answer: str = ""
    cited_ids: list[str] = Field(default_factory=list)
    asked: str = ""


class SystemMetrics(BaseModel):
    n: int
    answer_accuracy: float | None
    correct_cited: float | None = Field(None, description="Strict verdict: accurate and (if answerable) supported")
    recall_at_1: float | None = Field(None, alias="recall@1")
    recall_at_5: float | None = Field(None, alias="recall@5")
    mrr_at_10: float | None = Field(None, alias="mrr@10")
    citation_support: float | None = None
    refusal_precision: float | None = None
    refusal_recall: float | None = None
    confidently_wrong: float | None = Field(None, description="Share of all items answered (found) wrongly")
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class SystemReport(SystemMetrics):
    by_intent: dict[str, SystemMetrics] = Field(default_factory=dict)
    by_category: dict[str, SystemMetrics] = Field(default_factory=dict)


class EvalResult(BaseModel):
    n_questions: int
    qa_file: str
    index_documents: int = 0
    embed_model: str = ""
    systems: dict[str, SystemReport]
    external: dict[str, Any] = Field(default_factory=dict)
    items: dict[str, list[ItemScore]] = Field(default_factory=dict, exclude=True)

    def summary(self) -> str:
        from eval.report import metrics_table

        return f"{self.n_questions} questions, index of {self.index_documents} documents ({self.embed_model})\n" + (
            metrics_table(self)
        )


# ---- reading gold items tolerantly (eval/gold.py owns the format) ------------------------------------------------


def _field(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def gold_spans(item: Any) -> list[str]:
    return [str(_field(g, "support") or "") for g in (_field(item, "gold") or [])]


def gold_ids(item: Any) -> list[str]:
    return list(_field(item, "gold_clause_ids") or [])


def item_question(item: Any) -> Question:
    turns = [t if isinstance(t, str) else str(_field(t, "question") or _field(t, "text") or "")
             for t in (_field(item, "turns") or [])]
    return Question(text=str(_field(item, "question")), turns=[t for t in turns if t])


# ---- scoring ---------------------------------------------------------------------------------------------------


def score_item(item: Any, system: str, out: SystemOutput) -> ItemScore:
    answerable = bool(_field(item, "answerable", True))
    key_facts = [list(f) for f in (_field(item, "key_facts") or [])]
    ids, spans = gold_ids(item), gold_spans(item)
    n_gold = metrics.n_gold_entries(ids, spans)

    answer_ok = metrics.answer_correct(answerable, out.found, out.answer, key_facts)
    supported: bool | None = None
    r1 = r5 = rr = None
    if answerable:
        supported = metrics.cited_support(metrics.gold_matches(u.id, u.text, ids, spans) for u in out.cited)
        if n_gold:
            ranked = [metrics.gold_matches(u.id, u.text, ids, spans) for u in out.ranking]
            r1 = metrics.recall_at_k(ranked, n_gold, 1)
            r5 = metrics.recall_at_k(ranked, n_gold, 5)
            rr = metrics.reciprocal_rank(ranked, 10)
    correct = answer_ok and (supported is not False)
    confidently_wrong = out.found and not correct
    return ItemScore(
        id=str(_field(item, "id")),
        system=system,
        question=str(_field(item, "question")),
        intent=str(_field(item, "intent") or "general"),
        category=str(_field(item, "category") or "uncategorised"),
        answerable=answerable,
        found=out.found,
        answer_correct=answer_ok,
        supported=supported,
        correct=correct,
        confidently_wrong=confidently_wrong,
        recall_at_1=r1,
        recall_at_5=r5,
        rr_at_10=rr,
        latency_ms=out.latency_ms,
        missing_facts=metrics.missing_facts(out.answer, key_facts) if answerable else [],
        expected_facts=key_facts,
        answer=out.answer,
        cited_ids=[u.id for u in out.cited],
        asked=out.asked,
    )


def _mean_of(values: Iterable[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return metrics.mean(present)


def aggregate(scores: Sequence[ItemScore]) -> SystemMetrics:
    answerable = [s for s in scores if s.answerable]
    precision, recall = metrics.refusal_precision_recall([s.answerable for s in scores], [s.found for s in scores])
    latencies = [s.latency_ms for s in scores]
    return SystemMetrics(
        n=len(scores),
        answer_accuracy=_mean_of(s.answer_correct for s in scores),
        correct_cited=_mean_of(s.correct for s in scores),
        recall_at_1=_mean_of(s.recall_at_1 for s in answerable),
        recall_at_5=_mean_of(s.recall_at_5 for s in answerable),
        mrr_at_10=_mean_of(s.rr_at_10 for s in answerable),
        citation_support=_mean_of(s.supported for s in answerable),
        refusal_precision=precision,
        refusal_recall=recall,
        confidently_wrong=_mean_of(s.confidently_wrong for s in scores),
        latency_p50_ms=metrics.percentile(latencies, 50),
        latency_p95_ms=metrics.percentile(latencies, 95),
    )


def report_for(scores: Sequence[ItemScore]) -> SystemReport:
    by_intent: dict[str, list[ItemScore]] = defaultdict(list)
    by_category: dict[str, list[ItemScore]] = defaultdict(list)
    for s in scores:
        by_intent[s.intent].append(s)
        by_category[s.category].append(s)
    overall = aggregate(scores)
    return SystemReport(
        **overall.model_dump(by_alias=False),
        by_intent={k: aggregate(v) for k, v in sorted(by_intent.items())},
        by_category={k: aggregate(v) for k, v in sorted(by_category.items())},
    )


def evaluate(items: Sequence[Any], systems: Sequence[System]) -> dict[str, list[ItemScore]]:
    """Run every system on every item (systems interleaved per item, so drift in machine load hits all alike)."""
    scores: dict[str, list[ItemScore]] = {s.name: [] for s in systems}
    for n, item in enumerate(items, start=1):
        question = item_question(item)
        for system in systems:
            scores[system.name].append(score_item(item, system.name, system.run(question)))
        if n % 10 == 0:
            log.info("eval: %d/%d items", n, len(items))
    return scores


def run_eval(
    settings: Settings,
    systems: Sequence[str] | None = None,
    out_dir: Path | None = None,
    qa_path: Path | None = None,
    external: bool = True,
    limit: int | None = None,
) -> EvalResult:
    """Evaluate the named systems (all by default) on the gold set against the index in `settings.data_dir`."""
    from assistant.service import Assistant
    from eval.baselines import build_systems
    from eval.gold import load_qa

    qa_file = qa_path or DEFAULT_QA
    items = load_qa(qa_file)
    if limit is not None:
        items = items[:limit]
    if not items:
        raise ValueError(f"{qa_file}: no gold items to evaluate")
    assistant = Assistant(settings).load()
    built = build_systems(settings, assistant, systems)
    scores = evaluate(items, built)
    result = EvalResult(
        n_questions=len(items),
        qa_file=str(qa_file),
        index_documents=len(assistant.store.list_documents()),
        embed_model=settings.embed_model,
        systems={name: report_for(s) for name, s in scores.items()},
        items=scores,
    )
    if external:
        from eval.external import run_external

        result.external = run_external(settings).model_dump()
    if out_dir is not None:
        from eval.report import write_report

        write_report(result, out_dir)
    return result
