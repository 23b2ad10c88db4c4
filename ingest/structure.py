"""Clause structure: cleaned lines -> addressable units with dotted paths, in document order.

Numbering systems recognised at the start of a line: "Chương I", "Mục 1", "Điều 15.", Roman sections
"IV.", numbers "2." and "2.5." (also "1.Giao dịch" with the space missing), letters "a)"…"đ)"…"g)",
bullets "-", "+", "*", "•"; anything else is a paragraph. Nesting is decided from context with a stack:
ranked markers (chapter > section > article > Roman > number > letter) close what is below them, bullets
nest in order of appearance, and a number sequence restarting at 1 under an item is a child list
(Hòa Bình I.2 "1. ... 5." -> I.2.1 ... I.2.5).

Path conventions (other modules' gold data depend on them): components joined by "."; Roman as written;
numbers by their last component; letters as written; bullets "-N", "+N", "*N" (ordinal among same-marker
siblings); unmarked paragraphs "pN"; laws "C2" (chapter), "C3.M1" (mục), articles "D15" (unique in a law,
so they start the path), "D15.1", "D15.1.a"; "recipients" and "signature" blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.markdown import TERMINAL, CleanText

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LETTERS = "abcdđefghiklmnopqrstuvxyz"

_CHAPTER = re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b[.:]?\s*")
_SECTION = re.compile(r"^(?:Mục|MỤC)\s+(\d+|[IVXLC]+)\b[.:]?\s*")
_SECTION_INLINE = re.compile(r"\s(?=(?:Mục|MỤC)\s+(?:\d+|[IVXLC]+)\.\s)")
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+)\s*[.:]?(?:\s+|$)")
_ROMAN = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))\s*[.:/]\s*(?=\S)")
# "1.Giao dịch" (space missing) is an item; "2.800 triệu" is an amount: after the dot comes a space or a letter.
_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:\.(?:\s+|(?=[^\W\d_]))|\)\s+)(?=\S)")
_LETTER = re.compile(r"^([a-zđ])\)\s*(?=\S)")
_BULLET = re.compile(r"^([-–—+*•])\s*(?=\S)")
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:", re.IGNORECASE)
_SIGNATURE_ROLE = re.compile(
    r"^(?:(?:TM|T/M|KT|K/T|TL|T/L|TUQ|Q)\.?\s+\S|(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|TRƯỞNG\s+BAN|GIÁM\s+ĐỐC|"
    r"BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|CHÁNH\s+VĂN\s+PHÒNG|TỔNG\s+GIÁM\s+ĐỐC|CHỦ\s+NHIỆM|BÍ\s+THƯ|TRƯỞNG\s+PHÒNG)\b)"
)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
# Bumped whenever a change here reads documents differently: an index made by another version is re-parsed.
PARSER_VERSION = 2
_SENTENCE_END = re.compile(
    r"(?<=[.!?;…])\s+(?=[\"“(]?[A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ0-9-])"
)
_DOC_TYPES = re.compile(
    r"^(KẾ HOẠCH|THÔNG BÁO|QUYẾT ĐỊNH|LUẬT|NGHỊ ĐỊNH|THÔNG TƯ|CHỈ THỊ|NGHỊ QUYẾT|BÁO CÁO|CÔNG VĂN|TỜ TRÌNH|"
    r"ĐỀ ÁN|CHƯƠNG TRÌNH|HƯỚNG DẪN|KẾT LUẬN)$"
)

_BODY_STARTERS = re.compile(r"^(Căn cứ|Thực hiện|Xét|Ngày|Theo|Để)\b")
RANK = {"chapter": 0, "section": 1, "article": 2, "roman": 3, "number": 4, "letter": 5}
MAX_CLAUSE_CHARS = 1500
HEADING_MAX_CHARS = 300


@dataclass
class Block:
    """One unit of source text before it becomes a Clause (0-based line indexes)."""

    path: str
    kind: str
    text: str
    line_start: int
    line_end: int
    parent: Block | None
    headings: list[str]
    forced_heading: bool = False  # marked as a heading by the format (markdown #, whole line in bold)


@dataclass
class _Node:
    kind: str  # root, chapter, section, article, roman, number, letter, bullet
    path: str
    block: Block | None
    value: int = 0
    numbers: tuple[int, ...] = ()
    char: str = ""
    counters: dict[str, int] = field(default_factory=dict)

    def next_ordinal(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]


@dataclass
class _Marker:
    kind: str  # chapter, section, article, roman, number, letter, bullet, para
    value: int = 0
    numbers: tuple[int, ...] = ()
    char: str = ""
    component: str = ""
    lead_len: int = 0  # characters of the marker itself


def roman_value(text: str) -> int:
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def classify(text: str) -> _Marker:
    """Recognise the numbering marker at the start of a cleaned line."""
    if m := _CHAPTER.match(text):
        token = m.group(1)
        value = int(token) if token.isdigit() else roman_value(token)
        return _Marker("chapter", value=value, component=f"C{value}", lead_len=m.end())
    if m := _SECTION.match(text):
        token = m.group(1)
        value = int(token) if token.isdigit() else roman_value(token)
        return _Marker("section", value=value, component=f"M{value}", lead_len=m.end())
    if m := _ARTICLE.match(text):
        value = int(m.group(1))
        return _Marker("article", value=value, component=f"D{value}", lead_len=m.end())
    if (m := _ROMAN.match(text)) and m.group(1):
        token = m.group(1)
        return _Marker("roman", value=roman_value(token), component=token, lead_len=m.end())
    if m := _NUMBER.match(text):
        numbers = tuple(int(n) for n in m.group(1).split("."))
        return _Marker("number", value=numbers[-1], numbers=numbers, component=str(numbers[-1]), lead_len=m.end())
    if m := _LETTER.match(text):
        letter = m.group(1)
        return _Marker("letter", value=_LETTERS.index(letter) + 1, component=letter, lead_len=m.end())
    if m := _BULLET.match(text):
        char = m.group(1)
        char = "-" if char in "–—" else ("*" if char == "•" else char)
        return _Marker("bullet", char=char, lead_len=m.end())
    return _Marker("para")


def is_heading_text(text: str, marker: _Marker) -> bool:
    """A numbered line is a heading when it is a short title, not a sentence or a 'lead: body' line."""
    if marker.kind in ("chapter", "section"):
        return True
    flat = " ".join(text.split())
    if not flat[marker.lead_len :].strip(" .:"):
        return True  # a bare "Điều 1." or "2." introduces what follows
    if len(flat) > HEADING_MAX_CHARS or flat.endswith((".", ";", ",", "…")):
        return False
    body = flat[marker.lead_len :]
    colon = body.find(":")
    if 0 <= colon < len(body) - 1 and len(body[colon + 1 :].strip()) >= 25:
        return False
    return not _SENTENCE_END.search(body)


def heading_label(block: Block) -> str | None:
    """What an enclosing block contributes to its descendants' heading chain."""
    text = " ".join(block.text.split())
    if block.kind == "heading":
        return text
    colon = text.find(":")
    if 0 < colon <= 160:
        rest = text[colon + 1:].strip()
        if rest and len(text) <= 160 and not _SENTENCE_END.search(rest.rstrip(".;")):
            # A titled step ("b) Bước 2: Tổ hợp tác lập danh sách thành viên") heads its lines whole: its title
            # is what "Đối tượng thực hiện: …" below it is about.
            return text
        return text[: colon + 1]
    return None


