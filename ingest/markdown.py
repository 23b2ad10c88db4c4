"""Format clean-up: turn source lines into cleaned lines, one per source line, so line numbers stay real.

Markdown converted from PDF carries emphasis markers, `#` headings whose level is unreliable, empty heading
shells and paragraphs cut in two by page breaks ("...trên địa\\n\\n**bàn tỉnh...**"). `clean_lines`
strips the markup and joins such continuations into the first line of the paragraph; the lines it empties
are left blank and `CleanText.extends` records how far the joined line reaches in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_BOLD_US = re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_ITALIC_US = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
# Whitespace Python's str.strip() keeps but that is layout, not text, in our sources.
_STRIP = " \t\u00a0\ufeff\u200b\u200c\u200d\u2060\u3000"
TERMINAL = (".", ";", ":", "!", "?", "…")


@dataclass
class CleanText:
    """Cleaned lines (same count as the source lines) plus what the clean-up learned on the way."""

    lines: list[str]
    heading_lines: set[int] = field(default_factory=set)  # 0-based indexes of markdown heading lines
    extends: dict[int, int] = field(default_factory=dict)  # joined line index -> last source line it covers

    def span_end(self, index: int) -> int:
        return self.extends.get(index, index)


def strip_layout(line: str) -> str:
    return line.strip(_STRIP)


def clean_plain(lines: list[str]) -> CleanText:
    """Plain text: layout whitespace is removed, page-split paragraphs are joined as for markdown, and a
    "##### title" line (texts assembled from markdown sources) counts as a heading without its hashes."""
    cleaned: list[str] = []
    headings: set[int] = set()
    for index, line in enumerate(lines):
        text = strip_layout(line)
        if match := re.match(r"^#{1,6}\s+(?=\S)", text):
            text = text[match.end() :]
            headings.add(index)
        cleaned.append(text)
    return join_page_splits(CleanText(lines=cleaned, heading_lines=headings))


def clean_markdown(lines: list[str]) -> CleanText:
    cleaned: list[str] = []
    headings: set[int] = set()
    for index, line in enumerate(lines):
        text, is_heading = strip_markdown_line(line)
        if is_heading and text:
            headings.add(index)
        cleaned.append(text)
    return join_page_splits(CleanText(lines=cleaned, heading_lines=headings))


def strip_markdown_line(line: str) -> tuple[str, bool]:
    """Remove heading markers, emphasis, escapes and hard-break spaces from one markdown line."""
    text = line.strip(_STRIP)
    # A line wholly in bold or italics is a heading in PDF conversions ("**3. Triển khai ...**").
    is_heading = bool(re.fullmatch(r"(\*\*|__)[^*_].*[^*_](\*\*|__)|\*[^*\s].*[^*\s]\*", text))
    match = _HEADING.match(text)
    if match:
        is_heading = True
        text = text[match.end() :]
        text = re.sub(r"\s#+\s*$", "", text)
    for pattern in (_BOLD, _BOLD_US):
        text = pattern.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _ITALIC_US.sub(r"\1", text)
    # Emphasis that spans lines (a bold signature block) leaves unpaired markers behind.
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"^\*(?=\S)", "", text)
    text = re.sub(r"(?<=\S)\*$", "", text)
    text = _ESCAPE.sub(r"\1", text)
    if text.endswith("\\"):
        text = text[:-1]
    return strip_layout(text), is_heading


def join_page_splits(clean: CleanText) -> CleanText:
    """Join a paragraph cut by a page break: a line starting in lower case, after blank lines, continues the
    previous non-blank line when that one has no terminal punctuation."""
    lines = clean.lines
    previous: int | None = None
    for index, text in enumerate(lines):
        if not text:
            continue
        if (
            previous is not None
            and previous < index - 1
            and _starts_lower(text)
            and not lines[previous].endswith(TERMINAL)
        ):
            lines[previous] = f"{lines[previous]} {text}"
            lines[index] = ""
            clean.extends[previous] = index
            clean.heading_lines.discard(index)
            continue
        previous = index
    return clean


_LETTER_MARKER = re.compile(r"^[a-zđ]\)")


def _starts_lower(text: str) -> bool:
    first = text[0]
    return first.isalpha() and first.islower() and not _LETTER_MARKER.match(text)
