"""Text normalisation shared by indexing and question analysis: accent folding, abbreviations, identifiers.

Policy texts write the same thing several ways ("HTX" / "hợp tác xã", "Sở KH&ĐT" / "Sở Kế hoạch và Đầu tư",
with or without diacritics), so matching happens on folded, abbreviation-aware forms. Nothing here imports
anything heavy: question analysis runs on the one-shot CLI path.
"""

from __future__ import annotations

import re

from ingest.lexicon import fold, lexicon

# Abbreviation -> expansion, as written in Vietnamese administrative texts. Keys are matched case-sensitively
# against the source (they are upper-case acronyms), expansions case-insensitively.
ABBREVIATIONS: dict[str, str] = lexicon().abbreviations

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_DOC_NUMBER = (
    r"\d{1,5}(?:/\d{4})?"  # 31 / 17/2023
    r"[/-][A-ZĐ][A-Za-zĐđ0-9]*"  # /KH  -KL
    r"(?:(?:[/-]|&)[A-ZĐ][A-Za-zĐđ0-9]*)*"  # -UBND /TW -CP &PTNT
)
_DATE = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}"
_PERCENT = r"\d+(?:[.,]\d+)*(?:\s?-\s?\d+(?:[.,]\d+)*)?\s?%(?:\s?/\s?năm)?"
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+(?:\s?-\s?\d+)"
_CLAUSE_PATH = rf"(?<![A-Za-z]){_ROMAN}\.\d+(?:\.\d+)*\.?(?=\s|$)|\d+\.\d+(?:\.\d+)*\.(?=\s)"

# Identifiers that must survive tokenisation whole: document numbers, dates, figures, clause paths.
IDENTIFIER_RE = re.compile(
    rf"(?<![\w/])(?:{_DOC_NUMBER}(?![\w/])|{_DATE}(?![\w/])|{_PERCENT}|{_CLAUSE_PATH}|{_NUMBER})(?![\d/])",
    re.UNICODE,
)

_SPACE_RE = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (tabs, newlines, non-breaking spaces) into one space and trim."""
    return _SPACE_RE.sub(" ", text.replace("\u00a0", " ")).strip()


def fold_accents(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics ("Đồng" -> "dong"): the lexicon's one `fold()`."""
    return fold(text)


def _abbrev_pattern(abbreviation: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w&/-]){re.escape(abbreviation)}(?![\w&/-])")


# Longest first so "LHHTX" is handled before "HTX" and "NN&PTNT" before "NN".
_EXPAND_RULES: list[tuple[re.Pattern[str], str]] = [
    (_abbrev_pattern(abbr), expansion) for abbr, expansion in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0]))
]
# One canonical abbreviation per expansion (the first listed), matched on folded text, longest expansion first.
_CONTRACT_RULES: list[tuple[re.Pattern[str], str]] = []
_seen_expansions: set[str] = set()
for _abbr, _expansion in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[1])):
    _folded = fold_accents(_expansion)
    if _folded in _seen_expansions:
        continue
    _seen_expansions.add(_folded)
    _CONTRACT_RULES.append((re.compile(rf"(?<![a-z0-9]){re.escape(_folded)}(?![a-z0-9])"), _abbr))


def expand_abbreviations(text: str) -> str:
    """Replace acronyms by their expansion: "Sở NN&PTNT hỗ trợ HTX" -> "Sở nông nghiệp và ... hỗ trợ hợp tác xã"."""
    for pattern, expansion in _EXPAND_RULES:
        text = pattern.sub(expansion, text)
    return text


def contract(text: str) -> str:
    """The reverse of expand_abbreviations, on accent-folded text: "hợp tác xã" -> "HTX".

    Works on the folded form so that unaccented input contracts too; the result is folded except for the
    inserted acronyms.
    """
    folded = fold_accents(text)
    for pattern, abbreviation in _CONTRACT_RULES:
        folded = pattern.sub(abbreviation, folded)
    return folded


def abbreviations_in(text: str) -> list[str]:
    """Acronyms written in the text, and acronyms whose expansion is written in it (either spelling)."""
    found: list[str] = []
    for pattern, _expansion in _EXPAND_RULES:
        for match in pattern.finditer(text):
            if match.group(0) not in found:
                found.append(match.group(0))
    folded = fold_accents(text)
    for pattern, abbreviation in _CONTRACT_RULES:
        if pattern.search(folded) and abbreviation not in found:
            found.append(abbreviation)
    return found
