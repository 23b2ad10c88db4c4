"""The tasks of an agency across many plans: the answer reads what it shows, not what the corpus holds, and lists
exactly what reading every task and sorting it would list.

Real stores of the seed plans copied 1 and 8 times (provinces renamed, as the benchmark does), built from the real
parser and fact extractor (no embedding: the tasks answer reads facts, clauses and term weights only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.compose.corpus import Corpus
from assistant.compose.plans import MAX_DOCUMENTS_LISTED, MAX_FACTS_RETURNED, MAX_TASKS_PER_DOCUMENT, tasks
from assistant.models import Answer
from assistant.query import Catalog, analyze
from assistant.relevance import TermWeights, content_terms, terms
from assistant.store import Store
from eval.bench import seed_files, synthesize_corpus
from ingest.facts import extract_facts
from ingest.models import Clause, Fact
from ingest.pipeline import parse_file
from tests.conftest import CORPUS

# Questions about agencies with tasks in every copy of the plans, with and without a topic beyond the agency.
QUESTIONS = (
    "Nhiệm vụ của Liên minh Hợp tác xã tỉnh là gì?",
    "Sở Tài chính có nhiệm vụ gì về kinh phí hỗ trợ?",
    "Sở Kế hoạch và Đầu tư làm gì liên quan đến đăng ký hợp tác xã?",
    "Các sở, ban, ngành có nhiệm vụ gì trong tuyên truyền?",
)


class CountingStore(Store):
    """The real store, counting the records each read returns (what an answer costs in records built)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.read: Counter[str] = Counter()

    def facts(self, *args: object, **kwargs: object) -> list[Fact]:
        found = super().facts(*args, **kwargs)  # type: ignore[arg-type]
        self.read["facts"] += len(found)
        return found

    def get_facts(self, fact_ids: Sequence[str]) -> list[Fact]:
        found = super().get_facts(fact_ids)
        self.read["facts"] += len(found)
        return found

    def get_clauses(self, clause_ids: Sequence[str]) -> list[Clause]:
        found = super().get_clauses(clause_ids)
        self.read["clauses"] += len(found)
        return found


def _store(copies: int, root: Path) -> CountingStore:
    store = CountingStore(root / "store.sqlite")
    counts: Counter[str] = Counter()
    n_texts = 0
    for file in synthesize_corpus(seed_files(CORPUS), copies, root / "corpus"):
        parsed = parse_file(file)
        store.upsert_document(parsed, extract_facts(parsed))
        for clause in parsed.clauses:
            counts.update(set(terms(" ".join([clause.text, *clause.headings]))))
        n_texts += len(parsed.clauses)
    store.weights = TermWeights.from_counts(counts, n_texts)  # type: ignore[attr-defined]
    return store


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, CountingStore]:
    return {n: _store(n, tmp_path_factory.mktemp(f"copies{n}")) for n in (1, 8, 16)}


def _ask(store: CountingStore, question: str, warm: bool = False) -> Answer:
    corpus = Corpus(store, store.weights, "")  # type: ignore[attr-defined]
    if warm:
        corpus.assignments.load()  # every agency indexed up front (the server's warm-up), not on first question
    analysis = analyze(question, Catalog(documents=store.list_documents()))
    assert analysis.intent == "tasks" and analysis.agencies, question
    return tasks(corpus, analysis, [], [])


