"""Reading source files into lines, with the checks that turn bad input into clear errors.

`read_lines(path, max_bytes)` returns a `SourceText`: the decoded lines of the file and its format.
One module per format: `txt` (plain text and markdown, and the decoding HTML shares), `docx`, `pdf`, `html`;
`layout` is the flattened table layout the last three write and `ingest.tables` rebuilds.
Plain text and markdown keep their real lines, so clause line numbers point into the file; the other formats
emit one line per paragraph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.errors import EmptyFileError, FileTooLargeError, IngestError, NoTextLayerError, UnsupportedFormatError
from ingest.limits import ParseLimits
from ingest.readers.txt import decode_text, detect_legacy_encoding, read_text, split_lines

__all__ = ["FORMATS", "SUPPORTED_EXTENSIONS", "NoTextLayerError", "SourceText", "decode_text",
           "detect_legacy_encoding", "read_lines", "split_lines"]

SourceFormat = Literal["txt", "md", "docx", "pdf", "html"]
FORMATS: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_EXTENSIONS = frozenset(FORMATS)


@dataclass(frozen=True)
class SourceText:
    path: Path
    format: SourceFormat
    lines: list[str]
    encoding: str
    sha256: str


def read_lines(path: Path, max_bytes: int = 20_000_000, limits: ParseLimits | None = None,
               source: Path | None = None) -> SourceText:
    """Read `path` into lines; raises an `IngestError` subclass naming the file and the reason.

    `source`, when given, is where the bytes are read from while `path` stays the file's name (an upload
    staged outside the corpus is read where it waits, but named and reported as the corpus file it becomes).
    """
    name = str(path)
    limits = limits or ParseLimits()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UnsupportedFormatError(name, f"extension '{path.suffix or '(none)'}' (supported: {supported})")
    source = source or path
    if not source.is_file():
        raise IngestError(name, "file does not exist or is not a regular file")
    size = source.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(name, f"{size} bytes > limit {max_bytes}")
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise EmptyFileError(name, "no content" if not data else "only whitespace")
    if fmt == "html":
        from ingest.readers.html import html_to_lines

        text, encoding = decode_text(data, name)
        lines = html_to_lines(text)
    elif fmt in ("txt", "md"):
        lines, encoding = read_text(data, name)
    elif fmt == "docx":
        from ingest.readers.docx import read_docx

        lines, encoding = read_docx(source, name, limits), "docx"
    else:
        from ingest.readers.pdf import read_pdf

        lines, encoding = read_pdf(source, name, limits), "pdf"
    if not any(line.strip() for line in lines):
        raise EmptyFileError(name, "no text content")
    return SourceText(path=path, format=fmt, lines=lines, encoding=encoding, sha256=digest)
