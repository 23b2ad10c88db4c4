"""What the assistant can answer from: the documents held, by type and province, as data and as one sentence.

The page's "Văn bản hiện có" panel shows `coverage(...)`; a refusal ends with `coverage_sentence(...)` so that a
reader learns which provinces and documents exist ("Các văn bản hiện có bao gồm: …; các tỉnh: …").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field

from assistant.labels import document_name
from ingest.models import Document

# Order in which document types are named: the legal hierarchy first, then plans and notices.
_TYPE_ORDER = ("Luật", "Nghị định", "Quyết định", "Thông tư", "Nghị quyết", "Chỉ thị", "Kế hoạch", "Thông báo")


class CoveredDocument(BaseModel):
    id: str
    name: str = Field(description="Short human name, e.g. 'Kế hoạch 31/KH-UBND (Quảng Ninh)'")
    type: str | None
    number: str | None
    year: int | None = Field(description="Issue year when known")
    province: str | None = Field(description="None for national texts and texts that name no province")
    title: str | None


class Coverage(BaseModel):
    documents: list[CoveredDocument]
    provinces: list[str] = Field(description="Provinces with at least one document, alphabetical")
    national: int = Field(description="Documents that apply nationwide or name no province")
    sentence: str = Field(description="The coverage in one Vietnamese sentence, for refusals")


def _type_rank(kind: str) -> tuple[int, str]:
    return (_TYPE_ORDER.index(kind) if kind in _TYPE_ORDER else len(_TYPE_ORDER), kind)


def _vi_sort_key(text: str) -> str:
    from ingest.textnorm import fold_accents

    return fold_accents(text).lower()


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def coverage_sentence(documents: Iterable[Document]) -> str:
    """One sentence: "Các văn bản hiện có bao gồm: <the one law by name>, <n> nghị định, <n> thông tư …; các tỉnh:
    <provinces>." A type held once is named, a type held several times counted."""
    docs = list(documents)
    if not docs:
        return "Hiện chưa có văn bản nào được nạp."
    by_type: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        by_type[doc.type or "Văn bản"].append(doc)
    parts = []
    for kind in sorted(by_type, key=_type_rank):
        group = by_type[kind]
        parts.append(document_name(group[0]) if len(group) == 1 else f"{len(group)} {kind.lower()}")
    sentence = "Các văn bản hiện có bao gồm: " + _join(parts)
    provinces = sorted({d.province for d in docs if d.province}, key=_vi_sort_key)
    if provinces:
        sentence += "; các tỉnh: " + ", ".join(provinces)
    return sentence + "."


def coverage(documents: Iterable[Document]) -> Coverage:
    docs = sorted(documents, key=lambda d: (_type_rank(d.type or "Văn bản"), d.province or "", d.issue_date or "", d.id))
    covered = [
        CoveredDocument(id=d.id, name=document_name(d), type=d.type, number=d.number,
                        year=int(d.issue_date[:4]) if d.issue_date and d.issue_date[:4].isdigit() else None,
                        province=d.province, title=d.title)
        for d in docs
    ]
    provinces = sorted({d.province for d in docs if d.province}, key=_vi_sort_key)
    return Coverage(documents=covered, provinces=provinces, national=sum(1 for d in docs if not d.province),
                    sentence=coverage_sentence(docs))
