"""A plan target answers a figure question only with a figure of the asked kind."""

from assistant.compose.plans import _of_asked_kind
from assistant.models import QueryAnalysis
from ingest.models import Fact


def _target(value: str, unit: str | None = None) -> Fact:
    return Fact(id="f", kind="target", document_id="d", clause_id="d:1", measure="Hỗ trợ thành lập mới",
                value_text=value, unit=unit)


def _asked(answer_type: str) -> QueryAnalysis:
    return QueryAnalysis.model_construct(question="…", answer_type=answer_type, answer_unit=None, answer_bound=None)


def test_an_amount_is_not_answered_by_a_number_of_things() -> None:
    money = _asked("money")
    assert not _of_asked_kind(money, _target("35 HTX"))
    assert not _of_asked_kind(money, _target("500", "lượt"))
    assert _of_asked_kind(money, _target("1,0 tỷ đồng"))
    # A growth target for an amount is often a rate or a multiple: those still answer.
    assert _of_asked_kind(money, _target("10%"))
    assert _of_asked_kind(money, _target("1,5 lần"))
