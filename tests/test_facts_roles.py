"""Who leads and who coordinates, by the wording of one clause: a table of phrasings plus one invariant."""

from __future__ import annotations

import pytest

from ingest.facts import extract_facts
from ingest.models import Clause, Document, ParsedDocument

TC, KH, LM = "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Liên minh Hợp tác xã tỉnh"
CT, HND = "Sở Công Thương", "Hội Nông dân tỉnh"

# (clause text, {agency: role}). The sentences are written for this test, in the style of provincial plans.
ROLES = [
    # the subject's own verb is "phối hợp": it helps, whoever it works with
    ("- Sở Tài chính phối hợp với Sở Kế hoạch và Đầu tư bố trí vốn đối ứng cho hợp tác xã.",
     {TC: "coordinate", KH: "coordinate"}),
    ("- Sở Tài chính phối hợp chặt chẽ với Liên minh Hợp tác xã tỉnh rà soát các khoản hỗ trợ.",
     {TC: "coordinate", LM: "coordinate"}),
    ("- Sở Tài chính có trách nhiệm phối hợp với Sở Kế hoạch và Đầu tư thẩm định kinh phí.",
     {TC: "coordinate", KH: "coordinate"}),
    ("- Sở Tài chính và Liên minh Hợp tác xã tỉnh tích cực phối hợp tuyên truyền Luật Hợp tác xã.",
     {TC: "coordinate", LM: "coordinate"}),
    ("- Sở Công Thương phối hợp tổ chức hội chợ cho các hợp tác xã.", {CT: "coordinate"}),
    # asked ("Đề nghị", "Giao") to coordinate is still coordinating
    ("- Đề nghị Hội Nông dân tỉnh phối hợp tuyên truyền, vận động nông dân tham gia hợp tác xã.", {HND: "coordinate"}),
    ("- Giao Sở Tài chính phối hợp với Sở Công Thương hướng dẫn thủ tục.", {TC: "coordinate", CT: "coordinate"}),
    # leading first, coordinating after: the subject leads
    ("- Sở Công Thương chủ trì, phối hợp với Sở Tài chính xây dựng kế hoạch xúc tiến thương mại.",
     {CT: "lead", TC: "coordinate"}),
    ("- Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Liên minh Hợp tác xã tỉnh tổng hợp báo cáo.",
     {KH: "lead", LM: "coordinate"}),
    ("- Sở Tài chính bố trí kinh phí và phối hợp với Sở Công Thương kiểm tra việc sử dụng.",
     {TC: "lead", CT: "coordinate"}),
    # one segment each: the second subject coordinates, the first still leads
    ("- Sở Công Thương tổ chức hội chợ nông sản; Sở Tài chính phối hợp bố trí kinh phí.",
     {CT: "lead", TC: "coordinate"}),
    # "phối hợp" that is not the subject's verb changes nothing
    ("- Sở Kế hoạch và Đầu tư hướng dẫn hợp tác xã xây dựng chương trình phối hợp sản xuất.", {KH: "lead"}),
    ("- Liên minh Hợp tác xã tỉnh tổng kết mô hình liên kết, phối hợp giữa các hợp tác xã.", {LM: "lead"}),
]


def _roles(text: str) -> dict[str, str]:
    clause = Clause(id="doc:1.-1", document_id="doc", path="1.-1", text=text, line_start=1, line_end=1,
                    kind="bullet", order=0)
    document = Document(id="doc", type="Kế hoạch", province="Hòa Bình", source_file="doc.txt", sha256="0")
    facts = extract_facts(ParsedDocument(document=document, clauses=[clause]))
    return {f.agency: f.role for f in facts if f.kind == "responsibility"}


@pytest.mark.parametrize(("text", "expected"), ROLES, ids=[str(i) for i in range(len(ROLES))])
def test_role_follows_the_subjects_verb(text: str, expected: dict[str, str]) -> None:
    assert _roles(text) == expected


def test_a_clause_never_lists_an_agency_twice() -> None:
    for text, _ in ROLES:
        clause = Clause(id="doc:1", document_id="doc", path="1", text=text, line_start=1, line_end=1, kind="bullet")
        document = Document(id="doc", source_file="doc.txt", sha256="0")
        facts = [f for f in extract_facts(ParsedDocument(document=document, clauses=[clause]))
                 if f.kind == "responsibility"]
        assert len({f.agency for f in facts}) == len(facts), text
