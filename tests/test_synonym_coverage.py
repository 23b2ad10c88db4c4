"""Syllable coverage counts a question's word as present where the clause says it with a synonym."""

from assistant.answering.features import synonym_groups_asked, with_synonyms_named
from ingest.lexicon import fold_words


def test_the_questions_wording_is_added_where_a_synonym_stands_for_it() -> None:
    groups = synonym_groups_asked(fold_words("Góp vốn tối thiểu là bao nhiêu?"))
    clause = "Mỗi thành viên phải góp ít nhất 1 phần vốn."
    assert with_synonyms_named(clause, groups).endswith(" toi thieu")
    # A clause without any member of the group is left as it is.
    assert with_synonyms_named("Mỗi thành viên góp vốn theo thỏa thuận.", groups) == "Mỗi thành viên góp vốn theo thỏa thuận."


def test_a_question_without_synonyms_changes_nothing() -> None:
    groups = synonym_groups_asked(fold_words("Trụ sở đặt ở đâu?"))
    assert with_synonyms_named("Trụ sở chính đặt tại xã.", groups) == "Trụ sở chính đặt tại xã."


def test_an_abbreviation_and_its_expansion_cover_each_other() -> None:
    from assistant.answering.features import word_coverage
    from assistant.relevance import TermWeights

    weights = TermWeights(["Hồ sơ của tổ hợp tác", "Hợp tác xã nộp hồ sơ"])
    words = ["ho so", "htx"]  # "Hồ sơ HTX …" asked; the law writes "hợp tác xã" in full
    assert word_coverage(words, fold_words("Hồ sơ của hợp tác xã gồm các giấy tờ sau"), weights) == 1.0
    assert word_coverage(["ho so", "hop tac xa"], fold_words("Hồ sơ HTX nộp tại xã"), weights) == 1.0
    assert word_coverage(words, fold_words("Hồ sơ của tổ hợp tác"), weights) < 1.0


def test_what_a_chat_message_opens_with_is_no_content_word() -> None:
    from assistant.answering.features import question_words
    from assistant.query import Catalog, analyze

    words = question_words(analyze("Vâng, ok. Cảm ơn nhé. Giấy đề nghị cấp vốn gửi cho ai?", Catalog()))
    assert not {"ok", "vang", "cam on"} & set(words)
    assert {"giay", "von"} <= set(" ".join(words).split())


def test_the_document_a_question_names_is_no_word_a_clause_must_repeat() -> None:
    from assistant.answering.features import question_words
    from assistant.query import Catalog, analyze
    from ingest.pipeline import parse_file
    from tests.conftest import CORPUS

    catalog = Catalog(documents=[parse_file(CORPUS / "extra" / name).document for name in (
        "luat-htx-2023_17-2023-QH15.txt", "nd-77-2019-ND-CP_to-hop-tac.txt")])
    by_law = question_words(analyze("Theo Luật Hợp tác xã năm 2023, kiểm soát viên làm tối đa mấy nhiệm kỳ?", catalog))
    assert not {"luat", "2023", "nam", "hop tac xa"} & set(by_law), by_law
    assert "nhiem ky" in by_law
    by_decree = question_words(analyze("Nghị định 77/2019 cho tổ trưởng ký hợp đồng thế nào?", catalog))
    assert not {"nghi dinh", "77/2019"} & set(by_decree), by_decree
    assert "hop dong" in by_decree
