"""A clause of a definitions article is about the term it defines, not about "explaining words"."""

from assistant.answering.features import subject_missing
from assistant.relevance import TermWeights, content_terms
from ingest.models import Clause


def _clause(heading: str, text: str) -> Clause:
    return Clause(id="d:D3.2", document_id="d", path="D3.2", headings=[heading], text=text,
                  line_start=1, line_end=1, kind="paragraph")


def test_a_definition_is_about_its_term() -> None:
    weights = TermWeights(["Một văn bản về hợp tác xã.", "Ban điều hành họp."])
    question = set(content_terms("Tổ hợp tác cần mấy thành viên?"))
    definition = _clause("Điều 3. Giải thích từ ngữ", "2. Tổ hợp tác là tổ chức không có tư cách pháp nhân …")
    assert subject_missing(definition, question, weights) == 0.0
    # Elsewhere the heading is the subject, as before.
    board = _clause("Điều 30. Ban điều hành", "2. Tổ hợp tác là tổ chức không có tư cách pháp nhân …")
    assert subject_missing(board, question, weights) == 1.0