class _Builder:
    def __init__(self, clean: CleanText) -> None:
        self.clean = clean
        self.root = _Node("root", "", None)
        self.stack: list[_Node] = [self.root]
        self.blocks: list[Block] = []
        self.seen_paths: dict[str, int] = {}
        self.body_started = False

    # -- stack helpers --
    def _pop_to(self, node: _Node) -> None:
        """Pop `node` and everything above it."""
        while self.stack[-1] is not node:
            self.stack.pop()
        self.stack.pop()

    def _pop_while(self, predicate) -> None:  # type: ignore[no-untyped-def]
        while len(self.stack) > 1 and predicate(self.stack[-1]):
            self.stack.pop()

    def _pop_bullets(self) -> None:
        self._pop_while(lambda n: n.kind == "bullet")

    def _pop_rank(self, rank: int) -> None:
        """Pop until the top is ranked strictly above `rank` (or is the root)."""
        self._pop_while(lambda n: n.kind == "bullet" or RANK.get(n.kind, -1) >= rank)

    def _find(self, predicate) -> _Node | None:  # type: ignore[no-untyped-def]
        for node in reversed(self.stack[1:]):
            if predicate(node):
                return node
        return None

    # -- placement --
    def _place(self, marker: _Marker) -> _Node:
        """Adjust the stack for a new marked item; return its parent."""
        kind = marker.kind
        if kind in ("chapter", "section", "article", "roman"):
            self._pop_rank(RANK[kind])
        elif kind == "number" and len(marker.numbers) > 1:
            prefix = marker.numbers[:-1]
            parent = self._find(lambda n: n.kind == "number" and n.numbers == prefix)
            sibling = self._find(lambda n: n.kind == "number" and len(n.numbers) == len(marker.numbers))
            if parent is not None:
                while self.stack[-1] is not parent:
                    self.stack.pop()
            elif sibling is not None:
                self._pop_to(sibling)
            else:
                self._pop_rank(RANK["number"])
        elif kind == "number":
            self._place_sequence(marker, lambda n: n.kind == "number" and len(n.numbers) == 1)
        elif kind == "letter":
            self._place_sequence(marker, lambda n: n.kind == "letter")
        elif kind == "bullet":
            same = self._find(lambda n: n.kind == "bullet" and n.char == marker.char)
            if same is not None:
                self._pop_to(same)
        return self.stack[-1]

    def _place_sequence(self, marker: _Marker, same_kind) -> None:  # type: ignore[no-untyped-def]
        """Numbers and letters: continue the sequence they belong to, or start a child list at 1/a."""
        self._pop_bullets()
        previous = self._find(lambda n: same_kind(n) and n.value == marker.value - 1)
        if previous is not None and marker.value > 1:
            self._pop_to(previous)
            return
        nearest = self._find(same_kind)
        if nearest is None:
            self._pop_rank(RANK[marker.kind])
        elif marker.value == 1:
            top = self.stack[-1]
            if same_kind(top) and top.block is not None and heading_label(top.block) is None:
                # "a)" right after a "c)" that is a plain sentence: a new list at the same level. After a
                # heading-like item ("2. Các chỉ tiêu chủ yếu năm 2017") the restarted list is its child.
                self.stack.pop()
        else:
            self._pop_to(nearest)

    def _unique(self, path: str) -> str:
        count = self.seen_paths.get(path, 0) + 1
        self.seen_paths[path] = count
        return path if count == 1 else f"{path}_{count}"

    def _headings(self) -> list[str]:
        labels = []
        for node in self.stack[1:]:
            if node.block is not None and (label := heading_label(node.block)):
                labels.append(label)
        return labels

    def _emit(self, path: str, kind: str, text: str, start: int, end: int, parent: Block | None) -> Block:
        block = Block(self._unique(path), kind, text, start, end, parent, self._headings())
        self.blocks.append(block)
        return block

    # -- public steps --
    def add_marked(self, marker: _Marker, text: str, start: int, end: int, kind: str | None = None) -> None:
        self.body_started = True
        forced = kind == "heading"
        parent = self._place(marker)
        if marker.kind == "bullet":
            component = f"{marker.char}{parent.next_ordinal(marker.char)}"
        else:
            component = marker.component
        if marker.kind == "article" or not parent.path:
            path = component
        else:
            path = f"{parent.path}.{component}"
        if marker.kind == "bullet":
            kind = "bullet"
        elif kind is None:
            kind = "heading" if is_heading_text(text, marker) else "paragraph"
        block = self._emit(path, kind, text, start, end, parent.block)
        block.forced_heading = forced
        node = _Node(marker.kind, block.path, block, marker.value, marker.numbers, marker.char)
        self.stack.append(node)

    def add_paragraph(self, text: str, start: int, end: int, kind: str = "paragraph") -> None:
        self._pop_bullets()
        if kind == "heading" and self.body_started:
            # An unnumbered (markdown) heading closes everything open.
            del self.stack[1:]
        parent = self.stack[-1]
        component = f"p{parent.next_ordinal('p')}"
        path = f"{parent.path}.{component}" if parent.path else component
        self._emit(path, kind, text, start, end, parent.block)

    def add_special(self, kind: str, text: str, start: int, end: int) -> None:
        del self.stack[1:]
        block = Block(self._unique(kind), kind, text, start, end, None, [])
        self.blocks.append(block)


