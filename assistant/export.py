"""Facts as officials read them: each fact with its document's name and its clause's human label, and the CSV
export with Vietnamese headers and values, only the columns that mean something for the rows exported."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from typing import Protocol

from pydantic import Field

from assistant.labels import clause_label, document_name
from ingest.models import Clause, Document, Fact

ROLE_LABELS = {"lead": "chủ trì", "coordinate": "phối hợp"}
KIND_LABELS = {"responsibility": "Phân công", "target": "Chỉ tiêu", "deadline": "Hạn chót"}
COMPARATOR_LABELS = {"at_least": "ít nhất", "over": "trên", "about": "khoảng", "range": "trong khoảng",
                     "exact": "", "at_most": "tối đa", "under": "dưới"}


class FactView(Fact):
    """A fact with what a reader needs to find it: the document's name and the clause in its own numbering."""

    document_name: str = Field("", description="Short document name, e.g. 'Kế hoạch 31/KH-UBND (Quảng Ninh)'")
    clause_label: str = Field("", description="The clause in the document's numbering, e.g. 'điểm đ mục 2.4 phần II'")


class _Store(Protocol):
    def get_document(self, document_id: str) -> Document | None: ...
    def get_clauses(self, ids: list[str]) -> list[Clause]: ...


def fact_views(facts: list[Fact], store: _Store) -> list[FactView]:
    docs: dict[str, tuple[Document | None, str]] = {}
    clauses = {c.id: c for c in store.get_clauses(sorted({f.clause_id for f in facts}))} if facts else {}
    views = []
    for fact in facts:
        if fact.document_id not in docs:
            doc = store.get_document(fact.document_id)
            docs[fact.document_id] = (doc, document_name(doc) if doc else fact.document_id)
        doc, name = docs[fact.document_id]
        clause = clauses.get(fact.clause_id)
        views.append(FactView(**fact.model_dump(), document_name=name,
                              clause_label=clause_label(doc, clause) if doc and clause else ""))
    return views


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    day = datetime.date.fromisoformat(iso)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _periodic(fact: FactView) -> str:
    return fact.period if fact.kind == "deadline" and fact.period and not fact.period.isdigit() else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


# Column header -> value, in the order they appear; a column empty in every exported row is left out.
_COLUMNS: list[tuple[str, Callable[[FactView], str]]] = [
    ("Loại", lambda f: KIND_LABELS[f.kind]),
    ("Văn bản", lambda f: f.document_name),
    ("Tỉnh", lambda f: f.province or ""),
    ("Điều khoản", lambda f: f.clause_label),
    ("Cơ quan", lambda f: f.agency or f.agency_as_written or ""),
    ("Vai trò", lambda f: ROLE_LABELS.get(f.role or "", "")),
    ("Chỉ tiêu", lambda f: f.measure or ""),
    ("Giá trị", lambda f: f.value_text or ""),
    ("Đơn vị", lambda f: f.unit or ""),
    ("So sánh", lambda f: COMPARATOR_LABELS.get(f.comparator or "", "")),
    ("Năm", lambda f: _number(f.year) if f.kind == "target" else ""),
    ("Giai đoạn", lambda f: (f.period or "") if f.kind == "target" else ""),
    ("Phạm vi", lambda f: f.scope or ""),
    ("Hạn", lambda f: _date(f.date)),
    ("Thời hạn (nguyên văn)", lambda f: f.wording or ""),
    ("Định kỳ", _periodic),
    ("Nhiệm vụ", lambda f: f.task or ""),
]
_ALWAYS = {"Văn bản", "Điều khoản"}


# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell that no spreadsheet will evaluate: text starting like a formula gets a leading
    apostrophe, which spreadsheets show as text and hide. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def facts_csv(views: Iterable[FactView], kind: str | None = None) -> str:
    rows = list(views)
    columns = [(name, get) for name, get in _COLUMNS if not (name == "Loại" and kind)]
    table = [[get(view) for _, get in columns] for view in rows]
    keep = [i for i, (name, _) in enumerate(columns) if name in _ALWAYS or any(row[i] for row in table)]
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read the Vietnamese text as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([columns[i][0] for i in keep])
    for row in table:
        writer.writerow([csv_cell(row[i]) for i in keep])
    return buffer.getvalue()
