"""A role the law names, said as the body a decree defines it to be; a body asked by its kind ("phòng nào?").
Over a real index of the cooperative law and the registration decree, in wording written for these tests."""

from __future__ import annotations

import pytest

from assistant.service import Assistant

pytestmark = pytest.mark.slow

DECREE_92 = "nd-92-2024-nd-cp_dang-ky-htx"


def test_an_answer_naming_the_registration_office_says_which_office_that_is(
        law_and_registration_decree: Assistant) -> None:
    answer = law_and_registration_decree.ask(
        "Hợp tác xã mới lập, chưa hoạt động, phải đăng ký thành lập ở cơ quan nào trước đã?")
    assert answer.found
    first = answer.answer.split("\n", 1)[0]
    assert "cơ quan đăng ký kinh doanh" in first.lower() and "tức Phòng Tài chính - Kế hoạch" in first, first
    definition = [c for c in answer.citations if c.document_id == DECREE_92 and c.text.lstrip("1. ").startswith(
        "Cơ quan đăng ký kinh doanh")]
    assert definition, [c.clause_id for c in answer.citations]


def test_a_role_is_glossed_only_with_the_definition_of_its_level(law_and_registration_decree: Assistant) -> None:
    definitions = law_and_registration_decree._composer.corpus.definitions
    district = definitions.of("cơ quan đăng ký kinh doanh cấp huyện nơi hợp tác xã đặt trụ sở chính")
    assert district is not None and district.body.startswith("Phòng Tài chính - Kế hoạch")
    assert definitions.of("cơ quan đăng ký kinh doanh cấp tỉnh") is None  # the decree's office is a district's
    assert definitions.of("cơ quan quản lý nhà nước") is None


def test_a_question_asking_which_office_is_answered_with_the_office_not_the_role(
        law_and_registration_decree: Assistant) -> None:
    answer = law_and_registration_decree.ask("Ở huyện, phòng nào phụ trách đăng ký kinh doanh hợp tác xã?")
    assert answer.found
    assert answer.answer.startswith("Phòng Tài chính - Kế hoạch"), answer.answer[:200]
