"""Invariants of the gold Q&A set (eval/qa.jsonl) against the real corpus and the real parser.

The set is only useful if every item is right, so these checks fail loudly on: schema errors, coverage below the
agreed minimums, support spans that are not verbatim or do not pin down exactly one clause, stored clause ids that
a parser change has moved, and key facts that their own gold clauses do not contain.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.gold import (
    GoldResolutionError,
    GoldSetError,
    QAItem,
    find_clauses,
    fold,
    index_documents,
    load_qa,
    normalize_space,
    parse_corpus,
    resolve_gold,
)
from ingest.models import Clause, ParsedDocument

ROOT = Path(__file__).resolve().parents[1]
QA_PATH = ROOT / "eval" / "qa.jsonl"
CORPUS = ROOT / "corpus"

CATEGORY_MINIMUMS = {
    "who": 30,
    "target": 30,
    "deadline": 20,
    "support": 15,
    "table": 10,
    "multi_doc": 10,
    "no_diacritics": 10,
    "followup": 10,
    "unanswerable": 15,
    "law": 25,
}
MIN_ITEMS = 170


@pytest.fixture(scope="module")
def items() -> list[QAItem]:
    return load_qa(QA_PATH)


@pytest.fixture(scope="module")
def parsed_docs() -> list[ParsedDocument]:
    return parse_corpus(CORPUS)


@pytest.fixture(scope="module")
def by_document(parsed_docs: list[ParsedDocument]) -> dict[str, ParsedDocument]:
    return index_documents(parsed_docs, CORPUS)


@pytest.fixture(scope="module")
def clauses_by_id(parsed_docs: list[ParsedDocument]) -> dict[str, Clause]:
    return {clause.id: clause for doc in parsed_docs for clause in doc.clauses}


def test_every_line_is_a_valid_item_with_a_unique_id(items: list[QAItem]) -> None:
    raw_lines = [line for line in QA_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) == len(raw_lines)
    ids = [item.id for item in items]
    assert len(ids) == len(set(ids))
    assert all(item.question.strip() for item in items)


def test_category_minimums(items: list[QAItem]) -> None:
    counts = Counter(item.category for item in items)
    short = {cat: (counts[cat], need) for cat, need in CATEGORY_MINIMUMS.items() if counts[cat] < need}
    assert not short, f"categories below their minimum (have, need): {short}"
    assert len(items) >= MIN_ITEMS


def test_answerable_items_have_facts_and_gold_and_unanswerable_have_none(items: list[QAItem]) -> None:
    for item in items:
        if item.answerable:
            assert item.key_facts and item.gold and item.gold_clause_ids, item.id
            assert item.category != "unanswerable", item.id
        else:
            assert not item.key_facts and not item.gold and not item.gold_clause_ids, item.id
            assert item.category == "unanswerable", item.id


def test_turns_only_on_followups(items: list[QAItem]) -> None:
    for item in items:
        assert bool(item.turns) == (item.category == "followup"), item.id


def test_multi_doc_items_cite_several_documents(items: list[QAItem]) -> None:
    for item in items:
        if item.category == "multi_doc":
            assert len({ref.document for ref in item.gold}) >= 2, item.id


def test_no_diacritics_items_are_unaccented_or_abbreviated(items: list[QAItem]) -> None:
    abbreviations = ("KH&ĐT", "NN&PTNT", "LMHTX", "LĐTBXH", "LDTBXH", "GTVT", "THT", "HTX")
    for item in items:
        if item.category == "no_diacritics":
            unaccented = fold(item.question) == normalize_space(item.question).lower()
            assert unaccented or any(abbr in item.question for abbr in abbreviations), item.id


def test_support_spans_are_verbatim_in_the_source(items: list[QAItem], by_document: dict[str, ParsedDocument]) -> None:
    # Table rows are cited in the rendering of ingest/tables.py ("label — section: district: value"), which is
    # not a substring of the one-cell-per-line source; for them the span must be in the rendered row instead.
    sources: dict[str, str] = {}
    for item in items:
        for ref in item.gold:
            if ref.document not in sources:
                sources[ref.document] = normalize_space((CORPUS / ref.document).read_text(encoding="utf-8"))
            span = normalize_space(ref.support)
            if span in sources[ref.document]:
                continue
            matches = find_clauses(by_document[ref.document], ref.support)
            assert matches and all(clause.kind == "table_row" for clause in matches), (
                f"{item.id}: support {ref.support!r} is not verbatim in {ref.document}"
            )


def test_each_support_resolves_to_exactly_one_clause(
    items: list[QAItem], by_document: dict[str, ParsedDocument]
) -> None:
    problems = []
    for item in items:
        for ref in item.gold:
            assert ref.document in by_document, f"{item.id}: {ref.document} not parsed"
            n = len(find_clauses(by_document[ref.document], ref.support))
            if n != 1:
                problems.append(f"{item.id}: {ref.support!r} -> {n} clauses")
    assert not problems, problems


def test_stored_gold_clause_ids_match_a_fresh_resolution(
    items: list[QAItem], parsed_docs: list[ParsedDocument]
) -> None:
    fresh = {item.id: item.gold_clause_ids for item in resolve_gold(items, parsed_docs, CORPUS)}
    stale = [item.id for item in items if item.gold_clause_ids != fresh[item.id]]
    assert not stale, f"gold_clause_ids out of date for {stale}; run `python -m eval.gold`"


def test_key_facts_appear_in_their_gold_clauses(items: list[QAItem], clauses_by_id: dict[str, Clause]) -> None:
    # The first spelling is the verbatim one; the others are abbreviations or numeral variants a correct answer
    # may use instead, which the documents themselves need not contain. A clause is read with its headings, as
    # citations show them (an agency is often the heading above its tasks).
    missing = []
    for item in items:
        texts = [
            fold(" ".join([*clauses_by_id[cid].headings, clauses_by_id[cid].text])) for cid in item.gold_clause_ids
        ]
        for fact in item.key_facts:
            if not any(fold(fact[0]) in text for text in texts):
                missing.append(f"{item.id}: {fact[0]!r}")
    assert not missing, missing


def test_unanswerable_questions_name_nothing_the_gold_set_answers(items: list[QAItem]) -> None:
    # Guard against an unanswerable item that duplicates an answerable question word for word.
    answerable = {fold(item.question) for item in items if item.answerable}
    for item in items:
        if not item.answerable:
            assert fold(item.question) not in answerable, item.id


def test_resolution_errors_name_the_item(parsed_docs: list[ParsedDocument]) -> None:
    base = {"question": "q", "intent": "general", "category": "law", "answerable": True, "key_facts": [["x"]]}
    missing = QAItem.model_validate(
        {
            **base,
            "id": "t-missing",
            "gold": [
                {"document": "thong-bao-ket-luan-bcd-ktt-2016.txt", "support": "câu này không có trong văn bản nào"}
            ],
        }
    )
    with pytest.raises(GoldResolutionError, match="t-missing"):
        resolve_gold([missing], parsed_docs, CORPUS)
    ambiguous = QAItem.model_validate(
        {
            **base,
            "id": "t-ambiguous",
            "gold": [
                {"document": "thong-bao-ket-luan-bcd-ktt-2016.txt", "support": "Ban Chỉ đạo Phát triển Kinh tế tập thể"}
            ],
        }
    )
    with pytest.raises(GoldResolutionError, match="t-ambiguous.*lengthen"):
        resolve_gold([ambiguous], parsed_docs, CORPUS)


def test_load_qa_rejects_bad_lines_with_file_and_line(tmp_path: Path) -> None:
    good = json.loads(QA_PATH.read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(good, ensure_ascii=False) + "\n")
    with pytest.raises(GoldSetError, match=r"qa.jsonl:2: duplicate id"):
        load_qa(path)
    short_span = {**good, "gold": [{"document": "x.txt", "support": "quá ngắn"}]}
    path.write_text(json.dumps(short_span, ensure_ascii=False) + "\n")
    with pytest.raises(GoldSetError, match=r"qa.jsonl:1: invalid gold item"):
        load_qa(path)
