"""An answer whose clause points elsewhere ("theo quy định tại khoản N Điều M …") quotes what it points at.

The documents here are invented (a small store in memory), so that the rules are seen apart from any ranking; one
slow test reads the real registration decree over a real index.
"""

from __future__ import annotations

import pytest

from assistant.compose.builder import QUOTES_HEADER, AnswerBuilder
from assistant.compose.corpus import Evidence
from assistant.compose.listing import SEE_ALSO
from assistant.compose.references import referenced_clause, with_reference
from assistant.models import QueryAnalysis
from ingest.models import Clause, Document

LAW = Document(id="law", type="Luật", number="17/2023/QH15", title="Luật Hợp tác xã", source_file="law.txt",
               sha256="0")
DECREE = Document(id="decree", type="Nghị định", number="99/2024/NĐ-CP", title="Nghị định quy định chi tiết",
                  source_file="decree.txt", sha256="1")
OLD_CIRCULAR = Document(id="circular", type="Thông tư", number="88/2015/TT-BTC", title="Thông tư hướng dẫn",
                        source_file="circular.txt", sha256="2")


def clause(document: Document, path: str, text: str, parent: str | None = None) -> Clause:
    return Clause(id=f"{document.id}:{path}", document_id=document.id, path=path, headings=[], text=text,
                  line_start=1, line_end=1, kind="paragraph", parent_id=parent and f"{document.id}:{parent}")


POINTING = "được cấp giấy phép khi đủ các điều kiện quy định tại khoản 3 Điều 12 Luật Hợp tác xã."
CLAUSES = [
    clause(LAW, "D12.3", "3. Điều kiện cấp giấy phép khai thác bến bãi:"),
    clause(LAW, "D12.3.a", "a) Có bến bãi đạt chuẩn;", "D12.3"),
    clause(LAW, "D12.3.b", "b) Có người phụ trách an toàn.", "D12.3"),
    clause(DECREE, "D5.1", f"1. Hợp tác xã {POINTING}"),
    clause(DECREE, "D5.2", "2. Hồ sơ nộp theo mẫu quy định tại khoản 1 Điều 5 Nghị định này."),
    clause(OLD_CIRCULAR, "D3.1", f"1. Hợp tác xã {POINTING}"),
    clause(DECREE, "D6.1", "1. Phí được nộp theo quy định tại khoản 2 Điều 40 Luật Hợp tác xã số 23/2012/QH13."),
]


class MemoryStore:
    def __init__(self) -> None:
        self.by_id = {c.id: c for c in CLAUSES}

    def get_document(self, document_id: str) -> Document | None:
        return {d.id: d for d in (LAW, DECREE, OLD_CIRCULAR)}.get(document_id)

    def list_documents(self) -> list[Document]:
        return [LAW, DECREE, OLD_CIRCULAR]

    def get_clause(self, clause_id: str) -> Clause | None:
        return self.by_id.get(clause_id)

    def children(self, clause_id: str) -> list[Clause]:
        return [c for c in CLAUSES if c.parent_id == clause_id]


def test_a_reference_to_the_law_by_name_is_its_khoan_with_its_points() -> None:
    reference = referenced_clause(MemoryStore(), MemoryStore().by_id["decree:D5.1"])
    assert reference is not None and reference.clause.id == "law:D12.3" and reference.document is LAW
    assert [p.id for p in reference.points] == ["law:D12.3.a", "law:D12.3.b"]


def test_a_reference_to_this_decree_stays_in_it() -> None:
    store = MemoryStore()
    reference = referenced_clause(store, store.by_id["decree:D5.2"])
    assert reference is not None and reference.clause.id == "decree:D5.1"


def test_a_law_named_by_another_number_or_older_than_the_law_held_is_not_followed() -> None:
    store = MemoryStore()
    # A 2015 circular's "Luật Hợp tác xã" is the law then in force, not the 2023 one the corpus holds.
    assert referenced_clause(store, store.by_id["circular:D3.1"]) is None
    assert referenced_clause(store, store.by_id["decree:D6.1"]) is None


def test_the_referenced_text_follows_the_answer_s_own_lines_and_a_cited_point_keeps_its_number() -> None:
    store = MemoryStore()
    builder = AnswerBuilder()
    first = builder.cite(Evidence(store.by_id["decree:D5.1"], DECREE, 0.8, 1.0))
    point = builder.cite(Evidence(store.by_id["law:D12.3.b"], LAW, 0.3, 1.0))
    question = "Cần điều kiện gì để có giấy phép bến bãi?"
    analysis = QueryAnalysis(question=question, normalized=question, intent="general")
    answer = builder.answer(analysis, [f"Theo khoản 1 Điều 5: “{POINTING}” [{first}]", SEE_ALSO,
                                       f"• điểm b khoản 3 Điều 12 [{point}]"], True, [])
    shown = with_reference(store, answer)
    body = shown.answer.split(QUOTES_HEADER)[0]
    own, see_also = body.split(SEE_ALSO)
    assert "Nội dung được dẫn chiếu, khoản 3 Điều 12" in own and "[3]" in own
    assert "“a) Có bến bãi đạt chuẩn;” [4]" in own and f"“b) Có người phụ trách an toàn.” [{point}]" in own
    assert [c.clause_id for c in shown.citations] == ["decree:D5.1", "law:D12.3.b", "law:D12.3", "law:D12.3.a"]
    assert with_reference(store, shown) == shown  # cited already: nothing added twice


@pytest.mark.slow
def test_the_registration_decree_points_at_the_law_s_conditions(law_and_registration_decree) -> None:  # noqa: ANN001
    store = law_and_registration_decree.store
    decree = "nd-92-2024-nd-cp_dang-ky-htx"
    pointing = next(c for c in store.clauses_of(decree) if "tại khoản 1 Điều 44 Luật Hợp tác xã" in c.text)
    reference = referenced_clause(store, pointing)
    assert reference is not None and reference.clause.id == "luat-htx-2023_17-2023-qh15:D44.1"
    assert len(reference.points) == 4
