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
