"""The sentence a row of a grouped answer quotes, read from real clauses of the corpus."""

from __future__ import annotations

import pytest

from assistant.dialogue.quotes import QUOTE_CHARS, best_sentence, pieces
from assistant.models import QueryAnalysis
from ingest.lexicon import fold_words
from tests.conftest import CORPUS

LAW = (CORPUS / "extra" / "luat-htx-2023_17-2023-QH15.txt").read_text(encoding="utf-8")


class FlatWeights:
    """Every word weighs the same: which sentence wins then depends on the words alone."""

    def idf(self, term: str) -> float:
        return 1.0


def law_line(start: str) -> str:
    return next(line.strip() for line in LAW.splitlines() if line.strip().startswith(start))


def analysis(question: str) -> QueryAnalysis:
    from assistant.query import Catalog, analyze

    return analyze(question, Catalog())


@pytest.mark.parametrize("start", ["1. Hội đồng quản trị là cơ quan quản lý", "7.Hợp tác xã là tổ chức",
                                   "6. Người đại diện theo pháp luật của hợp tác xã"])
def test_pieces_are_the_clause_text_in_order(start: str) -> None:
    text = " ".join(law_line(start).split())
    found = pieces(text)
    assert found and all(p in text for p in found)
    assert all(len(p) <= QUOTE_CHARS or "; " not in p for p in found)


@pytest.mark.parametrize(("start", "question", "needle", "expected"), [
    # The figure asked is in the second sentence of the khoản: that sentence, not the first, is quoted.
    ("1. Hội đồng quản trị là cơ quan quản lý", "Hội đồng quản trị có tối đa bao nhiêu người?", "tối đa là 15 người",
     "tối thiểu là 03 người, tối đa là 15 người"),
    # No figure stated: the sentence sharing most of the question's words.
    ("6. Người đại diện theo pháp luật của hợp tác xã", "Muốn giải thể thì những hoạt động nào phải chấm dứt trước?",
     None, "chấm dứt hoạt động chi nhánh"),
])
def test_best_sentence_holds_the_fact(start: str, question: str, needle: str | None, expected: str) -> None:
    text = law_line(start)
    sentence = best_sentence(text, analysis(question), FlatWeights(), needle)  # type: ignore[arg-type]
    assert expected in sentence
    assert len(sentence) <= QUOTE_CHARS + 2
    assert fold_words(sentence.rstrip(" …")) in fold_words(" ".join(text.split()))


def test_a_long_sentence_is_quoted_where_it_says_what_is_asked() -> None:
    plan = (CORPUS / "hoa-binh_kh-bcd-ktt-2017.txt").read_text(encoding="utf-8")
    text = next(line.strip() for line in plan.splitlines() if "định kỳ báo cáo kết quả" in line)
    assert len(text) > QUOTE_CHARS
    asked = analysis("Kết quả báo cáo theo kỳ phải chuyển cho đơn vị nào tổng hợp?")
    sentence = best_sentence(text, asked, FlatWeights())  # type: ignore[arg-type]
    # The recipient comes late in the sentence: the quote is the run of its parts that names it.
    assert "Liên minh Hợp tác xã tỉnh" in sentence and sentence.startswith("… ")
    assert len(sentence) <= QUOTE_CHARS + 2
    assert fold_words(sentence.lstrip("… ").rstrip(" …")) in fold_words(" ".join(text.split()))
