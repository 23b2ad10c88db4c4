"""Which documents a question is about, read from real corpus documents (parsed, not indexed): a name shared by
two documents is one ambiguous name, not a comparison; a province named beside its own plan narrows it."""

from __future__ import annotations

import pytest

from assistant.dialogue.multidoc import scope_of
from assistant.query import Catalog, analyze
from ingest.pipeline import parse_file
from tests.conftest import CORPUS

FILES = [
    "extra/tt-09-2017-TT-BNNPTNT_phan-loai-danh-gia-htx-nong-nghiep.txt",
    "extra/tt-09-2024-TT-BKHDT_bieu-mau-dang-ky-htx.txt",
    "extra/nd-77-2019-ND-CP_to-hop-tac.txt",
    "quang-ninh_kh-31-2017-phat-trien-htx.md",
    "hoa-binh_kh-bcd-ktt-2017.txt",
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(documents=[parse_file(CORPUS / name).document for name in FILES])


def test_a_number_two_circulars_share_is_not_a_comparison(catalog: Catalog) -> None:
    analysis = analyze("Thông tư 09 hướng dẫn ghi mẫu đề nghị đăng ký ra sao?", catalog)
    assert len(analysis.document_ids) == 2  # both are searched ...
    assert scope_of(analysis, catalog) is None  # ... and the question is answered once


def test_two_different_documents_are_compared(catalog: Catalog) -> None:
    analysis = analyze("Thông tư 09/2024 và Nghị định 77 khác nhau thế nào về hồ sơ của tổ hợp tác?", catalog)
    scope = scope_of(analysis, catalog)
    assert scope is not None and len(scope.rows) == 2


def test_a_province_beside_its_own_plan_adds_no_row(catalog: Catalog) -> None:
    analysis = analyze("Kế hoạch 31/KH-UBND của Quảng Ninh giao ai tổ chức tập huấn cho HTX?", catalog)
    assert scope_of(analysis, catalog) is None
    other = analyze("Kế hoạch 31/KH-UBND và tỉnh Hòa Bình giao ai tổ chức tập huấn cho HTX?", catalog)
    scope = scope_of(other, catalog)
    assert scope is not None and {r.kind for r in scope.rows} == {"document", "province"}
