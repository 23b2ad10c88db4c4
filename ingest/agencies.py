"""Canonical names of the administrative bodies named in cooperative policy documents.

`find_agencies(text)` finds every agency mention, with its canonical name and the exact span as written.
Matching runs on an accent-folded copy of the text (so "so tai chinh" and "Sở Tài chính" are the same) with
flexible spacing and punctuation, and the usual administrative abbreviations (UBND, HTX, KH&ĐT, NN&PTNT,
LMHTX, NHNN...). Overlapping matches resolve to the longest one, which is how "Liên minh HTX Việt Nam"
stays distinct from "Liên minh HTX tỉnh" and "Văn phòng UBND tỉnh" from "UBND tỉnh".
The same table serves documents and user questions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ingest.places import CANONICAL_PROVINCES

# Canonical name -> aliases as they are written. Aliases are compiled into accent-folded, case-insensitive
# patterns; within an alias "UBND" also matches "Ủy ban nhân dân", "HTX" also "Hợp tác xã", "và" also "&",
# and spaces/commas/hyphens are flexible. Provincial bodies also absorb a following "tỉnh <Province>".
AGENCIES: dict[str, tuple[str, ...]] = {
    "Sở Kế hoạch và Đầu tư": (
        "Sở Kế hoạch và Đầu tư",
        "Sở Kế hoạch Đầu tư",
        "Sở Kế hoạch - Đầu tư",
        "Sở KH và ĐT",
        "Sở KHĐT",
        "SKHĐT",
    ),
    "Sở Tài chính": ("Sở Tài chính",),
    "Sở Nông nghiệp và Phát triển nông thôn": (
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Nông nghiệp và PTNT",
        "Sở NN và PTNT",
        "Sở NNPTNT",
    ),
    "Liên minh Hợp tác xã tỉnh": (
        "Liên minh HTX tỉnh",
        "Liên minh HTX",
        "LMHTX",
        "LMHTX tỉnh",
        "Cơ quan thường trực Ban chỉ đạo tỉnh (Liên minh HTX tỉnh)",
        "Cơ quan thường trực Ban chỉ đạo (Liên minh HTX tỉnh)",
        "Cơ quan thường trực (Liên minh HTX tỉnh)",
    ),
    "Liên minh Hợp tác xã Việt Nam": (
        "Liên minh HTX Việt Nam",
        "Liên minh HTX VN",
        "Ban Kinh tế đầu tư - Liên minh HTX Việt Nam",
    ),
    "Sở Công Thương": ("Sở Công Thương", "Sở Công nghiệp và Thương mại"),
    "Sở Xây dựng": ("Sở Xây dựng",),
    "Sở Giao thông vận tải": ("Sở Giao thông vận tải", "Sở Giao thông - Vận tải", "Sở GTVT"),
    "Sở Văn hóa, Thể thao và Du lịch": (
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở VH, TT và DL",
        "Sở VHTTDL",
        "Sở VHTT và DL",
        "Sở VH-TT và DL",
    ),
    "Sở Tài nguyên và Môi trường": ("Sở Tài nguyên và Môi trường", "Sở TN và MT", "Sở TNMT"),
    "Sở Khoa học và Công nghệ": ("Sở Khoa học và Công nghệ", "Sở KH và CN", "Sở KHCN"),
    "Sở Lao động - Thương binh và Xã hội": (
        "Sở Lao động - Thương binh và Xã hội",
        "Sở LĐ-TB và XH",
        "Sở LĐTBXH",
    ),
    "Sở Thông tin và Truyền thông": ("Sở Thông tin và Truyền thông", "Sở TT và TT", "Sở TTTT"),
    "Sở Nội vụ": ("Sở Nội vụ",),
    "Sở Tư pháp": ("Sở Tư pháp",),
    "Sở Y tế": ("Sở Y tế",),
    "Sở Giáo dục và Đào tạo": ("Sở Giáo dục và Đào tạo", "Sở GD và ĐT", "Sở GDĐT"),
    "Ngân hàng Nhà nước chi nhánh tỉnh": (
        "Ngân hàng Nhà nước chi nhánh",
        "Ngân hàng Nhà nước - Chi nhánh",
        "Ngân hàng Nhà nước Việt Nam chi nhánh",
        "Chi nhánh Ngân hàng Nhà nước",
        "Ngân hàng Nhà nước",
        "NHNN",
        "NHNN chi nhánh",
    ),
    "Ngân hàng Nhà nước Việt Nam": ("Ngân hàng Nhà nước Việt Nam",),
    "Ngân hàng Chính sách xã hội chi nhánh tỉnh": (
        "Ngân hàng Chính sách xã hội",
        "Ngân hàng Chính sách xã hội chi nhánh",
        "Chi nhánh Ngân hàng Chính sách xã hội",
        "NHCSXH",
    ),
    "Kho bạc Nhà nước tỉnh": ("Kho bạc Nhà nước tỉnh", "Kho bạc Nhà nước"),
    "Các tổ chức tín dụng": ("Các tổ chức tín dụng", "tổ chức tín dụng"),
    "UBND tỉnh": ("UBND tỉnh", "UBND cấp tỉnh", "Chủ tịch UBND tỉnh"),
    "UBND các huyện, thành phố": (
        "UBND các huyện, thành phố",
        "UBND các huyện, thị xã, thành phố",
        "UBND các huyện, thị xã, TP",
        "UBND các huyện, thị xã",
        "UBND các huyện, TP",
        "UBND các huyện",
        "UBND huyện, thị xã",
        "UBND huyện, thành phố",
        "UBND cấp huyện",
        "UBND huyện",
        "UBND các địa phương",
    ),
    "UBND cấp xã": ("UBND xã", "UBND cấp xã", "UBND các xã"),
    "Ban Chỉ đạo phát triển kinh tế tập thể tỉnh": (
        "Ban Chỉ đạo phát triển kinh tế tập thể tỉnh",
        "Ban Chỉ đạo phát triển kinh tế tập thể",
        "Ban Chỉ đạo phát triển kinh tế tập thể, hợp tác xã tỉnh",
        "Ban Chỉ đạo tỉnh",
        "Ban Chỉ đạo",
        "Thường trực Ban Chỉ đạo tỉnh",
        "Thường trực Ban Chỉ đạo",
        "BCĐ Kinh tế tập thể tỉnh",
        "BCĐ tỉnh",
    ),
    "Ban Chỉ đạo phát triển kinh tế tập thể các huyện, thành phố": (
        "Ban Chỉ đạo phát triển kinh tế tập thể các huyện, thành phố",
        "Ban Chỉ đạo phát triển kinh tế tập thể của các huyện, thị xã, thành phố",
        "Ban Chỉ đạo phát triển kinh tế tập thể các huyện, thị xã, thành phố",
        "Ban Chỉ đạo phát triển kinh tế tập thể ở cấp xã",
    ),
    "Thành viên Ban Chỉ đạo phát triển kinh tế tập thể tỉnh": (
        "Các thành viên Ban Chỉ đạo phát triển kinh tế tập thể tỉnh",
        "Các thành viên Ban Chỉ đạo cấp tỉnh",
        "Các thành viên Ban Chỉ đạo",
        "thành viên Ban Chỉ đạo",
    ),
    "Văn phòng UBND tỉnh": ("Văn phòng UBND tỉnh", "VP UBND tỉnh", "VPUBND tỉnh", "VPUB tỉnh"),
    "Mặt trận Tổ quốc tỉnh": (
        "Mặt trận Tổ quốc Việt Nam tỉnh",
        "Mặt trận Tổ quốc tỉnh",
        "Mặt trận Tổ quốc",
        "Ủy ban Mặt trận Tổ quốc",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Ủy ban MTTQVN tỉnh",
        "MTTQ tỉnh",
        "MTTQ",
    ),
    "Hội Nông dân tỉnh": ("Hội Nông dân tỉnh", "Hội Nông dân"),
    "Hội Liên hiệp Phụ nữ tỉnh": ("Hội Liên hiệp Phụ nữ tỉnh", "Hội Liên hiệp Phụ nữ", "Hội Phụ nữ"),
    "Hội Cựu chiến binh tỉnh": ("Hội Cựu chiến binh",),
    "Tỉnh đoàn": ("Tỉnh đoàn", "Đoàn Thanh niên"),
    "Hội Liên hiệp Khoa học và Kỹ thuật tỉnh": ("Hội Liên hiệp Khoa học và Kỹ thuật",),
    "Đài Phát thanh - Truyền hình tỉnh": (
        "Đài Phát thanh - Truyền hình tỉnh",
        "Đài Phát thanh - Truyền hình",
        "Đài PT-TH",
    ),
    "Quỹ Phát triển khoa học công nghệ tỉnh": (
        "Quỹ Phát triển khoa học công nghệ",
        "Quỹ Phát triển khoa học và công nghệ",
    ),
    "Các sở, ban, ngành": (
        "Các sở, ban, ngành",
        "Các sở, ngành",
        "Các sở ngành",
        "sở, ban, ngành",
        "sở, ngành",
        "Các ngành",
        "Các ngành thành viên",
        "Các sở, ngành thành viên",
        "Các sở, ban, ngành cấp tỉnh",
        "Các sở, ban, ngành chức năng có liên quan",
        "Các sở, ngành liên quan",
        "Các sở, ngành chuyên môn",
        "Các sở",
        "Thủ trưởng các sở, ban, ngành",
        "Giám đốc các sở",
        "Giám đốc/Thủ trưởng các sở, ban, ngành",
    ),
    "Các tổ chức chính trị - xã hội, đoàn thể": (
        "Các tổ chức chính trị - xã hội",
        "Các tổ chức chính trị xã hội, đoàn thể",
        "Các tổ chức chính trị - xã hội, đoàn thể",
        "Các tổ chức đoàn thể",
        "Các tổ chức đoàn thể của tỉnh",
        "Các đoàn thể chính trị xã hội",
        "Các đoàn thể",
    ),
    "Hội đồng nhân dân các cấp": ("Hội đồng nhân dân các cấp", "HĐND các cấp"),
    "Hội đồng nhân dân tỉnh": ("Hội đồng nhân dân tỉnh", "HĐND tỉnh"),
    "Tỉnh ủy": ("Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "Thường trực Tỉnh ủy", "TTTU"),
    # Central bodies: named in the legal texts and in references.
    "Chính phủ": ("Chính phủ",),
    "Thủ tướng Chính phủ": ("Thủ tướng Chính phủ", "Thủ tướng"),
    "Văn phòng Chính phủ": ("Văn phòng Chính phủ",),
    "Bộ Chính trị": ("Bộ Chính trị",),
    "Bộ Kế hoạch và Đầu tư": ("Bộ Kế hoạch và Đầu tư", "Bộ KH và ĐT", "Bộ KHĐT"),
    "Bộ Tài chính": ("Bộ Tài chính",),
    "Bộ Nông nghiệp và Phát triển nông thôn": (
        "Bộ Nông nghiệp và Phát triển nông thôn",
        "Bộ NN và PTNT",
        "Bộ Nông nghiệp và PTNT",
    ),
    "Bộ Lao động - Thương binh và Xã hội": ("Bộ Lao động - Thương binh và Xã hội", "Bộ LĐTBXH"),
}

# Canonical names whose mention may be followed by "tỉnh <Province>" / "<Province>", absorbed into the mention.
_NON_PROVINCIAL = {
    "Liên minh Hợp tác xã Việt Nam",
    "Ngân hàng Nhà nước Việt Nam",
    "Chính phủ",
    "Thủ tướng Chính phủ",
    "Văn phòng Chính phủ",
    "Bộ Chính trị",
    "Bộ Kế hoạch và Đầu tư",
    "Bộ Tài chính",
    "Bộ Nông nghiệp và Phát triển nông thôn",
    "Bộ Lao động - Thương binh và Xã hội",
    "UBND các huyện, thành phố",
    "UBND cấp xã",
    "Ban Chỉ đạo phát triển kinh tế tập thể các huyện, thành phố",
    "Các sở, ban, ngành",
    "Các tổ chức chính trị - xã hội, đoàn thể",
    "Các tổ chức tín dụng",
    "Hội đồng nhân dân các cấp",
}

PROVINCES: tuple[str, ...] = CANONICAL_PROVINCES


@dataclass(frozen=True, slots=True)
class AgencyMention:
    canonical: str
    as_written: str
    start: int
    end: int


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Accent-fold `text` (đ->d, marks dropped, case kept); also return, per folded char, its source index."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char in "đĐ":
            folded = "d" if char == "đ" else "D"
        else:
            folded = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        for c in folded:
            out.append(c)
            offsets.append(index)
    return "".join(out), offsets


def fold(text: str) -> str:
    """Accent-folded lower-case text, for comparisons."""
    return fold_with_offsets(text)[0].lower()


_WORD_SUBSTITUTES = {
    "ubnd": r"(?:ubnd(?:\s+dan)?|uy\s+ban\s+nhan\s+(?:dan|nhan)(?:\s+dan)?|ub\s*nd)",
    "htx": r"(?:htx|hop\s+tac\s+xa)",
    "va": r"(?:va|&)",
    "tp": r"(?:tp\.?|thanh\s+pho)",
    "thanh pho": r"(?:tp\.?|thanh\s+pho)",
    "giao thong": r"giao\s+thong",
}


def _alias_pattern(alias: str) -> str:
    """Regex (over folded text) for one alias: flexible spacing and punctuation, abbreviation substitutes."""
    folded = fold(alias)
    tokens = re.findall(r"[a-z0-9]+|[^\sa-z0-9]", folded)
    punctuation = {"-": r"\s*[-–]?\s*", "–": r"\s*[-–]?\s*", ",": r"\s*,?\s*", "/": r"\s*/\s*", "&": r"\s*&\s*"}
    parts: list[str] = []
    previous_is_word = False
    for token in tokens:
        if token in punctuation:
            parts.append(punctuation[token])
            previous_is_word = False
            continue
        if token in "()":
            parts.append(r"\s*" + re.escape(token) + r"\s*")
            previous_is_word = False
            continue
        if token == "va":
            # "và" may be written "&" glued to its neighbours: "KH&ĐT", "NN&PTNT"
            parts.append(r"\s*(?:va|&)\s*" if previous_is_word else r"(?:va|&)\s*")
            previous_is_word = False
            continue
        if previous_is_word:
            parts.append(r"\s+")
        parts.append(_WORD_SUBSTITUTES.get(token, re.escape(token)))
        previous_is_word = True
    return "".join(parts)


def _province_pattern() -> str:
    names = sorted({fold(p) for p in PROVINCES}, key=len, reverse=True)
    alternatives = "|".join(
        r"\s+".join(re.escape(w) for w in re.split(r"\s+", n)).replace(r"\-", r"\s*-\s*") for n in names
    )
    return rf"(?:{alternatives})"


_BOUNDARY_BEFORE = r"(?<![A-Za-z0-9])"
_BOUNDARY_AFTER = r"(?![A-Za-z0-9])"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    province = _province_pattern()
    suffix = rf"(?:\s*[-–]?\s*(?:cap\s+)?tinh(?:\s+{province})?|\s+{province})?"
    compiled: list[tuple[str, re.Pattern[str]]] = []
    for canonical, aliases in AGENCIES.items():
        # The canonical name is always an alias of itself.
        names = sorted({canonical, *aliases}, key=len, reverse=True)
        body = "|".join(_alias_pattern(alias) for alias in names)
        tail = "" if canonical in _NON_PROVINCIAL else suffix
        pattern = rf"{_BOUNDARY_BEFORE}(?:{body}){tail}{_BOUNDARY_AFTER}"
        compiled.append((canonical, re.compile(pattern, re.IGNORECASE)))
    return compiled


# A named district-level committee ("UBND các huyện Đà Bắc, Lương Sơn và TP Hòa Bình", "UBND thị xã Quảng Yên")
# keeps its own name; proper names are recognised by their capitals in the (case-kept) folded text.
_NAME = r"(?-i:[A-Z][a-z]*)(?:\s+(?-i:[A-Z][a-z]*)){0,2}"
_DISTRICT_KIND = r"(?:huyen|thi\s+xa|thanh\s+pho|tp\.?)"
_NAMED_DISTRICT_COMMITTEE = re.compile(
    rf"{_BOUNDARY_BEFORE}(?:ubnd(?:\s+dan)?|uy\s+ban\s+nhan\s+dan)\s+(?:cac\s+)?{_DISTRICT_KIND}\s+{_NAME}"
    rf"(?:\s*(?:,|\bva\b)\s*(?:{_DISTRICT_KIND}\s+)?{_NAME})*{_BOUNDARY_AFTER}",
    re.IGNORECASE,
)
# "Báo Lâm Đồng", "Báo Quảng Ninh", "Báo tỉnh": capital B keeps "báo cáo" out.
_NEWSPAPER = re.compile(
    rf"{_BOUNDARY_BEFORE}(?-i:Bao)\s+(?:tinh|(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?){_BOUNDARY_AFTER}"
)
_NEWSPAPER_EXCLUDED = {"cao"}
# "các ngành nghề", "các ngành, lĩnh vực" are trades and sectors, not the provincial departments.
_NOT_FOLLOWED_BY = {
    "Các sở, ban, ngành": re.compile(r"\s*(?:nghe|hang|kinh\s+te|,?\s*linh\s+vuc)\b", re.IGNORECASE),
}


def find_agencies(text: str) -> list[AgencyMention]:
    """Every agency mention in `text`, in order, non-overlapping (longest match wins)."""
    folded, offsets = fold_with_offsets(text)
    candidates: list[tuple[int, int, str | None]] = []
    for canonical, pattern in _compiled():
        excluded = _NOT_FOLLOWED_BY.get(canonical)
        for match in pattern.finditer(folded):
            if excluded is None or not excluded.match(folded, match.end()):
                candidates.append((match.start(), match.end(), canonical))
    for match in _NAMED_DISTRICT_COMMITTEE.finditer(folded):
        candidates.append((match.start(), match.end(), None))
    for match in _NEWSPAPER.finditer(folded):
        if match.group(0).split()[-1].lower() not in _NEWSPAPER_EXCLUDED:
            candidates.append((match.start(), match.end(), "Báo tỉnh"))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    mentions: list[AgencyMention] = []
    taken_until = -1
    for start, end, canonical in candidates:
        if start < taken_until or end <= start:
            continue
        source_start, source_end = offsets[start], offsets[end - 1] + 1
        as_written = text[source_start:source_end]
        name = canonical if canonical is not None else _district_committee_name(as_written)
        mentions.append(AgencyMention(name, as_written, source_start, source_end))
        taken_until = end
    return mentions


def _district_committee_name(as_written: str) -> str:
    name = re.sub(r"\s+", " ", as_written).strip()
    return re.sub(r"^Ủy ban nhân dân|^Uỷ ban nhân dân", "UBND", name)


def canonical_agency(name: str) -> str | None:
    """Canonical name when `name` is (essentially) one agency, else None."""
    stripped = name.strip(" \t\n:;,.-*+")
    if not stripped:
        return None
    mentions = find_agencies(stripped)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    rest = (stripped[: mention.start] + stripped[mention.end :]).strip(" \t\n:;,.-()")
    return mention.canonical if not rest else None
