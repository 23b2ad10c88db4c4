"""Human names for documents and clauses, in each document's own numbering.

A reader of a law expects "khoản <k> Điều <n> <law name and year>", of a provincial plan "điểm <x> mục <m.n>
phần <R>, Kế hoạch <number> (<province>)" — never the parser's clause paths ("D65.1", "II.2.-3.+3") or a file slug.

Clause paths are read component by component (conventions in ingest/structure.py): chapters "C3", sections
"M1", articles "D65", Roman parts, numbers, letters, bullets "-N" / "+N" / "*N", unnumbered paragraphs "pN",
split pieces "sN", tables "T1" and rows "r5", duplicates "_2". Whether a number under a number is written
"2.4." (one item, "mục 2.4") or is a list restarted at 1 under "2." ("tiểu mục 1 mục 2") cannot be told from
the path; the numbering as written in the clause's own text and its headings tells it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.lexicon import lexicon
from ingest.models import Clause, Document
from ingest.places import CANONICAL_PROVINCES
from ingest.structure import classify

# What Vietnamese readers call each level (outermost first in a path, innermost first in a label).
_WORDS = {
    "chapter": "Chương",
    "section": "Mục",
    "article": "Điều",
    "clause": "khoản",  # a number directly under an article
    "roman": "phần",
    "number": "mục",
    "sub_number": "tiểu mục",  # a list restarted at 1 under a numbered item
    "letter": "điểm",
    "dash": "gạch đầu dòng thứ",
    "plus": "ý thứ",
    "table": "bảng",
    "row": "dòng",
    "preamble": "phần mở đầu",
    "paragraph": "đoạn",
    "title": "tiêu đề",
    "recipients": "phần Nơi nhận",
    "signature": "phần chữ ký",
}
# Document types whose unnumbered opening paragraphs are a preamble; other texts (articles, news) are prose.
_FORMAL_TYPES = ("Luật", "Nghị định", "Thông tư", "Quyết định", "Nghị quyết", "Kế hoạch", "Thông báo", "Chỉ thị",
                 "Công văn", "Báo cáo", "Chương trình", "Đề án", "Hướng dẫn", "Kết luận", "Tờ trình")
# Types that are named by their number alone ("Nghị định 92/2024/NĐ-CP").
_LEGAL_TYPES = ("Luật", "Nghị định", "Thông tư", "Quyết định", "Nghị quyết", "Pháp lệnh", "Chỉ thị")

_LETTERS = "abcdđefghiklmnopqrstuvxyz"
_COMPONENT = re.compile(
    r"^(?:(?P<chapter>C\d+)|(?P<section>M\d+)|(?P<article>D\d+)|(?P<table>T\d+)|(?P<row>r\d+)|(?P<para>p\d+)"
    r"|(?P<split>s\d+)|(?P<bullet>[-+*]\d+)|(?P<roman>[IVXLC]+)|(?P<number>\d+)|(?P<letter>[a-zđ])"
    r"|(?P<special>recipients|signature))$"
)
_DUPLICATE = re.compile(r"_\d+$")
_ROMAN_NUMERALS = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                   (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))

# What must never reach a reader: the parser's internal path codes.
INTERNAL_CODE = re.compile(
    r"(?<![\w/])(?:[CDMT]\d+|[psr]\d+)(?![\w/])|(?<![\w])[-+*]\d|\b[IVXLC]+\.\d|(?<=\d)\.[a-zđ]\b|_\d|\.[-+*]"
)


@dataclass(frozen=True)
class _Part:
    kind: str
    value: str
    number: int = 0


def _roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN_NUMERALS:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


def _parts(path: str) -> list[_Part]:
    parts: list[_Part] = []
    for raw in path.split("."):
        component = _DUPLICATE.sub("", raw)
        match = _COMPONENT.match(component)
        if match is None:
            # An unknown component is skipped rather than shown: a reader never sees a path code.
            continue
        kind = match.lastgroup or ""
        digits = re.sub(r"\D", "", component)
        parts.append(_Part(kind, component, int(digits) if digits else 0))
    return parts


def _written_numbers(clause: Clause) -> set[tuple[int, ...]]:
    """Multi-level numbers as written ("2.4." -> (2, 4)) in the clause and its enclosing headings."""
    found: set[tuple[int, ...]] = set()
    for text in [*clause.headings, clause.text]:
        marker = classify(" ".join(text.split()))
        if marker.kind == "number" and len(marker.numbers) > 1:
            found.add(marker.numbers)
    return found


def _row_name(text: str) -> str:
    """A table row is named by its first cell ("Tổng số HTX — KẾT QUẢ NĂM 2016: ..." -> "Tổng số HTX")."""
    first = re.split(r" — |: ", " ".join(text.split()), maxsplit=1)[0]
    return _shorten(first, 60)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def clause_label(doc: Document, clause: Clause) -> str:
    """Where the clause is, in the document's own numbering, innermost first: "điểm a khoản 2 Điều 61",
    "gạch đầu dòng thứ 3 mục 1 phần IV", "dòng “Tổng số HTX” bảng 1"."""
    parts = [p for p in _parts(clause.path) if p.kind != "split"]
    written = _written_numbers(clause)
    units: list[str] = []
    chain: tuple[int, ...] = ()  # the number sequence of the innermost numbered item, as written
    parent_kind = ""  # kind of the innermost numbered (non-bullet) ancestor
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part.kind == "chapter":
            units.append(f"{_WORDS['chapter']} {_roman(part.number)}")
        elif part.kind == "section":
            units.append(f"{_WORDS['section']} {part.number}")
        elif part.kind == "article":
            units = [f"{_WORDS['article']} {part.number}"]  # articles are unique in a text: cited without chapter
        elif part.kind == "roman":
            units.append(f"{_WORDS['roman']} {part.value}")
        elif part.kind == "number":
            if parent_kind == "article":
                units.append(f"{_WORDS['clause']} {part.number}")
                chain = (part.number,)
            elif parent_kind == "number" and any(t[-len(chain) - 1 :] == (*chain, part.number) for t in written):
                chain = (*chain, part.number)
                units[-1] = f"{_WORDS['number']} {'.'.join(map(str, chain))}"
            elif parent_kind == "number":
                units.append(f"{_WORDS['sub_number']} {part.number}")
                chain = (part.number,)
            else:
                units.append(f"{_WORDS['number']} {part.number}")
                chain = (part.number,)
        elif part.kind == "letter":
            units.append(f"{_WORDS['letter']} {part.value}")
        elif part.kind == "bullet":
            word = _WORDS["dash"] if part.value[0] == "-" else _WORDS["plus"]
            units.append(f"{word} {part.number}")
        elif part.kind == "table":
            units.append(f"{_WORDS['table']} {part.number}")
        elif part.kind == "row":
            units.append(f"{_WORDS['row']} “{_row_name(clause.text)}”" if last else f"{_WORDS['row']} {part.number}")
        elif part.kind == "para":
            if not units:  # an unnumbered paragraph outside any numbered item
                if clause.kind == "heading":
                    units.append(_WORDS["title"])
                elif (doc.type or "") in _FORMAL_TYPES:
                    units.append(_WORDS["preamble"])
                else:
                    units.append(f"{_WORDS['paragraph']} {part.number}")
            # inside an item, the paragraph belongs to that item and carries no number of its own
        elif part.kind == "special":
            units.append(_WORDS[part.value])
        if part.kind in ("chapter", "section", "article", "roman", "number", "letter"):
            parent_kind = "number" if part.kind == "number" else part.kind
            if part.kind != "number":
                chain = ()
    if not units:
        units.append(_WORDS["preamble"] if (doc.type or "") in _FORMAL_TYPES else _WORDS["paragraph"])
    return " ".join(reversed(units))


# ---- document names ----------------------------------------------------------------------------------------------

# Words that keep their capital when an ALL-CAPS title is put in sentence case.
_PROPER = (*lexicon().documents.all, *lexicon().documents.keep_capitals)
# Where a long subject can be cut and still read as a name ("thực hiện Chỉ thị số 12/CT-TTg | ngày 22/5/2018 …").
_CUTS = re.compile(r"\s(?:của\s|tại\s|về việc\s|trên địa bàn\s|giai đoạn\s+\d|năm\s+\d{4})", re.I)
_DATED_REFERENCE = re.compile(r"\sngày\s+\d", re.I)
_NAMED_DOCUMENT = re.compile(r"^(?:Chỉ thị|Luật|Nghị định|Quyết định|Thông tư|Nghị quyết|Kết luận|Kế hoạch)\s+(?:số\s+)?\d")
_PERIOD = re.compile(r"giai đoạn\s+(\d{4})\s*[-–]\s*(\d{4})", re.I)
_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.I)
_NUMBER_YEAR = re.compile(r"/(\d{4})/")
MAX_SUBJECT_WORDS = 12


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _sentence_case(text: str, province: str | None) -> str:
    """ALL-CAPS title -> ordinary case; names and document numbers keep their capitals."""
    words = []
    for word in text.split():
        # Document numbers and codes ("12/CT-TTG", "QĐ-UBND") stay as written, with the usual "TTg".
        words.append(word.replace("TTG", "TTg") if any(c.isdigit() for c in word) or "-" in word
                     else word.lower())
    out = " ".join(words)
    for name in (*_PROPER, *CANONICAL_PROVINCES, *([province] if province else [])):
        out = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", name, out)
    return out


def _subject(doc: Document, lower_first: bool = True) -> str:
    """The title as a short subject ("thực hiện Chỉ thị số 12/CT-TTg"), without the type and the province."""
    title = " ".join((doc.title or "").split()).rstrip(" .")
    if not title:
        return ""
    if _mostly_upper(title):
        title = _sentence_case(title, doc.province)
    if doc.type and title.lower().startswith(doc.type.lower() + " "):
        title = title[len(doc.type) + 1 :]
    if doc.province:
        title = re.sub(rf"\s*(?:trên địa bàn\s+)?tỉnh\s+{re.escape(doc.province)}", "", title, flags=re.I)
    cuts = [m.start() for m in _CUTS.finditer(title) if m.start() > 0]
    dated = next((m.start() for m in _DATED_REFERENCE.finditer(title) if m.start() > 0), None)
    if dated is not None:
        # "thực hiện Chỉ thị số 12/CT-TTg | ngày 22/5/2018 của …": what follows a reference's date is its detail.
        title = title[:dated]
    elif cuts:
        fitting = [c for c in cuts if len(title[:c].split()) <= MAX_SUBJECT_WORDS]
        title = title[: (fitting or cuts)[-1 if fitting else 0]]
    words = title.split()
    if len(words) > MAX_SUBJECT_WORDS:
        title = " ".join(words[:MAX_SUBJECT_WORDS]).rstrip(" ,;:") + "…"
    # Inside a name the subject continues the type: "Kế hoạch hoạt động", not "Kế hoạch Hoạt động";
    # a document it names keeps its capital ("Kế hoạch thực hiện Chỉ thị số 12").
    if lower_first and title and not title.split()[0].isupper() and not _NAMED_DOCUMENT.match(title):
        title = title[0].lower() + title[1:]
    return title.strip(" ,;:")


def _year(doc: Document, subject: str) -> str | None:
    """The year or period that identifies the document, when its number does not already carry it."""
    if doc.number and _NUMBER_YEAR.search(doc.number):
        return None
    if doc.issue_date:
        return doc.issue_date[:4]
    title = " ".join((doc.title or "").split())
    if period := _PERIOD.search(title):
        return f"giai đoạn {period.group(1)}–{period.group(2)}"
    for match in _TITLE_YEAR.finditer(title):
        before = title[: match.start()].lower().split()[-5:]
        if "luật" not in before and match.group(1) not in subject:  # "Luật HTX năm 2012" dates the law, not this
            return f"năm {match.group(1)}"
    return None


def document_name(doc: Document) -> str:
    """Short human name with number and year: "Luật Hợp tác xã 2023", "Nghị định 92/2024/NĐ-CP",
    "Kế hoạch 31/KH-UBND (Quảng Ninh)", "Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"."""
    return _document_name(doc.model_copy(update={"source_file": ""}).model_dump_json())


@lru_cache(maxsize=4096)
def _document_name(document_json: str) -> str:
    # Keyed by the record's content: every citation of a document asks again, and deriving a name from a
    # title takes a few dozen regular expressions.
    return _name_of(Document.model_validate_json(document_json))


def _name_of(doc: Document) -> str:
    kind = (doc.type or "Văn bản").strip()
    title = " ".join((doc.title or "").split())
    if kind == "Luật" and title.startswith("Luật ") and len(title.split()) <= 8 and doc.issue_date:
        name = f"{title} {doc.issue_date[:4]}"  # laws are known by title and year
    elif doc.number:
        name = f"{kind} {doc.number}"
    else:
        formal = kind in _FORMAL_TYPES or kind in _LEGAL_TYPES
        subject = _subject(doc, lower_first=formal)
        year = _year(doc, subject)
        if formal:
            name = " ".join(p for p in (kind, subject, year) if p)
        else:  # articles and news items: the title is the name
            name = f"{kind} “{subject}”" if subject else kind
            if year:
                name += f" ({year})"
    if doc.province:
        name += f" ({doc.province})"
    return name


def citation_label(doc: Document, clause: Clause) -> str:
    """Clause and document together: "khoản <k> Điều <n> <law name and year>",
    "điểm <x> mục <m.n> phần <R>, <plan name> (<province>)"."""
    return _joined(clause_label(doc, clause), document_name(doc))


def _joined(label: str, name: str) -> str:
    # Legal style runs on from an article ("khoản <k> Điều <n> Luật …"); a plan's item reads better with a comma.
    joiner = " " if re.search(r"(?:Điều \d+|Chương [IVXLC]+)$", label) else ", "
    return f"{label}{joiner}{name}"


def human_labels(doc: Document, clause: Clause) -> dict[str, str]:
    """The Citation fields a reader sees: label, clause_label, document_name (each derived once)."""
    label, name = clause_label(doc, clause), document_name(doc)
    return {"label": _joined(label, name), "clause_label": label, "document_name": name}
