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

from ingest.lexicon import lexicon
from ingest.places import CANONICAL_PROVINCES

# Canonical name -> aliases as they are written. Aliases are compiled into accent-folded, case-insensitive
# patterns; within an alias "UBND" also matches "Ủy ban nhân dân", "HTX" also "Hợp tác xã", "và" also "&",
# and spaces/commas/hyphens are flexible. Provincial bodies also absorb a following "tỉnh <Province>".
# The table itself is data: ingest/lexicon/agencies.toml.
AGENCIES: dict[str, tuple[str, ...]] = lexicon().agencies.aliases
# Canonical names whose mention may be followed by "tỉnh <Province>" / "<Province>", absorbed into the mention.
_NON_PROVINCIAL = lexicon().agencies.non_provincial

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