def parse_blocks(clean: CleanText, skip: set[int], start: int = 0) -> list[Block]:
    """Turn cleaned lines into blocks; `skip` holds 0-based lines owned by something else (tables)."""
    lines = clean.lines
    builder = _Builder(clean)
    index = start
    previous_type_line = False
    while index < len(lines):
        text = lines[index]
        if not text or index in skip:
            index += 1
            continue
        if _RECIPIENTS.match(text):
            end = _recipients_end(lines, index, skip)
            builder.add_special("recipients", _join(lines, index, end), index, clean.span_end(end))
            index = end + 1
            continue
        if builder.body_started and _is_signature_start(text):
            end = _signature_end(lines, index, skip)
            builder.add_special("signature", _join(lines, index, end), index, clean.span_end(end))
            index = end + 1
            continue
        end = _continuation_end(lines, index, skip)
        block_text = "\n".join(lines[index : end + 1])
        line_end = clean.span_end(end)
        marker = classify(text)
        if marker.kind == "chapter" and (split := _SECTION_INLINE.search(text)):
            # "Chương III THÀNH VIÊN ... MỤC 1. THÀNH VIÊN HỢP TÁC XÃ" on one line: two headings.
            builder.add_marked(marker, text[: split.start()], index, index)
            rest = text[split.end() :]
            builder.add_marked(classify(rest), rest, index, line_end)
        elif marker.kind == "para":
            is_title = previous_type_line and not _BODY_STARTERS.match(text)
            is_heading = (
                index in clean.heading_lines or is_title or (not builder.body_started and _mostly_upper(block_text))
            )
            builder.add_paragraph(block_text, index, line_end, "heading" if is_heading else "paragraph")
        else:
            forced = "heading" if index in clean.heading_lines and marker.kind != "bullet" else None
            builder.add_marked(marker, block_text, index, line_end, forced)
        previous_type_line = bool(_DOC_TYPES.match(text)) and not builder.body_started
        index = end + 1
    _demote_childless_headings(builder.blocks)
    return [piece for block in builder.blocks for piece in split_long(block)]


