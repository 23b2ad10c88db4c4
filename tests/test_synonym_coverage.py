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
