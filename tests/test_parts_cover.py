"""A question of several parts that no part answered alone is answered whole only if that answer states a
figure for every part: one period is not the answer to two questions about periods."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.dialogue.parts import _covers_every_part, _one_part_answered
from assistant.models import Answer, Citation
from assistant.query import Catalog, analyze

SOURCE = SimpleNamespace(analyze=lambda question: analyze(question, Catalog()))
PARTS = ["Nghỉ bán thì báo trước mấy ngày", "mỗi đợt nghỉ được dài nhất bao lâu"]
QUESTION = "Nghỉ bán thì báo trước mấy ngày, mỗi đợt nghỉ được dài nhất bao lâu?"


def _whole(text: str) -> Answer:
    citation = Citation(n=1, clause_id="law:D4.2", document_id="law", document_title="Luật mẫu",
                        document_number=None, path="D4.2", headings=["Điều 4"], text="…", line_start=1, line_end=1,
                        score=0.8, label="khoản 2 Điều 4 Luật mẫu")
    return Answer(question=QUESTION, answer=text, found=True, intent="deadline", confidence=0.8,
                  citations=[citation])


def test_one_period_does_not_cover_two_parts_asking_periods() -> None:
    whole = _whole("Chậm nhất 05 ngày làm việc [1].\nTheo khoản 2 Điều 4: “… báo trước chậm nhất 05 ngày làm việc.” [1]")
    assert not _covers_every_part(SOURCE, PARTS, whole)
    answer = _one_part_answered(SOURCE, analyze(QUESTION, Catalog()), PARTS, whole)
    assert not answer.found
    lines = answer.answer.split("\n")
    assert lines[0] == "Câu hỏi có 2 ý; các văn bản hiện có chỉ trả lời được 1 ý:"
    assert "05 ngày làm việc" in next(line for line in lines if line.startswith("1) "))
    assert next(line for line in lines if line.startswith("2) ")).endswith("các văn bản hiện có không nêu nội dung này.")


def test_an_answer_stating_a_period_for_each_part_covers_both() -> None:
    whole = _whole("Chậm nhất 05 ngày làm việc [1].\nTheo khoản 2 Điều 4: “… báo trước chậm nhất 05 ngày làm việc; "
                   "mỗi đợt không quá 06 tháng.” [1]")
    assert _covers_every_part(SOURCE, PARTS, whole)