def _reference(store: CountingStore, question: str) -> tuple[list[tuple[str, list[str]]], list[str], int]:
    """What the answer must show, computed the plain way: every task of the agency read and sorted in Python.
    (documents shown with their cited clause ids, the facts returned, the number of documents)"""
    analysis = analyze(question, Catalog(documents=store.list_documents()))
    facts = store.facts(kind="responsibility", agency=analysis.agencies[0])
    clauses = {c.id: c for c in store.get_clauses([f.clause_id for f in facts])}
    topic = content_terms(analysis.question, drop=[*analysis.provinces, *analysis.agencies])
    weights: TermWeights = store.weights  # type: ignore[attr-defined]

    def topicality(fact: Fact) -> float:
        clause = clauses[fact.clause_id]
        return weights.coverage(topic, " ".join([*clause.headings, clause.text])) if topic else 0.0

    facts = sorted(facts, key=topicality, reverse=True)
    by_document: dict[str, list[str]] = {}
    for fact in sorted(facts, key=lambda f: f.role != "lead"):
        cited = by_document.setdefault(fact.document_id, [])
        if fact.clause_id not in cited and len(cited) < MAX_TASKS_PER_DOCUMENT:
            cited.append(fact.clause_id)
    shown = list(by_document.items())[:MAX_DOCUMENTS_LISTED]
    return shown, [f.id for f in facts[:MAX_FACTS_RETURNED]], len(by_document)


@pytest.mark.parametrize("warm", [False, True])
@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_lists_what_sorting_every_task_lists(stores: dict[int, CountingStore], question: str,
                                                        warm: bool) -> None:
    for store in stores.values():
        answer = _ask(store, question, warm)
        shown, facts, n_documents = _reference(store, question)
        assert answer.found
        assert [c.clause_id for c in answer.citations] == [cid for _, cited in shown for cid in cited]
        assert [f.id for f in answer.facts] == facts
        rows = [line for line in answer.answer.splitlines() if line.startswith("• ")]
        assert len(rows) == len(shown) == min(n_documents, MAX_DOCUMENTS_LISTED)
        if n_documents > MAX_DOCUMENTS_LISTED:
            assert f"Còn {n_documents - MAX_DOCUMENTS_LISTED} văn bản khác" in answer.answer
        else:
            assert "Còn " not in answer.answer


@pytest.mark.parametrize("question", QUESTIONS)
def test_records_read_do_not_grow_with_the_corpus(stores: dict[int, CountingStore], question: str) -> None:
    """8 and 16 copies of the plans: the answer reads what it shows (documents listed × tasks each, plus the facts
    it returns), the same at both sizes, where reading every task of the agency reads twice as much at 16."""
    read: dict[int, int] = {}
    for copies in (8, 16):
        store = stores[copies]
        _ask(store, question)  # the first question about tasks builds the index of assignments
        store.read.clear()
        _ask(store, question)
        read[copies] = sum(store.read.values())
    assert read[16] <= 2 * (MAX_DOCUMENTS_LISTED * MAX_TASKS_PER_DOCUMENT + MAX_FACTS_RETURNED), read
    assert read[16] <= 1.2 * read[8], read
    every_task = len(stores[16].facts(kind="responsibility", agency=_agency(stores[16], question)))
    assert every_task > 1.5 * read[16], (every_task, read)  # the test could tell the two apart


def _agency(store: CountingStore, question: str) -> str:
    return analyze(question, Catalog(documents=store.list_documents())).agencies[0]


def test_an_agency_without_tasks_is_refused(stores: dict[int, CountingStore]) -> None:
    store = stores[1]
    answer = _ask(store, "Sở Tư pháp có nhiệm vụ gì?")
    if store.facts(kind="responsibility", agency="Sở Tư pháp"):
        pytest.skip("the seed plans assign tasks to this agency")
    assert not answer.found and "Không tìm thấy nhiệm vụ nào của Sở Tư pháp" in answer.answer


def test_a_province_filter_keeps_only_its_documents(stores: dict[int, CountingStore]) -> None:
    store = stores[8]
    province = "Lâm Đồng"  # copy 1 keeps the real provinces
    analysis = analyze(f"Nhiệm vụ của Liên minh Hợp tác xã tỉnh {province} là gì?",
                       Catalog(documents=store.list_documents()))
    assert analysis.provinces == [province]
    answer = tasks(Corpus(store, store.weights, ""), analysis, [], [])  # type: ignore[attr-defined]
    documents = {d.id: d for d in store.list_documents()}
    assert answer.found and answer.citations
    assert {documents[c.document_id].province for c in answer.citations} == {province}
    assert "Còn " not in answer.answer  # one province's plans fit in the list
