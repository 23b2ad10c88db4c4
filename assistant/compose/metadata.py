"""Which province / who signed / when / what number / which body: read from the document record, citing the
clause that states it. A field the document does not give is reported as unknown, never guessed."""

from __future__ import annotations

from assistant.compose.builder import AnswerBuilder
from assistant.compose.corpus import Corpus, Evidence
from assistant.compose.refusal import not_found
from assistant.labels import document_name
from assistant.models import Answer, QueryAnalysis

METADATA_LABELS = {
    "province": "tỉnh ban hành",
    "signer": "người ký",
    "issue_date": "ngày ban hành",
    "number": "số hiệu",
    "issuer": "cơ quan ban hành",
}


def metadata_answer(corpus: Corpus, analysis: QueryAnalysis, evidence: list[Evidence]) -> Answer:
    """The asked field of the best-ranked clause's document."""
    field_name = analysis.asks_about or ""
    label = METADATA_LABELS[field_name]
    if not evidence:
        return not_found(corpus, analysis, f"Không xác định được văn bản nào được hỏi nên không rõ {label}.", [])
    doc = evidence[0].document
    value = getattr(doc, field_name)
    if not value:
        return not_found(
            corpus, analysis,
            f"{document_name(doc)} không ghi {label}; các văn bản hiện có không cho biết thông tin này.",
            evidence[:1],
        )
    shown = display_date(value) if field_name == "issue_date" else value
    spellings = date_spellings(value) if field_name == "issue_date" else [value]
    stating = next((c for c in corpus.store.clauses_of(doc.id) if any(s in c.text for s in spellings)), None)
    builder = AnswerBuilder()
    if stating is None:
        sentence = (f"{label.capitalize()} của {document_name(doc)}: {shown} "
                    "(theo danh mục văn bản, không trích được từ nội dung).")
        return builder.answer(analysis, [sentence], found=True, facts=[])
    n = builder.cite(Evidence(stating, doc, evidence[0].score, 1.0))
    return builder.answer(analysis, [f"{label.capitalize()} của {document_name(doc)}: {shown} [{n}]."],
                          found=True, facts=[])


def display_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}"


def date_spellings(iso: str) -> list[str]:
    """The ways a document writes its own date, so the clause stating it can be cited."""
    year, month, day = iso.split("-")
    d, m = int(day), int(month)
    return [f"{d}/{m}/{year}", f"{day}/{month}/{year}", f"ngày {d} tháng {m} năm {year}",
            f"ngày {day} tháng {month} năm {year}", f"ngày {d} tháng {month} năm {year}"]
