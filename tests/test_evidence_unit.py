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


def _features(question: str, ranked: list[Candidate]) -> dict[str, float]:
    return dict(zip(ANSWERABILITY_FEATURES, answerability_features(analyze(question, Catalog()), ranked),
                    strict=True))


def test_two_sources_stating_the_same_figure_agree_and_a_bound_is_checked() -> None:
    law = _candidate("D3.1", "1. Nhóm được lập khi có ít nhất 04 người.", ["Điều 3. Lập nhóm"], None, 0.5, 0)
    decree = _candidate("D7.2", "2. Nhóm gồm từ 4 người trở lên.", ["Điều 7. Nhóm"], None, 0.3, 1)
    other = _candidate("D8.1", "1. Ban điều hành có tối đa 09 người.", ["Điều 8. Ban"], None, 0.3, 1)
    law.answer_span, law.answer_span_bound = "ít nhất 04 người", "min"
    decree.answer_span, decree.answer_span_bound = "từ 4 người", "min"
    other.answer_span, other.answer_span_bound = "tối đa 09 người", "max"
    question = "Lập nhóm cần tối thiểu mấy người?"
    assert _features(question, [law, decree])["spans_agree"] == 1.0  # "04" and "4" are one figure
    assert _features(question, [law, other])["spans_agree"] == -1.0
    assert _features(question, [law, decree])["bound_agrees"] == 1.0
    assert _features(question, [other, law])["bound_agrees"] == -1.0
    assert _features("Lập nhóm cần mấy người?", [law, decree])["bound_agrees"] == 0.0  # no bound asked


def test_offices_named_in_other_words_are_not_read_as_disagreeing() -> None:
    filed = _candidate("D5.2", "2. Đơn được gửi đến Phòng Kinh tế huyện.", ["Điều 5. Nơi nhận đơn"], None, 0.5, 0)
    listed = _candidate("D6.1", "1. Ủy ban nhân dân xã xác nhận đơn.", ["Điều 6. Xác nhận"], None, 0.1, 1)
    filed.answer_span, listed.answer_span = "Phòng Kinh tế huyện", "Ủy ban nhân dân xã"
    question = "Đơn lập nhóm gửi cho cơ quan nào?"
    assert analyze(question, Catalog()).answer_type == "agency"
    assert _features(question, [filed, listed])["spans_agree"] == 0.0


def test_the_askers_story_and_the_parts_asked_are_measured() -> None:
    only = _candidate("D3.1", "1. Nhóm được lập khi có ít nhất 04 người.", ["Điều 3. Lập nhóm"], None, 0.5, 0)
    plain = _features("Lập nhóm cần tối thiểu mấy người?", [only])
    assert plain["scene_share"] == 0.0 and plain["asked_parts"] == 1.0
    told = _features("Bốn nhà trong xóm tôi cùng nuôi cá, muốn lập nhóm. Cần tối thiểu mấy người, "
                     "và ai cấp giấy?", [only])
    assert 0.3 < told["scene_share"] < 0.8 and told["asked_parts"] == 2.0


def test_a_figure_given_for_one_part_is_not_the_answer_to_another() -> None:
    from assistant.answering.spans import best_span

    text = ("3. Cuộc họp lần đầu cần ít nhất 60% số tổ viên dự. Họp lại lần sau cần ít nhất 40% số tổ viên dự.")
    candidate = _candidate("D12.3", text, ["Điều 12. Họp tổ"], None, 0.8, 0)
    words = ["hop", "lan sau", "to vien"]
    first = best_span(candidate, "percentage", words)
    assert first is not None and first[0].text == "ít nhất 40%"
    again = best_span(candidate, "percentage", words, claimed=[first[0].text])
    assert again is not None and again[0].text == "ít nhất 60%"
    assert best_span(candidate, "percentage", words, claimed=["ít nhất 40%", "Ít nhất 60%"]) is None
