"""Typed records exchanged between the ingest stages and everything downstream.

Document -> Clause (addressable unit of text) -> Fact (structured statement about a clause).
All models are pydantic so the CLI, the API and SQLite share one serialisation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ClauseKind = Literal["heading", "paragraph", "bullet", "table_row", "recipients", "signature"]
FactKind = Literal["responsibility", "target", "deadline"]
Role = Literal["lead", "coordinate"]
Comparator = Literal["at_least", "over", "about", "range", "exact", "at_most", "under"]


class Document(BaseModel):
    """Metadata of one source document; every field is extracted from the text, else the manifest, else None."""

    id: str = Field(description="Stable slug, derived from the file name")
    type: str | None = Field(None, description="Kế hoạch, Thông báo, Quyết định, Luật, Nghị định, Thông tư...")
    number: str | None = Field(None, description="Document number as written, e.g. 31/KH-UBND")
    issuer: str | None = None
    province: str | None = Field(None, description="Province the document applies to; None when the text does not say")
    issue_date: str | None = Field(None, description="ISO date")
    title: str | None = None
    signer: str | None = None
    source_file: str = Field(description="Path of the source file as given to the parser")
    sha256: str


class Clause(BaseModel):
    """One addressable unit of a document, in document order."""

    id: str = Field(description="'{document_id}:{path}', stable across re-ingest")
    document_id: str
    path: str = Field(description="Dotted clause path, e.g. IV.4.-2, II.2.5.b, D15.1.a (law), T1.r5 (table row)")
    headings: list[str] = Field(default_factory=list, description="Enclosing headings as written, outermost first")
    text: str = Field(description="Text exactly as in the source (after format clean-up), for quoting")
    line_start: int = Field(description="1-based first line in the source file")
    line_end: int = Field(description="1-based last line in the source file")
    kind: ClauseKind
    order: int = Field(0, description="Position in the document, 0-based")
    parent_id: str | None = None

    @property
    def lead_in(self) -> str | None:
        """The lead-in a point completes ("Trong thời hạn 07 ngày làm việc …, hoàn thành các công việc sau đây:"
        before "a) Gửi nghị quyết …"): the point's figure, date or body is often only there."""
        if self.kind not in {"paragraph", "bullet"} or not self.headings:
            return None
        lead = self.headings[-1].strip()
        return lead if lead.endswith(":") else None


class Fact(BaseModel):
    """A structured statement extracted from one clause. Fields unused by a kind stay None."""

    id: str
    kind: FactKind
    document_id: str
    clause_id: str
    province: str | None = None
    # responsibility / deadline
    agency: str | None = Field(None, description="Canonical agency name")
    agency_as_written: str | None = None
    role: Role | None = None
    task: str | None = None
    # target
    measure: str | None = Field(None, description="What is measured, as written")
    values: list[float] = Field(default_factory=list)
    value_text: str | None = Field(None, description="The figure as written, e.g. '1,5-2%'")
    unit: str | None = None
    comparator: Comparator | None = None
    year: int | None = None
    period: str | None = Field(None, description="e.g. '2017-2020', 'hàng năm'")
    scope: str | None = Field(None, description="province, district or agency the figure applies to")
    # deadline
    date: str | None = Field(None, description="ISO date when the wording is a date")
    wording: str | None = Field(None, description="Original wording, e.g. 'trước ngày 30/6/2017'")


class ParsedDocument(BaseModel):
    document: Document
    clauses: list[Clause]
