"""Agency names: canonical folding of accents, case, spacing and administrative abbreviations."""

from __future__ import annotations

import pytest

from ingest.agencies import AGENCIES, canonical_agency, find_agencies

KHDT = "Sở Kế hoạch và Đầu tư"
NNPTNT = "Sở Nông nghiệp và Phát triển nông thôn"
LMHTX = "Liên minh Hợp tác xã tỉnh"
DISTRICTS = "UBND các huyện, thành phố"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Sở Kế hoạch và đầu tư", KHDT),
        ("Sở KH&ĐT", KHDT),
        ("Sở KH & ĐT", KHDT),
        ("Sở KHĐT", KHDT),
        ("so ke hoach va dau tu", KHDT),
        ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", KHDT),
        ("Sở Kế Hoạch Đầu Tư", KHDT),
        ("Sở NN&PTNT", NNPTNT),
        ("Sở NN và PTNT", NNPTNT),
        ("Sở Nông nghiệp và PTNT", NNPTNT),
        ("so nong nghiep va phat trien nong thon", NNPTNT),
        ("so tai chinh", "Sở Tài chính"),
        ("Sở Công thương", "Sở Công Thương"),
        ("Sở Lao động Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở Khoa học và công nghệ", "Sở Khoa học và Công nghệ"),
        ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Liên minh HTX tỉnh", LMHTX),
        ("Liên minh Hợp tác xã tỉnh", LMHTX),
        ("LMHTX", LMHTX),
        ("lien minh htx", LMHTX),
        ("Cơ quan thường trực Ban chỉ đạo tỉnh (Liên minh Hợp tác xã tỉnh)", LMHTX),
        ("Liên minh HTX Việt Nam", "Liên minh Hợp tác xã Việt Nam"),
        ("NHNN", "Ngân hàng Nhà nước chi nhánh tỉnh"),
        ("Ngân hàng Nhà nước - Chi nhánh tỉnh Lâm Đồng", "Ngân hàng Nhà nước chi nhánh tỉnh"),
        ("Ngân hàng Nhà nước Chi nhánh Quảng Ninh", "Ngân hàng Nhà nước chi nhánh tỉnh"),
        ("Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh", "Ngân hàng Nhà nước chi nhánh tỉnh"),
        ("Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước Việt Nam"),
        ("Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "Ngân hàng Chính sách xã hội chi nhánh tỉnh"),
        ("UBND tỉnh", "UBND tỉnh"),
        ("Ủy ban nhân dân tỉnh Quảng Ninh", "UBND tỉnh"),
        ("ubnd tinh", "UBND tỉnh"),
        ("UBND các huyện", DISTRICTS),
        ("UBND các huyện, thị xã, TP", DISTRICTS),
        ("Ủy ban nhân dân các huyện, thị xã, thành phố", DISTRICTS),
        ("Ủy ban nhân nhân các huyện, thành phố", DISTRICTS),
        ("Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
        ("Ủy ban MTTQVN tỉnh", "Mặt trận Tổ quốc tỉnh"),
        ("Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ninh", "Mặt trận Tổ quốc tỉnh"),
        ("Đài Phát thanh – Truyền hình Quảng Ninh", "Đài Phát thanh - Truyền hình tỉnh"),
        ("Báo Lâm Đồng", "Báo tỉnh"),
        ("Ban Chỉ đạo phát triển kinh tế tập thể tỉnh Hòa Bình", "Ban Chỉ đạo phát triển kinh tế tập thể tỉnh"),
        (
            "Ban Chỉ đạo Phát triển Kinh tế tập thể của các huyện, thị xã, thành phố",
            "Ban Chỉ đạo phát triển kinh tế tập thể các huyện, thành phố",
        ),
        ("Các sở, ban, ngành", "Các sở, ban, ngành"),
        ("các sở, ngành liên quan", "Các sở, ban, ngành"),
        ("Quỹ Phát triển khoa học công nghệ tỉnh", "Quỹ Phát triển khoa học công nghệ tỉnh"),
        ("Bộ Kế hoạch và Đầu tư", "Bộ Kế hoạch và Đầu tư"),
        ("UBND thị xã Quảng Yên", "UBND thị xã Quảng Yên"),
        ("UBND huyện", DISTRICTS),
        ("UBND huyện Cao Phong", "UBND huyện Cao Phong"),
        ("Sở VH-TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở Nông nghiệp tỉnh Quảng Ninh", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("so nong nghiep", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở Lao động tỉnh", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐTB&XH", "Sở Lao động - Thương binh và Xã hội"),
        (
            "UBND các huyện Đà Bắc, Lương Sơn, Kim Bôi, Kỳ Sơn và TP Hòa Bình",
            "UBND các huyện Đà Bắc, Lương Sơn, Kim Bôi, Kỳ Sơn và TP Hòa Bình",
        ),
    ],
)
def test_canonical_agency_folds_variants(written: str, canonical: str) -> None:
    assert canonical_agency(written) == canonical


@pytest.mark.parametrize(
    "text",
    ["", "   ", "báo cáo UBND tỉnh", "Sở", "hợp tác xã", "Phòng Tài chính huyện", "Sở Tài chính và Sở Xây dựng", "STC"],
)
def test_canonical_agency_rejects_non_agencies_and_lists(text: str) -> None:
    assert canonical_agency(text) is None


@pytest.mark.parametrize("canonical", sorted(AGENCIES))
def test_every_canonical_name_folds_to_itself(canonical: str) -> None:
    assert canonical_agency(canonical) == canonical


def test_find_agencies_spans_are_exact_and_longest_match_wins() -> None:
    text = (
        "Văn phòng UBND tỉnh thông báo; Liên minh HTX tỉnh phối hợp với Ban kinh tế đầu tư - Liên minh Hợp tác xã "
        "Việt Nam và Sở KH&ĐT, báo cáo UBND tỉnh."
    )
    mentions = find_agencies(text)
    assert [m.canonical for m in mentions] == [
        "Văn phòng UBND tỉnh",
        LMHTX,
        "Liên minh Hợp tác xã Việt Nam",
        KHDT,
        "UBND tỉnh",
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.as_written
    assert mentions[3].as_written == "Sở KH&ĐT"


def test_a_shortened_name_is_its_department_and_the_full_name_still_wins() -> None:
    mentions = find_agencies("Sở Nông nghiệp và PTNT chủ trì; Sở Nông nghiệp báo cáo trên cơ sở giáo dục, cơ sở khoa học.")
    assert [(m.canonical, m.as_written) for m in mentions] == [
        ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và PTNT"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp"),
    ]


def test_find_agencies_in_accentless_question() -> None:
    mentions = find_agencies("so tai chinh va lmhtx tinh chiu trach nhiem gi?")
    assert [m.canonical for m in mentions] == ["Sở Tài chính", LMHTX]
    assert mentions[0].as_written == "so tai chinh"


def test_report_is_not_a_newspaper_and_national_bodies_stay_national() -> None:
    assert [m.canonical for m in find_agencies("Báo cáo Bộ Tài chính và Thủ tướng Chính phủ")] == [
        "Bộ Tài chính",
        "Thủ tướng Chính phủ",
    ]


def test_trades_and_sectors_are_not_departments() -> None:
    assert find_agencies("mỗi ngành nghề, các ngành nghề và các ngành, lĩnh vực") == []
    assert [m.canonical for m in find_agencies("phối hợp với các ngành liên quan")] == ["Các sở, ban, ngành"]