def _demote_childless_headings(blocks: list[Block]) -> None:
    """A numbered item that reads like a title but has nothing under it ("26.Vốn góp tối đa là ...",
    no final dot) is a statement, not a heading. Chapters, sections, articles and markdown headings stay."""
    parents = {id(block.parent) for block in blocks if block.parent is not None}
    for block in blocks:
        if block.kind == "heading" and id(block) not in parents and not block.forced_heading:
            marker = classify(block.text)
            if marker.kind in ("roman", "number", "letter"):
                block.kind = "paragraph"


def _join(lines: list[str], start: int, end: int) -> str:
    return "\n".join(line for line in lines[start : end + 1] if line)


def _continuation_end(lines: list[str], index: int, skip: set[int]) -> int:
    """Adjacent lines continue a block when they start in lower case after a line without end punctuation."""
    end = index
    while end + 1 < len(lines) and end + 1 not in skip:
        following = lines[end + 1]
        if not following or lines[end].endswith(TERMINAL) or classify(following).kind != "para":
            break
        if not (following[0].isalpha() and following[0].islower()):
            break
        end += 1
    return end


def _recipients_end(lines: list[str], index: int, skip: set[int]) -> int:
    end = index
    cursor = index + 1
    while cursor < len(lines) and cursor not in skip:
        text = lines[cursor]
        if not text:
            cursor += 1
            continue
        if _is_signature_start(text):
            break
        if not (text.startswith(("-", "+", "•")) or not lines[end].endswith((";", "."))):
            break
        end = cursor
        cursor += 1
    return end


def _is_signature_start(text: str) -> bool:
    return len(text) <= 80 and not any(c.islower() for c in text) and bool(_SIGNATURE_ROLE.match(text))


def _signature_end(lines: list[str], index: int, skip: set[int]) -> int:
    end = index
    cursor = index + 1
    while cursor < len(lines) and cursor - end <= 8 and cursor not in skip:
        text = lines[cursor]
        if not text:
            cursor += 1
            continue
        if _NAME.match(text):
            return cursor
        if len(text) <= 80 and not any(c.islower() for c in text):
            end = cursor
            cursor += 1
            continue
        break
    return end


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def split_long(block: Block, limit: int = MAX_CLAUSE_CHARS) -> list[Block]:
    """Split an over-long block (scraped run-on lines) at sentence boundaries into readable pieces.

    Pieces keep the block's line span; the first keeps its path, the next ones get ".s2", ".s3"...
    """
    if len(block.text) <= limit:
        return [block]
    pieces = _pack(block.text, limit)
    out = []
    for number, piece in enumerate(pieces, start=1):
        path = block.path if number == 1 else f"{block.path}.s{number}"
        kind = block.kind if number == 1 or block.kind != "heading" else "paragraph"
        out.append(Block(path, kind, piece, block.line_start, block.line_end, block.parent, block.headings))
    return out


def _pack(text: str, limit: int) -> list[str]:
    """Greedy packing of sentences (then clauses, then words) into substrings of at most `limit` chars."""
    target = max(200, limit * 2 // 3)
    cuts = [m.start() for m in _SENTENCE_END.finditer(text)]
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        candidates = [c for c in cuts if start + 50 < c <= window_end]
        preferred = [c for c in candidates if c >= start + target]
        cut = (preferred or candidates or [0])[0 if preferred else -1]
        if not cut:
            semicolon = text.rfind("; ", start + 50, window_end)
            space = text.rfind(" ", start + 50, window_end)
            cut = semicolon + 1 if semicolon > 0 else (space if space > 0 else window_end)
        pieces.append(text[start:cut].strip())
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]
