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


def test_a_definition_of_a_term_the_question_names() -> None:
    from assistant.answering.features import defines_named_term
    from ingest.lexicon import fold_words

    union = _clause("Điều 3. Giải thích từ ngữ", "5. Liên hiệp hợp tác xã là pháp nhân mà ba hợp tác xã trở lên góp sức dựng nên …")
    assert defines_named_term(union, fold_words("Mấy hợp tác xã thì lập được một liên hiệp hợp tác xã?")) == 1.0
    # Its acronym typed in lower case names it too; another term does not.
    assert defines_named_term(union, fold_words("lap lhhtx can may htx")) == 1.0
    assert defines_named_term(union, fold_words("Tổ hợp tác cần mấy thành viên?")) == 0.0
    # The same sentence outside a definitions article defines nothing.
    elsewhere = _clause("Điều 30. Thành lập liên hiệp", union.text)
    assert defines_named_term(elsewhere, fold_words("Mấy hợp tác xã thì lập được một liên hiệp hợp tác xã?")) == 0.0
