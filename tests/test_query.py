"""Question analysis: intents, places and filters, read the same with or without diacritics."""

from __future__ import annotations

import pytest

from assistant.models import Filters
from assistant.query import Catalog, analyze, detect_intent, question_years, retrieval_filters
from ingest.models import Document


def _doc(doc_id: str, province: str | None, number: str | None = None) -> Document:
    return Document(id=doc_id, province=province, number=number, source_file=f"{doc_id}.txt", sha256="0")


CATALOG = Catalog(
    documents=[
        _doc("qn", "Quảng Ninh", "31/KH-UBND"),
        _doc("ld", "Lâm Đồng"),
        _doc("hb", "Hòa Bình"),
        _doc("notice", None),
    ]
)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Ai chủ trì tổ chức cho các HTX tham gia Hội chợ?", "responsible"),
        ("Cơ quan nào phải đề xuất thành lập Quỹ hỗ trợ phát triển HTX?", "responsible"),
        ("co quan nao phoi hop voi so tai chinh", "responsible"),
        ("Hạn chót giao công trình nước sạch cho HTX là khi nào?", "deadline"),
        ("han chot nop bao cao la ngay nao", "deadline"),
        ("Hòa Bình năm 2017 muốn có thêm bao nhiêu HTX thành lập mới?", "target"),
        ("Lương Sơn có mấy HTX ngừng hoạt động năm 2016?", "target"),
        ("Thành lập HTX mới ở Quảng Ninh thì được hỗ trợ gì?", "support"),
        ("Sở Tài chính phải làm gì?", "tasks"),
        ("Mục tiêu tổng quát của kế hoạch", "target"),
        ("Kế hoạch nói về tuyên truyền pháp luật HTX thế nào", "general"),
        ("Tỉnh có hai quỹ không", "general"),  # "hai" must not read as the question word "ai"
    ],
)
def test_intent(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


@pytest.mark.parametrize(
    ("question", "provinces", "unknown"),
    [
        ("Sở Tài chính Quảng Ninh phải làm gì?", ["Quảng Ninh"], []),
        ("so tai chinh o lam dong lam gi", ["Lâm Đồng"], []),
        ("Hoà Bình có bao nhiêu HTX?", ["Hòa Bình"], []),
        ("Đà Nẵng có bao nhiêu HTX năm 2017?", [], ["Đà Nẵng"]),
        ("Thừa Thiên Huế hỗ trợ HTX thế nào?", [], ["Thừa Thiên Huế"]),
        ("Ai chủ trì việc kiện toàn Ban Chỉ đạo?", [], []),
    ],
)
def test_places(question: str, provinces: list[str], unknown: list[str]) -> None:
    analysis = analyze(question, CATALOG)
    assert analysis.provinces == provinces
    assert analysis.unknown_places == unknown


def test_years_and_document_numbers() -> None:
    analysis = analyze("Kế hoạch 31/KH-UBND đặt mục tiêu gì đến năm 2020?", CATALOG)
    assert analysis.years == [2020]
    assert analysis.document_ids == ["qn"]
    spaced = analyze("Kế hoạch số 31 /KH-UBND", CATALOG)
    assert spaced.document_ids == ["qn"]


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("theo luat htx 2023 thi thanh vien rut von the nao", []),
        ("nghi dinh 92/2024 quy dinh ho so gom nhung gi", []),
        ("ke hoach nam 2017 cua quang ninh giao viec gi", [2017]),
    ],
)
def test_a_year_naming_a_document_typed_without_diacritics_is_not_a_year_asked(question: str,
                                                                                 years: list[int]) -> None:
    assert question_years(question) == years


def test_explicit_filters_override_detected_ones() -> None:
    analysis = analyze("Sở Tài chính Lâm Đồng làm gì?", CATALOG, Filters(province="Quảng Ninh"))
    assert analysis.provinces == ["Quảng Ninh"]


def test_agencies_detected_without_diacritics() -> None:
    accented = analyze("Sở Kế hoạch và Đầu tư phải làm gì?", CATALOG)
    bare = analyze("so ke hoach va dau tu phai lam gi", CATALOG)
    abbreviated = analyze("Sở KH&ĐT phải làm gì?", CATALOG)
    assert accented.agencies == bare.agencies == abbreviated.agencies == ["Sở Kế hoạch và Đầu tư"]


LEGAL_CATALOG = Catalog(
    documents=[
        Document(id="law", type="Luật", number="17/2023/QH15", source_file="law.txt", sha256="0"),
        Document(id="nd77", type="Nghị định", number="77/2019/NĐ-CP", source_file="nd77.txt", sha256="0"),
        Document(id="nd45", type="Nghị định", number="45/2021/NĐ-CP", source_file="nd45.txt", sha256="0"),
        Document(id="tt52", type="Thông tư", number="52/2022/TT-BTC", source_file="tt52.txt", sha256="0"),
        Document(id="gl", province="Gia Lai", source_file="gl.txt", sha256="0"),
    ]
)


@pytest.mark.parametrize(
    ("question", "documents"),
    [
        ("Theo Nghị định 77 thì tổ hợp tác cần mấy người?", ["nd77"]),
        ("nghi dinh so 45/2021 quy dinh von dieu le quy bao nhieu", ["nd45"]),
        ("Thông tư 52/2022 nói gì về lãi suất?", ["tt52"]),
        ("Căn cứ TT 52 thì hồ sơ vay gồm gì", ["tt52"]),
        ("Luật HTX quy định nhiệm kỳ Ban kiểm soát mấy năm?", ["law"]),
        ("Luật Hợp tác xã nói gì về thành viên liên kết?", ["law"]),
        ("Pháp luật quy định gì về góp vốn?", []),
        ("Nghị định 99 quy định gì?", []),
    ],
)
def test_documents_named_in_the_question(question: str, documents: list[str]) -> None:
    assert analyze(question, LEGAL_CATALOG).document_ids == documents


