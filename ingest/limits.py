"""Limits on what one document may cost to parse, as one value object with named defaults.

Checked as early and as cheaply as each format allows: a .docx's unpacked size and paragraph count from the
zip directory and a streamed count, a PDF's page count and inflated stream size before any page is laid out,
clauses once the structure is known. Memory and wall-clock time are enforced around the whole parse by the
parsing subprocess (`ingest.isolate`). `Settings.parse_limits()` builds this object from the settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import LimitExceededError


@dataclass(frozen=True)
class ParseLimits:
    max_pages: int = 300
    """PDF pages."""
    max_clauses: int = 5000
    """Clauses of one document (the largest law in the corpus has about 1,100)."""
    max_unpacked_bytes: int = 50_000_000
    """Bytes a .docx unpacks to, or a PDF's compressed streams inflate to."""
    max_paragraphs: int = 50_000
    """Paragraphs of a .docx, counted before python-docx builds its object tree."""
    near_empty_letters: int = 3
    """A clause with fewer letters and digits than this, its numbering aside, is near-empty ("- a")."""
    max_near_empty_share: float = 0.1
    """Share of near-empty clauses above which a document is refused..."""
    min_near_empty_refused: int = 100
    """...once there are at least this many of them (a few empty bullets are normal)."""


def vi_number(value: int) -> str:
    """12345 -> "12.345", as Vietnamese writes thousands."""
    return f"{value:,}".replace(",", ".")


_MARKER = re.compile(r"^\s*(?:[-–—+*•]|(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)])\s*")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def is_near_empty(text: str, limits: ParseLimits) -> bool:
    body = _MARKER.sub("", text, count=1)
    return len(_LETTER_OR_DIGIT.findall(body[: limits.near_empty_letters * 4])) < limits.near_empty_letters


def check_clauses(file: str, texts: list[str], limits: ParseLimits) -> None:
    """Refuse a document of too many clauses, or of mostly near-empty ones, naming the counts."""
    near_empty = sum(1 for text in texts if is_near_empty(text, limits))
    if near_empty >= limits.min_near_empty_refused and near_empty > limits.max_near_empty_share * len(texts):
        raise LimitExceededError(
            file, f"{near_empty} of {len(texts)} clauses are near-empty",
            f"{vi_number(near_empty)} trên {vi_number(len(texts))} điều khoản gần như rỗng (chỉ vài ký tự, "
            f"như “- a”); tệp không giống một văn bản.")
    if len(texts) > limits.max_clauses:
        raise LimitExceededError(
            file, f"{len(texts)} clauses > limit {limits.max_clauses}",
            f"văn bản có {vi_number(len(texts))} điều khoản, vượt quá giới hạn {vi_number(limits.max_clauses)}; "
            "hãy tách thành nhiều tệp.")
