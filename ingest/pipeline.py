"""Parse one source file (or many) into a `ParsedDocument`: metadata plus clauses in document order.

read (ingest.readers) -> clean (ingest.markdown) -> tables (ingest.tables) -> structure (ingest.structure)
-> metadata (ingest.metadata, then the manifest for what the text lacks).

Invariants the tests check: every clause except `table_row` has a text that is an exact substring of
`cleaned_source(...)` (non-blank cleaned lines joined by newlines); paths are unique; ids are stable;
line spans are real 1-based lines of the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.errors import IngestError, NoStructureError
from ingest.limits import ParseLimits, check_clauses
from ingest.markdown import CleanText, clean_markdown, clean_plain
from ingest.metadata import MANIFEST_NAME, METADATA_FIELDS, Manifest, TextFacts, extract_metadata, find_manifest
from ingest.models import Clause, Document, ParsedDocument
from ingest.readers import SUPPORTED_EXTENSIONS, SourceText, read_lines
from ingest.structure import Block, classify, parse_blocks
from ingest.tables import Table, find_pipe_tables, find_tables, row_texts

_HEADER_END = re.compile(r"^={5,}\s*$")
MIN_TEXT_CHARS = 50


def document_id_for(path: Path) -> str:
    """Stable slug from the file name: accents folded, lower case, [a-z0-9_-] only."""
    stem = Path(path).stem.replace("đ", "d").replace("Đ", "D")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_stem.lower()).strip("-_")
    return slug or "document"


def provenance_header_end(lines: list[str]) -> int:
    """Number of lines of the provenance header (NGUỒN: ... =====), 0 when the file has none."""
    if not lines or not lines[0].lstrip("\ufeff").startswith("NGUỒN:"):
        return 0
    for index, line in enumerate(lines[:40]):
        if _HEADER_END.match(line):
            return index + 1
    return 0


def clean_source(source: SourceText) -> CleanText:
    return clean_markdown(source.lines) if source.format == "md" else clean_plain(source.lines)


def cleaned_source(path: Path, max_bytes: int = 20_000_000) -> str:
    """The cleaned text every non-table clause text is a substring of (for tests and quoting checks)."""
    source = read_lines(Path(path), max_bytes)
    clean = clean_source(source)
    start = provenance_header_end(source.lines)
    return "\n".join(line for line in clean.lines[start:] if line)


def parse_file(path: Path, manifest: Manifest | None = None, max_bytes: int = 20_000_000,
               limits: ParseLimits | None = None, source_path: Path | None = None) -> ParsedDocument:
    """Parse one file. Without a manifest, the nearest corpus manifest.json above the file is used.

    `source_path`: read the bytes from there instead, the document keeping `path` as its name (see
    `ingest.readers.read_lines`).
    """
    path = Path(path)
    limits = limits or ParseLimits()
    source = read_lines(path, max_bytes, limits, source_path)
    document_id = document_id_for(path)
    start = provenance_header_end(source.lines)
    clean = clean_source(source)
    body = [line for line in clean.lines[start:] if line]
    body_text = "\n".join(body)
    if len(body_text) < MIN_TEXT_CHARS:
        raise NoStructureError(str(path), f"only {len(body_text)} characters of text (minimum {MIN_TEXT_CHARS})")

    tables = sorted(
        find_tables(source.lines, start) + find_pipe_tables(source.lines, start), key=lambda t: t.first_line
    )
    skip = {i for table in tables for i in range(table.first_line, table.last_line + 1)}
    blocks = parse_blocks(clean, skip, start)
    _check_structure(path, blocks, body_text)
    # Checked before any Clause is built: a flood of 100,000 lines costs seconds here, not an index.
    captions = [t.caption or "" for t in tables if t.caption_start is not None and t.caption_end is not None]
    check_clauses(str(path), [b.text for b in blocks] + captions + [r.text for t in tables for r in row_texts(t)],
                  limits)

    clauses = _to_clauses(document_id, blocks, tables, clean)
    manifest = manifest if manifest is not None else find_manifest(path)
    document = _document(document_id, path, source, clean, start, blocks, body_text, manifest)
    return ParsedDocument(document=document, clauses=clauses)


def _check_structure(path: Path, blocks: list[Block], body_text: str) -> None:
    """Refuse text with neither numbering nor sentences (random characters, a list of words)."""
    if not blocks:
        raise NoStructureError(str(path), "no paragraphs found")
    marked = any(classify(block.text).kind != "para" for block in blocks)
    words = body_text.split()
    sentences = len(re.findall(r"[.;:!?](?:\s|$)", body_text))
    long_words = sum(1 for word in words if len(word) > 25)
    if long_words > max(3, len(words) // 5):
        raise NoStructureError(str(path), "text is mostly runs of characters, not words")
    if not marked and sentences == 0:
        raise NoStructureError(str(path), "no numbering and no sentence punctuation")


def _to_clauses(document_id: str, blocks: list[Block], tables: list[Table], clean: CleanText) -> list[Clause]:
    entries: list[tuple[int, int, Block]] = [(b.line_start, n, b) for n, b in enumerate(blocks)]
    for number, table in enumerate(tables, start=1):
        caption_block: Block | None = None
        if table.caption_start is not None and table.caption_end is not None:
            text = "\n".join(line for line in clean.lines[table.caption_start : table.caption_end + 1] if line)
            caption_block = Block(f"T{number}", "heading", text, table.caption_start, table.caption_end, None, [])
            entries.append((table.caption_start, -1, caption_block))
        headings = [table.caption] if table.caption else []
        for row in row_texts(table):
            block = Block(
                f"T{number}.r{row.path_row}",
                "table_row",
                row.text,
                row.line_start,
                row.line_end,
                caption_block,
                headings,
            )
            entries.append((row.line_start, row.path_row, block))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    ids: dict[int, str] = {}
    clauses: list[Clause] = []
    for order, (_, _, block) in enumerate(entries):
        clause_id = f"{document_id}:{block.path}"
        ids[id(block)] = clause_id
        clauses.append(
            Clause(
                id=clause_id,
                document_id=document_id,
                path=block.path,
                headings=block.headings,
                text=block.text,
                line_start=block.line_start + 1,
                line_end=block.line_end + 1,
                kind=block.kind,  # type: ignore[arg-type]
                order=order,
                parent_id=ids.get(id(block.parent)) if block.parent is not None else None,
            )
        )
    return clauses


def _document(
    document_id: str,
    path: Path,
    source: SourceText,
    clean: CleanText,
    start: int,
    blocks: list[Block],
    body_text: str,
    manifest: Manifest,
) -> Document:
    preamble: list[str] = []
    for block in blocks:
        if "." in block.path or not block.path.startswith("p"):
            break
        preamble.append(block.text)
    signature = next((b.text for b in blocks if b.kind == "signature"), None)
    facts = TextFacts(
        header_lines=source.lines[:start],
        preamble=preamble,
        body_text=body_text,
        signature=signature,
        first_lines=[line for line in clean.lines[start:] if line][:12],
    )
    meta = extract_metadata(facts)
    for key, value in manifest.for_file(path).items():
        if key in METADATA_FIELDS and meta.get(key) is None:
            meta[key] = value
    return Document(id=document_id, source_file=str(path), sha256=source.sha256, **meta)


def parse_paths(
    paths: list[Path], manifest: Manifest | None = None, max_bytes: int = 20_000_000
) -> tuple[list[ParsedDocument], list[IngestError]]:
    """Parse files and folders (recursively, supported extensions only, manifest.json skipped).

    A bad file never stops the others: its error is returned in the second list.
    """
    parsed: list[ParsedDocument] = []
    errors: list[IngestError] = []
    for file in _expand(paths):
        try:
            parsed.append(parse_file(file, manifest, max_bytes))
        except IngestError as exc:
            errors.append(exc)
    return parsed, errors


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS and not p.name.startswith(".")
                )
            )
        elif path.name != MANIFEST_NAME:
            files.append(path)
    return files