@pytest.mark.parametrize(
    ("question", "province"),
    [
        ("Tỉnh Gia Lai có bao nhiêu HTX?", "Gia Lai"),
        ("o gia lai thanh lap bao nhieu htx", "Gia Lai"),
        ("gia lai co ke hoach gi ve htx", "Gia Lai"),
        ("Kế hoạch của GIA LAI nói gì?", "Gia Lai"),
        ("tai san duoc danh gia lai thi xu ly the nao", None),
        ("khi nao phai kiem ke danh gia lai von", None),
    ],
)
def test_a_province_is_named_only_as_a_name(question: str, province: str | None) -> None:
    analysis = analyze(question, LEGAL_CATALOG)
    assert analysis.provinces == ([province] if province else [])
    assert analysis.unknown_places == []


def test_a_law_named_by_topic_beside_a_numbered_decree_counts_as_named() -> None:
    from assistant.query import Catalog
    from ingest.models import Document

    catalog = Catalog(documents=[
        Document(id="law", title="Luật Hợp tác xã", type="Luật", number="17/2023/QH15", source_file="a", sha256="1"),
        Document(id="decree", title="Nghị định về tổ hợp tác", type="Nghị định", number="77/2019/NĐ-CP",
                 source_file="b", sha256="2"),
        Document(id="other", title="Nghị định khác", type="Nghị định", number="45/2021/NĐ-CP", source_file="c",
                 sha256="3"),
    ])
    assert catalog.document_ids_named("so sanh nghi dinh 77 voi luat htx ve thanh vien") == ["decree", "law"]


def test_the_words_that_name_a_document_are_kept_with_its_year_and_do_not_count_as_content() -> None:
    # A clause of the law does not name the law: "Luật HTX 2023" in a question must not count against it
    # (`compute_features` drops the mentions as it drops provinces and years).
    from assistant.relevance import content_terms

    catalog = Catalog(documents=[
        Document(id="law", title="Luật Hợp tác xã", type="Luật", number="17/2023/QH15", source_file="a", sha256="1"),
        Document(id="decree", title="Nghị định về tổ hợp tác", type="Nghị định", number="77/2019/NĐ-CP",
                 source_file="b", sha256="2"),
    ])
    analysis = analyze("Người điều hành cần điều kiện gì, chiếu Nghị định số 77 cùng Luật HTX 2023?", catalog)
    assert analysis.document_ids == ["decree", "law"] and analysis.years == []
    assert analysis.document_mentions == ["nghi dinh so 77", "luat htx 2023"]
    left = content_terms(analysis.question, drop=analysis.document_mentions)
    assert "luat" not in left and "2023" not in left and "77" not in left and "hanh" in left


@pytest.mark.parametrize(
    ("question", "asks_about"),
    [
        # "ai ký" about a named or pointed-at document asks for its signer ...
        ("Thông tư 52/2022 do ai ký?", "signer"),
        ("Văn bản này ai ký vậy?", "signer"),
        # ... but about a decision the documents describe, it asks a rule of theirs.
        ("Khoản vay của thành viên thì ai ký quyết định cho vay?", None),
        ("Quyết định giải thể hợp tác xã do ai ký?", None),
        # which province a plan is of is asked with a question word; "của tỉnh X" only names it
        ("Kế hoạch 31/KH-UBND là kế hoạch của tỉnh nào?", "province"),
        ("Kế hoạch của tỉnh Quảng Ninh giao bao nhiêu lớp tập huấn mỗi năm?", None),
        ("Phòng tôi viết đề án lập quỹ cho tỉnh nhà, Nghị định 45 bắt chuẩn bị gì?", None),
    ],
)
def test_who_signs_asks_about_a_document_only_when_the_question_points_at_one(question: str,
                                                                             asks_about: str | None) -> None:
    assert analyze(question, LEGAL_CATALOG).asks_about == asks_about


@pytest.mark.parametrize(
    ("question", "unknown", "national_only"),
    [
        # the asker's own province, named only in the story before the question: the laws answer it
        ("Xóm tôi trồng chè ở Thái Nguyên. Lên hợp tác xã thì luật đòi mấy người?", [], True),
        # beside a law the question names
        ("Ở Cà Mau thì Nghị định 45/2021 cho vay tối đa bao nhiêu?", [], True),
        # what is asked about is that province: nothing covers it
        ("Thái Nguyên định có mấy hợp tác xã vào năm 2021?", ["Thái Nguyên"], False),
    ],
)
def test_a_place_outside_the_corpus_only_in_the_asker_s_story_leaves_the_laws_to_answer(
        question: str, unknown: list[str], national_only: bool) -> None:
    analysis = analyze(question, LEGAL_CATALOG)
    assert analysis.unknown_places == unknown
    assert analysis.national_only is national_only
    assert bool(retrieval_filters(analysis).doc_types) is national_only


@pytest.mark.parametrize(
    ("question", "asks_about"),
    [
        ("Kế hoạch phát triển hợp tác xã này là của tỉnh nào?", "province"),
        # the second sentence asks which places the plan picks, not where the plan comes from
        ("Theo kế hoạch của tỉnh, sở nào lo đào tạo? Sở Công Thương mở hội chợ ở những địa phương nào?", None),
    ],
)
def test_a_document_detail_is_asked_in_the_sentence_naming_the_document(question: str,
                                                                         asks_about: str | None) -> None:
    assert analyze(question, LEGAL_CATALOG).asks_about == asks_about
