"""A lead-in and the points that complete it are one piece of evidence for the answerability model."""

from __future__ import annotations

from assistant.answering.answerability import ANSWERABILITY_FEATURES, answerability_features, evidence_unit
from assistant.answering.candidate import Candidate
from assistant.models import Hit
from assistant.query import Catalog, analyze
from ingest.models import Clause, Document

DOCUMENT = Document(id="law", title="Luật mẫu", type="Luật", number="1/2099/QH", source_file="law.txt", sha256="0")
ARTICLE = "Điều 9. Trích lập quỹ"
LEAD = "2. Phần thu nhập khác được trích hằng năm nhưng không thấp hơn:"


def _candidate(path: str, text: str, headings: list[str], parent: str | None, probability: float,
               position: int) -> Candidate:
    clause = Clause(id=f"law:{path}", document_id="law", path=path, headings=headings, text=text, line_start=1,
                    line_end=1, kind="paragraph", parent_id=parent)
    return Candidate(clause=clause, document=DOCUMENT, hit=Hit(clause_id=clause.id, score=0.0), position=position,
                     context=text, probability=probability)


def test_points_under_one_lead_in_are_one_unit_and_not_rivals_of_each_other() -> None:
    lead = _candidate("D9.2", LEAD, [ARTICLE], None, 0.40, 1)
    first = _candidate("D9.2.a", "a) 7% đối với tổ nhỏ;", [ARTICLE, LEAD], "law:D9.2", 0.45, 0)
    second = _candidate("D9.2.b", "b) 12% đối với tổ lớn.", [ARTICLE, LEAD], "law:D9.2", 0.35, 2)
    other = _candidate("D11.1", "1. Quỹ khác được trích 3%.", ["Điều 11. Quỹ khác"], None, 0.10, 3)
    assert evidence_unit(first) == evidence_unit(second) == evidence_unit(lead) == "law:D9.2"
    assert evidence_unit(other) == "law:D11.1"

    features = dict(zip(ANSWERABILITY_FEATURES, answerability_features(
        analyze("Phần để riêng ít nhất mấy phần trăm?", Catalog()), [first, lead, second, other]), strict=True))
    assert features["best_probability"] == 0.45
    assert features["second_probability"] == 0.10  # the next unit's best, not a sibling point
    assert features["rivals"] == 1.0

