"""Follow-up resolution (fast: real question analysis, no index). Sessions: tests/test_sessions.py."""

from __future__ import annotations

import pytest

from assistant.chat import fold, is_follow_up, resolve
from assistant.models import QueryAnalysis
from assistant.query import Catalog, analyze
from ingest.models import Document

CATALOG = Catalog(documents=[Document(id=p, province=p, source_file=f"{p}.txt", sha256="0")
                             for p in ("Hòa Bình", "Lâm Đồng", "Quảng Ninh")])
FAIR = "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"


def ask_twice(first: str, second: str) -> tuple[str, QueryAnalysis]:
    """Resolve `second` as the follow-up of `first`; returns the standalone question and its analysis."""
    resolution = resolve(second, analyze(second, CATALOG), analyze(first, CATALOG))
    return resolution.question, analyze(resolution.question, CATALOG)


def test_fold_keeps_length_and_drops_accents() -> None:
    for text in ("Hội chợ xúc tiến thương mại", "ĐẮK LẮK", "Thừa Thiên Huế", ""):
        assert len(fold(text)) == len(text)
    assert fold("Đắk Lắk Hòa Bình") == "dak lak hoa binh"


@pytest.mark.parametrize(
    ("first", "second", "intent", "provinces", "kept", "gone"),
    [
        # a new place replaces the old one, the question form stays
        (FAIR, "Còn ở Quảng Ninh thì sao?", "responsible", ["Quảng Ninh"], ["Hội chợ xúc tiến thương mại", "chủ trì"],
         ["Lâm Đồng"]),
        (FAIR, "Quảng Ninh thì sao?", "responsible", ["Quảng Ninh"], ["Hội chợ"], ["Lâm Đồng"]),
        (FAIR, "con o quang ninh thi sao", "responsible", ["Quảng Ninh"], ["Hội chợ"], ["Lâm Đồng"]),
        # a new question form replaces the old one, topic and place stay
        (FAIR, "Hạn chót là khi nào?", "deadline", ["Lâm Đồng"], ["Hội chợ xúc tiến thương mại", "Hạn chót"],
         ["chủ trì"]),
        (FAIR, "Cơ quan nào phối hợp?", "responsible", ["Lâm Đồng"], ["Hội chợ xúc tiến thương mại", "phối hợp"],
         ["chủ trì"]),
        # a demonstrative is replaced by the previous topic
        (FAIR, "Việc đó do ai chủ trì?", "responsible", ["Lâm Đồng"], ["Hội chợ xúc tiến thương mại"], ["Việc đó"]),
        # a new agency replaces the old one
        ("Sở Tài chính phải làm gì?", "Còn Sở Công Thương thì sao?", "tasks", [], ["Sở Công Thương", "phải làm gì"],
         ["Tài chính"]),
        ("Sở Tài chính phải làm gì?", "Hạn chót là khi nào?", "deadline", [], ["Sở Tài chính"], ["làm gì"]),
        ("Sở Tài chính phải làm gì?", "Ở Lâm Đồng thì sao?", "tasks", ["Lâm Đồng"], ["Sở Tài chính"], []),
    ],
)
def test_follow_up_is_rewritten_into_a_standalone_question(
    first: str, second: str, intent: str, provinces: list[str], kept: list[str], gone: list[str]
) -> None:
    question, analysis = ask_twice(first, second)
    assert analysis.intent == intent, question
    assert analysis.provinces == provinces, question
    for phrase in kept:
        assert fold(phrase) in fold(question), (phrase, question)
    for phrase in gone:
        assert fold(phrase) not in fold(question), (phrase, question)
    assert question.endswith("?") and question[0].isupper()


def test_place_outside_the_corpus_is_carried_into_the_question() -> None:
    question, analysis = ask_twice(FAIR, "Còn Hà Nội thì sao?")
    assert analysis.unknown_places == ["Hà Nội"] and analysis.provinces == []
    assert "Hội chợ" in question


@pytest.mark.parametrize(
    "message",
    [
        "Sở Tài chính phải làm gì?",  # names its own agency
        "Sáng lập viên thành lập HTX mới ở Quảng Ninh được hỗ trợ gì?",  # its own topic
        "Ai chủ trì xây dựng mô hình HTX kiểu mới?",
        "Mục tiêu phát triển hợp tác xã đến năm 2020 là gì?",
    ],
)
def test_standalone_questions_are_asked_as_written(message: str) -> None:
    analysis = analyze(message, CATALOG)
    assert not is_follow_up(message, analysis)
    resolution = resolve(message, analysis, analyze(FAIR, CATALOG))
    assert resolution.question == message and not resolution.follow_up


def test_first_turn_is_never_rewritten() -> None:
    message = "Còn ở Quảng Ninh thì sao?"
    resolution = resolve(message, analyze(message, CATALOG), None)
    assert resolution.question == message and not resolution.follow_up


def test_follow_ups_chain() -> None:
    second, second_analysis = ask_twice(FAIR, "Còn ở Quảng Ninh thì sao?")
    third = resolve("Hạn chót là khi nào?", analyze("Hạn chót là khi nào?", CATALOG), second_analysis).question
    third_analysis = analyze(third, CATALOG)
    assert third_analysis.intent == "deadline" and third_analysis.provinces == ["Quảng Ninh"]
    assert "Hội chợ" in third
