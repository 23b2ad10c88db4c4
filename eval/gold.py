"""The gold Q&A set: loading, validation and gold-clause resolution.

Each item of `eval/qa.jsonl` names its supporting clauses by (document, support span), where the span is a short
verbatim piece of the clause text. Clause ids depend on the parser, so they are derived here rather than typed by
hand: `resolve_gold` maps every span to the one clause whose text contains it, and `python -m eval.gold` rewrites
the stored `gold_clause_ids` after a parser change (the test suite fails until that is done, so id moves are seen).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.models import Clause, ParsedDocument

DEFAULT_QA_PATH = Path("eval/qa.jsonl")
DEFAULT_CORPUS_DIR = Path("corpus")

Intent = Literal["responsible", "target", "deadline", "support", "tasks", "general"]
Category = Literal[
    "who", "target", "deadline", "support", "table", "multi_doc", "no_diacritics", "followup", "unanswerable", "law"
]

SUPPORT_MIN_CHARS = 15
SUPPORT_MAX_CHARS = 80

_SPACE_RE = re.compile(r"\s+")


class GoldSetError(ValueError):
    """The gold set file or one of its items is malformed; the message names the file, line or item."""


class GoldResolutionError(GoldSetError):
    """A support span matches no clause, or more than one, in its document."""


class GoldRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(description="File path relative to corpus/, e.g. extra/luat-htx-2023_17-2023-QH15.txt")
    support: str = Field(description="Verbatim span of the supporting clause text")

    @field_validator("support")
    @classmethod
    def _span_length(cls, value: str) -> str:
        length = len(normalize_space(value))
        if not SUPPORT_MIN_CHARS <= length <= SUPPORT_MAX_CHARS:
            raise ValueError(f"support span must be {SUPPORT_MIN_CHARS}-{SUPPORT_MAX_CHARS} chars, got {length}")
        return value


class QAItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    question: str = Field(description="The scored turn")
    intent: Intent
    category: Category
    turns: list[str] = Field(default_factory=list, description="Earlier turns of a follow-up conversation")
    key_facts: list[list[str]] = Field(
        default_factory=list, description="Each fact is a list of acceptable spellings; the first is verbatim"
    )
    gold: list[GoldRef] = Field(default_factory=list)
    gold_clause_ids: list[str] = Field(default_factory=list, description="Derived by resolve_gold")
    answerable: bool
    notes: str | None = None

    @field_validator("key_facts")
    @classmethod
    def _facts_not_empty(cls, facts: list[list[str]]) -> list[list[str]]:
        for fact in facts:
            if not fact or any(not spelling.strip() for spelling in fact):
                raise ValueError("every key fact needs at least one non-empty spelling")
        return facts


def normalize_space(text: str) -> str:
    """NFC, all whitespace runs (line breaks, tabs) collapsed to one space: spans may cross table cells."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower-cased, accent-free, whitespace-normalised text, as the eval harness compares key facts."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalize_space(stripped).lower()


def load_qa(path: Path = DEFAULT_QA_PATH) -> list[QAItem]:
    """Read and validate the gold set; a bad line raises GoldSetError naming the file and line."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = QAItem.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise GoldSetError(f"{path}:{line_no}: invalid gold item: {exc}") from exc
        if item.id in seen:
            raise GoldSetError(f"{path}:{line_no}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    return items


def _item_record(item: QAItem) -> dict[str, object]:
    record = item.model_dump(exclude_none=True)
    if not record["turns"]:
        del record["turns"]  # the file format lists turns only for follow-ups
    return record


def write_qa(items: Sequence[QAItem], path: Path = DEFAULT_QA_PATH) -> None:
    """One JSON object per line, UTF-8 unescaped so the file stays reviewable by Vietnamese readers."""
    lines = [json.dumps(_item_record(item), ensure_ascii=False) for item in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _document_key(source_file: str, corpus_dir: Path | None) -> str:
    """Path of a parsed document relative to the corpus folder, in the form gold entries use."""
    source = PurePosixPath(Path(source_file).as_posix())
    if corpus_dir is not None:
        root = PurePosixPath(Path(corpus_dir).as_posix())
        try:
            return str(source.relative_to(root))
        except ValueError:
            pass
    parts = source.parts
    if "corpus" in parts:
        last = len(parts) - 1 - parts[::-1].index("corpus")
        return str(PurePosixPath(*parts[last + 1 :]))
    return source.name


def index_documents(parsed_docs: Iterable[ParsedDocument], corpus_dir: Path | None = None) -> dict[str, ParsedDocument]:
    """Parsed documents keyed by their path relative to corpus/ (e.g. 'extra/luat-...txt')."""
    return {_document_key(doc.document.source_file, corpus_dir): doc for doc in parsed_docs}


def find_clauses(doc: ParsedDocument, support: str) -> list[Clause]:
    span = normalize_space(support)
    return [clause for clause in doc.clauses if span in normalize_space(clause.text)]


def resolve_gold(
    items: Sequence[QAItem], parsed_docs: Iterable[ParsedDocument], corpus_dir: Path | None = None
) -> list[QAItem]:
    """Copies of `items` whose gold_clause_ids are the clauses containing each support span, in gold order."""
    by_document = index_documents(parsed_docs, corpus_dir)
    resolved: list[QAItem] = []
    for item in items:
        clause_ids: list[str] = []
        for ref in item.gold:
            doc = by_document.get(ref.document)
            if doc is None:
                raise GoldResolutionError(f"{item.id}: document {ref.document!r} was not parsed from the corpus")
            matches = find_clauses(doc, ref.support)
            if not matches:
                raise GoldResolutionError(f"{item.id}: support {ref.support!r} is in no clause of {ref.document}")
            if len(matches) > 1:
                ids = ", ".join(clause.id for clause in matches)
                raise GoldResolutionError(
                    f"{item.id}: support {ref.support!r} is ambiguous in {ref.document} ({ids}); lengthen the span"
                )
            if matches[0].id not in clause_ids:
                clause_ids.append(matches[0].id)
        resolved.append(item.model_copy(update={"gold_clause_ids": clause_ids}))
    return resolved


def parse_corpus(corpus_dir: Path = DEFAULT_CORPUS_DIR) -> list[ParsedDocument]:
    """The corpus as the ingest pipeline parses it (imported lazily: the pipeline pulls in the parsers)."""
    from ingest.pipeline import parse_paths

    parsed, errors = parse_paths([corpus_dir])
    if errors:
        # A corpus file the parser rejects would silently drop its gold items; make it loud instead.
        raise GoldSetError("corpus files failed to parse: " + "; ".join(str(error) for error in errors))
    return parsed


def main() -> None:
    items = load_qa(DEFAULT_QA_PATH)
    resolved = resolve_gold(items, parse_corpus(DEFAULT_CORPUS_DIR), DEFAULT_CORPUS_DIR)
    changed = sum(1 for old, new in zip(items, resolved, strict=True) if old.gold_clause_ids != new.gold_clause_ids)
    write_qa(resolved, DEFAULT_QA_PATH)
    print(f"{len(resolved)} items, {changed} with updated gold_clause_ids -> {DEFAULT_QA_PATH}")


if __name__ == "__main__":
    main()
