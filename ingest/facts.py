"""Structured facts from parsed clauses: who is responsible (lead / coordinate), figures (targets), deadlines.

Rules are general and deliberately conservative: a wrong number with a citation is worse than none.
- Actors are agencies in subject position of a segment (after an optional "Đề nghị", "Giao"...), agencies
  after "giao", or, failing those, inherited from the nearest enclosing clause or heading that is an agency
  label ("2.5. Sở Tài chính:", "* Liên minh HTX tỉnh:", "- Sở Tài chính chủ trì phối hợp với ...:").
- Every agency right after "phối hợp (chặt chẽ) (với)" is a coordinate, and so is a subject whose verb is
  "phối hợp" ("X phối hợp với Y tổ chức ...": X helps, it does not lead; "X chủ trì, phối hợp với Y" leads).
- A figure needs a known unit; numbers inside legal references ("Quyết định số ...", "Luật HTX năm 2012")
  are masked first.
- A deadline needs a marker ("trước (ngày)", "chậm nhất", "hạn", "đến ngày", "cuối/đầu năm YYYY", "trong năm
  YYYY" in adverbial position); dates in references are masked.
- Rebuilt table rows ("label — group: column: value; ...") give one figure per cell.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.agencies import AgencyMention, find_agencies
from ingest.measures import measure_names
from ingest.models import Clause, Comparator, Fact, ParsedDocument

# Legal normative texts state rules, not plans: their figures and dates are not targets or deadlines. Nor are
# those of articles and news items, which report on other texts.
_LEGAL_TYPES = ("luật", "nghị định", "thông tư", "pháp lệnh", "nghị quyết")
_REPORTING_TYPES = ("bài viết", "tin bài", "tin tức", "bài báo")

_MARKER = re.compile(
    r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*|[-+*•–]\s+|#+\s*|\*\*)+",
)
_EMPHASIS = re.compile(r"\*\*|__")

# ---------------------------------------------------------------- segments and references

_REFERENCE = re.compile(
    r"(?:Quyết định|Nghị định|Nghị quyết|Chỉ thị|Kết luận|Thông tư|Công văn|Văn bản số|Tờ trình|Luật|Kế hoạch số"
    r"|Chương trình|Đề án|Hội nghị|Quy chế|\(Khóa|Khóa [IVX])"
)
_REFERENCE_END = re.compile(r";|\.(?:\s|$)|$")


def _reference_spans(text: str) -> list[tuple[int, int]]:
    """Spans of legal references and programme names, from their keyword to the end of the segment."""
    spans: list[tuple[int, int]] = []
    for match in _REFERENCE.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] == "(":
            close = text.find(")", start)
            end = close if close != -1 else len(text)
        else:
            end_match = _REFERENCE_END.search(text, match.end())
            end = end_match.start() if end_match else len(text)
        spans.append((start, end))
    return spans


def _inside(position: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


_SEGMENT_BREAK = re.compile(r";\s*|\.\s+(?=[A-ZĐÀ-Ỹ0-9])|:\s+(?=[A-ZĐÀ-Ỹ0-9])|:\s*$")


@dataclass
class _Segment:
    start: int
    end: int
    text: str
    after_colon: bool = False
    leads: list[AgencyMention] = field(default_factory=list)
    coordinators: list[AgencyMention] = field(default_factory=list)  # subjects whose verb is "phối hợp"
    is_label: bool = False
    is_issuing: bool = False


def _segments(body: str) -> list[_Segment]:
    segments: list[_Segment] = []
    position = 0
    after_colon = False
    for match in _SEGMENT_BREAK.finditer(body):
        if match.start() > position:
            segments.append(_Segment(position, match.start(), body[position : match.start()], after_colon))
        position = match.end()
        after_colon = match.group(0).startswith(":")
    if position < len(body):
        segments.append(_Segment(position, len(body), body[position:], after_colon))
    return segments


# ---------------------------------------------------------------- actors

_SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:Đề nghị|Yêu cầu|Trong năm(?: \d{4})?,?|Năm \d{4},|Riêng|Đồng thời,?|Giao|Chủ tịch|Căn cứ[^,]*,)\s+)*",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(
    r"^(?:\s|,|và|cùng|với|các|cấp tỉnh|thành viên|có liên quan|liên quan|chức năng|của tỉnh|Chủ tịch|Giám đốc"
    r"|Thủ trưởng|/)*$",
    re.IGNORECASE,
)
_GIVE = re.compile(r"(?<!được )\b(?:giao|yêu cầu|đề nghị)\s+$", re.IGNORECASE)
_COORDINATE_TRIGGER = re.compile(r"phối hợp(?:\s+chặt chẽ)?(?:\s+(?:cùng\s+)?(?:với|cùng))?\s*$", re.IGNORECASE)
# The verb right after a subject that makes the subject a coordinate: "phối hợp", with the modal or adverbial
# words that may come first ("có trách nhiệm phối hợp", "tích cực phối hợp", "cùng phối hợp").
_COORDINATING_VERB = re.compile(
    r"^(?:(?:có trách nhiệm|chịu trách nhiệm|tham gia|cùng|chủ động|tích cực|thường xuyên|sẽ|cần|phải)\s+)*"
    r"phối hợp\b",
    re.IGNORECASE,
)


def _agency_list(mentions: list[AgencyMention], first: int, text: str) -> list[AgencyMention]:
    """mentions[first] and the mentions that follow it joined only by commas, "và" and qualifiers."""
    chosen = [mentions[first]]
    for mention in mentions[first + 1 :]:
        if not _LIST_GAP.match(text[chosen[-1].end : mention.start]):
            break
        chosen.append(mention)
    return chosen


# "X ban hành Kế hoạch ... như sau", "X thông báo để ...": the issuer issuing this document, not a task.
_ISSUING = re.compile(r"^\s*(?:ban hành\s+(?:Kế hoạch|Quyết định|Chỉ thị|Thông báo|Chương trình)|thông báo\b)")


def _segment_leads(
    segment: str, mentions: list[AgencyMention], after_colon: bool = False
) -> tuple[list[AgencyMention], bool, bool, list[AgencyMention]]:
    """Agencies acting in the segment (lead), whether it is only an agency label, whether it issues the document,
    and subjects that only coordinate ("X phối hợp với Y ...").

    After a colon the words continue the previous sentence ("phối hợp với các đơn vị: X, Y"), so only an
    explicit "giao X" makes an actor there.
    """
    if not mentions:
        return [], False, False, []
    for index, mention in enumerate(mentions):
        if _GIVE.search(segment[: mention.start][-40:]):
            assignees = _agency_list(mentions, index, segment)
            if _COORDINATING_VERB.match(segment[assignees[-1].end :].strip(" \t:.,;-–")):
                return [], False, False, assignees  # "Đề nghị X phối hợp ...": X is asked to help
            return assignees, False, False, []
    if after_colon:
        return [], False, False, []
    prefix = _SUBJECT_PREFIX.match(segment)
    subject_start = prefix.end() if prefix else 0
    if mentions[0].start > subject_start + 1 or segment[: mentions[0].start].strip(" -+*•") not in (
        "",
        segment[:subject_start].strip(" -+*•"),
    ):
        return [], False, False, []
    subjects = _agency_list(mentions, 0, segment)
    rest = segment[subjects[-1].end :].strip(" \t:.,;-–")
    if _ISSUING.match(rest):
        return [], False, True, []
    if _COORDINATING_VERB.match(rest):
        return [], False, False, subjects
    return subjects, not rest, False, []


def _coordinates(body: str, mentions: list[AgencyMention]) -> list[AgencyMention]:
    found: list[AgencyMention] = []
    for index, mention in enumerate(mentions):
        if _COORDINATE_TRIGGER.search(body[: mention.start][-40:]):
            found.extend(_agency_list(mentions, index, body))
    return found


@dataclass
class _ClauseAnalysis:
    body: str
    segments: list[_Segment]
    label_actors: list[AgencyMention]
    coordinates: list[AgencyMention]
    has_task: bool


def _analyze(body: str) -> _ClauseAnalysis:
    segments = _segments(body)
    mentions_all = find_agencies(body)
    label_actors: list[AgencyMention] = []
    for segment in segments:
        local = [
            AgencyMention(m.canonical, m.as_written, m.start - segment.start, m.end - segment.start)
            for m in mentions_all
            if segment.start <= m.start and m.end <= segment.end
        ]
        leads, is_label, segment.is_issuing, coordinators = _segment_leads(segment.text, local, segment.after_colon)
        segment.leads, segment.coordinators = (
            [AgencyMention(m.canonical, m.as_written, m.start + segment.start, m.end + segment.start) for m in found]
            for found in (leads, coordinators)
        )
        segment.is_label = is_label
        if is_label and not label_actors and segment is segments[0]:
            label_actors = segment.leads
    has_task = any(not segment.is_label and segment.text.strip(" :.;") for segment in segments)
    coordinates = [m for segment in segments for m in segment.coordinators] + _coordinates(body, mentions_all)
    return _ClauseAnalysis(body, segments, label_actors, coordinates, has_task)


@dataclass(frozen=True)
class _Inherited:
    leads: list[AgencyMention] = field(default_factory=list)
    coordinates: list[AgencyMention] = field(default_factory=list)


def _introduced_actors(analysis: _ClauseAnalysis) -> _Inherited:
    """What a clause hands down to the clauses under it: an agency label ("2.5. Sở Tài chính:"), or the lead and
    coordinates of a lead-in ("- Sở Tài chính chủ trì phối hợp với Liên minh HTX tỉnh:")."""
    if analysis.label_actors:
        return _Inherited(analysis.label_actors)
    if analysis.segments and analysis.body.rstrip().endswith(":") and analysis.segments[0].leads:
        leads = analysis.segments[0].leads
        names = {m.canonical for m in leads}
        return _Inherited(leads, [m for m in analysis.coordinates if m.canonical not in names])
    return _Inherited()


# ---------------------------------------------------------------- numbers, dates

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def parse_number(text: str) -> float:
    """Vietnamese number as written: "2.800" -> 2800, "3,2" -> 3.2, "01" -> 1."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", cleaned):
        cleaned = cleaned.replace(".", "")
    return float(cleaned.replace(",", "."))


_UNITS = (
    "triệu đồng/người/tháng",
    "tỷ đồng",
    "triệu đồng",
    "%",
    "HTX",
    "THT",
    "QTDND",
    "LHHTX",
    "hợp tác xã",
    "tổ hợp tác",
    "lớp",
    "lượt",
    "người",
    "lần",
    "mô hình",
    "xã",
    "đợt",
    "thành viên",
    "lao động",
    "cán bộ",
)
_UNIT_PATTERN = "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"(?<![\w/.,])(?:(?P<from>từ\s+)?(?P<a>{_NUMBER})\s*(?:[-–]|đến|tới)\s*(?P<b>{_NUMBER})|(?P<n>{_NUMBER}))"
    rf"(?![\d/]|\.\d|,\d)\s?(?P<unit>{_UNIT_PATTERN})(?:(?<=%)|(?![\wÀ-ỹ]))",
)
_SKIP_BEFORE = re.compile(r"(?:\bthứ|\bsố|\bkhoản|\bĐiều|\bđiểm|\bcủa|\bMục|\bChương)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    values: list[float]
    value_text: str
    unit: str
    comparator: Comparator
    start: int
    end: int


def find_figures(text: str) -> list[Figure]:
    """Figures with a known unit, outside legal references, with their comparator."""
    references = _reference_spans(text)
    figures: list[Figure] = []
    for match in _FIGURE.finditer(text):
        if _inside(match.start(), references) or _SKIP_BEFORE.search(text[: match.start()]):
            continue
        unit = match.group("unit")
        if match.group("n") is not None:
            values = [parse_number(match.group("n"))]
            comparator = _comparator(text, match.start(), match.end(), figures)
        else:
            values = [parse_number(match.group("a")), parse_number(match.group("b"))]
            comparator = "range"
        value_text = text[match.start() : match.end()]
        figures.append(Figure(values, value_text, unit, comparator, match.start(), match.end()))
    return figures


def _comparator(text: str, start: int, end: int, previous: list[Figure]) -> Comparator:
    before = text[max(0, start - 25) : start].lower()
    segment_end = min((p for p in (text.find(";", end), text.find(". ", end)) if p != -1), default=len(text))
    following = text[end:segment_end]
    next_number = re.search(r"\d", following)
    until_next = following[: next_number.start()] if next_number else following
    if re.search(r"(?:ít nhất|tối thiểu)(?:\s+là)?(?:\s+từ)?\s*$", before) or "trở lên" in until_next:
        return "at_least"
    if re.search(r"\btrên\s*$", before):
        return "over"
    if re.search(r"\bkhoảng\s*$", before):
        return "about"
    if re.search(r"\btối đa\s*$", before):
        return "at_most"
    if re.search(r"\bdưới\s*$", before):
        return "under"
    # "ít nhất 25 HTX và 30 THT": the comparator carries over a short "và" join
    if previous and re.fullmatch(r"[^,;.\d]{0,40}\bvà\s+", text[previous[-1].end : start]):
        carried = previous[-1].comparator
        if carried in ("at_least", "over", "about", "at_most", "under"):
            return carried
    return "exact"


# "30/6/2017", "10/5" or "30 tháng 6 năm 2017"
_DAY_MONTH = r"(\d{1,2})\s*(?:/|\s+tháng\s+)\s*(\d{1,2})(?:\s*(?:/|\s+năm\s+)\s*(\d{4}))?"
_DEADLINE = re.compile(
    rf"(?P<marker>(?:hoàn thành\s+)?trước(?:\s+ngày)?|chậm nhất(?:\s+là)?(?:\s+ngày)?|hạn(?:\s+chót)?(?:\s+ngày)?|đến ngày)"
    rf"\s+(?P<dates>{_DAY_MONTH}(?:\s*(?:;|,|và)\s*{_DAY_MONTH})*)(?:\s+năm\s+(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)
_YEAR_DEADLINE = re.compile(r"(?P<wording>(?:cuối|đầu|trong)\s+năm\s+(?P<year>\d{4}))", re.IGNORECASE)
# Recurring duties: "Định kỳ 6 tháng, năm tổng hợp báo cáo", "báo cáo định kỳ hàng năm", "họp mỗi quý một lần".
_PERIODIC = re.compile(
    r"\bđịnh kỳ(?:\s+(?:hàng|hằng|mỗi)\s+(?:quý|tháng|năm)|\s*\(?\s*\d+\s+tháng"
    r"(?:\s*(?:,|và|hoặc)\s*(?:\d+\s+tháng|cả năm|hàng năm|hằng năm|năm|đột xuất))*\)?)?"
    r"|\b(?:hàng|hằng|mỗi)\s+quý(?:\s+một\s+lần)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Deadline:
    date: str | None
    wording: str
    period: str | None
    start: int


def find_deadlines(text: str) -> list[Deadline]:
    """Deadlines with a marker; dates inside references do not count."""
    references = _reference_spans(text)
    found: list[Deadline] = []
    # A dated marker ("trước ngày 30/6/2017") is never part of a reference title, so no masking here.
    for match in _DEADLINE.finditer(text):
        wording = match.group(0)
        shared_year = match.group("year")
        dates = re.findall(_DAY_MONTH, match.group("dates"))
        # "10/5; 10/8 và 10/12 năm 2017": the trailing year applies to every date of the list
        shared_year = shared_year or (dates[-1][2] if dates else None)
        for day, month, year in dates:
            year = year or shared_year
            date = _iso(int(day), int(month), int(year)) if year else None
            found.append(Deadline(date, wording, year, match.start()))
    for match in _YEAR_DEADLINE.finditer(text):
        if _inside(match.start(), references):
            continue
        before = text[: match.start()].rstrip()
        kind = match.group(0).split()[0].lower()
        # "trong năm" is a deadline only in adverbial position, not inside a noun phrase ("thành lập mới trong năm 2017")
        if (
            kind == "trong"
            and before
            and not re.search(r"(?:[,:;.]|đảm bảo|phấn đấu|hoàn thành|^[-+*•]|^)$", before, re.I)
        ):
            continue
        found.append(Deadline(None, match.group("wording"), match.group("year"), match.start()))
    if not found:
        # A recurring duty is a deadline of its own only where no dated one says when ("định kỳ báo cáo … trước
        # ngày 10/5; 10/8 và 10/12" is already three dates).
        for match in _PERIODIC.finditer(text):
            if not _inside(match.start(), references):
                wording = " ".join(match.group(0).split())
                found.append(Deadline(None, wording, wording[:1].lower() + wording[1:], match.start()))
                break
    return sorted(found, key=lambda d: d.start)


def _iso(day: int, month: int, year: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


_YEAR = re.compile(r"(?<!so với )(?:(?:đến|trong|vào|cuối|đầu)\s+)?năm\s+(\d{4})", re.IGNORECASE)
_PERIOD = re.compile(r"hàng năm|hằng năm|mỗi năm|/\s*năm|giai đoạn\s+(\d{4})\s*[-–]\s*(\d{4})", re.IGNORECASE)


def _year_near(text: str, position: int) -> int | None:
    references = _reference_spans(text)
    years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text) if not _inside(m.start(), references)]
    before = [year for start, year in years if start < position]
    if before:
        return before[-1]
    return years[0][1] if years else None


def _period_in(text: str) -> str | None:
    references = _reference_spans(text)
    for match in _PERIOD.finditer(text):
        if _inside(match.start(), references):
            continue
        if match.group(1):
            return f"{match.group(1)}-{match.group(2)}"
        return "hàng năm"
    return None


# ---------------------------------------------------------------- table rows

_ROW = re.compile(r"^(?P<head>[^:]+?):\s(?P<cells>.*?)(?:\s\((?:Đơn vị(?: tính)?|ĐVT)\s*:\s*(?P<unit>[^)]+)\))?\s*$")


def _table_facts(clause: Clause, province: str | None) -> list[Fact]:
    """One figure per cell of a rebuilt table row ("label — group: column: value; ...")."""
    match = _ROW.match(clause.text)
    if not match:
        return []
    head = match.group("head").strip()
    unit = (match.group("unit") or "").strip() or None
    year = _year_near(head, len(head))
    facts: list[Fact] = []
    for cell in match.group("cells").split("; "):
        column, _, value = cell.rpartition(": ")
        value = value.strip()
        if not column or not re.fullmatch(_NUMBER, value):
            continue
        scope = column.strip()
        if province and scope.lower() == "toàn tỉnh":
            scope = province
        facts.append(
            Fact(
                id="",
                kind="target",
                document_id=clause.document_id,
                clause_id=clause.id,
                province=province,
                measure=head,
                values=[parse_number(value)],
                value_text=value,
                unit=unit,
                comparator="exact",
                year=year,
                scope=scope,
            )
        )
    return facts


# ---------------------------------------------------------------- orchestration


def _body(text: str) -> str:
    return _MARKER.sub("", _EMPHASIS.sub("", text), count=1).strip()


def _task(body: str) -> str:
    return " ".join(body.split()).strip(" ;.")


def extract_facts(parsed: ParsedDocument) -> list[Fact]:
    """Responsibilities, targets and deadlines of every clause; ids are '{clause_id}:{kind}:{ordinal}'."""
    document = parsed.document
    province = document.province
    legal = (document.type or "").strip().lower().startswith(_LEGAL_TYPES + _REPORTING_TYPES)
    by_id = {clause.id: clause for clause in parsed.clauses}
    context = _Context(by_id)
    facts: list[Fact] = []
    for clause in parsed.clauses:
        if clause.kind in ("recipients", "signature"):
            continue
        if clause.kind == "table_row":
            if not legal:
                facts.extend(_number(_table_facts(clause, province), clause))
            continue
        analysis = _analyze(_body(clause.text))
        context.analyses[clause.id] = analysis
        inherited = _inherited_actors(clause, context)
        # Only an explicit lead-in ("...như sau:") hands actors to the items after it; a bare issuer line
        # ("Ủy ban nhân dân tỉnh") above the text does not.
        if (
            clause.kind == "paragraph"
            and analysis.body.rstrip().endswith(":")
            and (introduced := _introduced_actors(analysis)).leads
        ):
            context.intros.setdefault(clause.parent_id, []).append((clause.order, introduced))
        clause_facts = _responsibilities(clause, analysis, inherited, province)
        if not legal:
            clause_facts += _targets(clause, analysis, inherited.leads, province, by_id)
            clause_facts += _deadlines(clause, analysis, inherited.leads, province)
        facts.extend(_number(clause_facts, clause))
    return facts


def _number(facts: list[Fact], clause: Clause) -> list[Fact]:
    counters: dict[str, int] = {}
    for fact in facts:
        ordinal = counters.get(fact.kind, 0)
        counters[fact.kind] = ordinal + 1
        fact.id = f"{clause.id}:{fact.kind}:{ordinal}"
    return facts


def _ancestors(clause: Clause, by_id: dict[str, Clause]) -> list[Clause]:
    chain: list[Clause] = []
    seen: set[str] = set()
    current = by_id.get(clause.parent_id) if clause.parent_id else None
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return chain


@dataclass
class _Context:
    by_id: dict[str, Clause]
    analyses: dict[str, _ClauseAnalysis] = field(default_factory=dict)
    heading_analyses: dict[str, _ClauseAnalysis] = field(default_factory=dict)
    # parent id -> (order, actors) of lead-in paragraphs ("Các sở, ban, ngành ... các nhiệm vụ như sau:")
    intros: dict[str | None, list[tuple[int, _Inherited]]] = field(default_factory=dict)


def _inherited_actors(clause: Clause, context: _Context) -> _Inherited:
    """Actors introduced by the nearest enclosing clause, lead-in paragraph or heading that introduces any.

    A lead-in paragraph ending with ":" hands its actors to the numbered items that follow it under the same
    parent (and their sub-items); plain paragraphs after it do not inherit.
    """
    ancestors = _ancestors(clause, context.by_id)
    for index, node in enumerate([clause, *ancestors]):
        if index > 0:
            analysis = context.analyses.get(node.id) or _analyze(_body(node.text))
            actors = _introduced_actors(analysis)
            if actors.leads:
                return actors
        if node.kind in ("heading", "bullet"):
            earlier = [actors for order, actors in context.intros.get(node.parent_id, []) if order < node.order]
            if earlier:
                return earlier[-1]
    ancestor_texts = [_body(a.text) for a in ancestors]
    heading_analyses = context.heading_analyses
    for heading in reversed(clause.headings):
        body = _body(heading)
        if body in ancestor_texts:
            continue
        analysis = heading_analyses.get(body)
        if analysis is None:
            analysis = heading_analyses[body] = _analyze(body)
        actors = _introduced_actors(analysis)
        if actors.leads:
            return actors
    return _Inherited()


def _segment_actors(analysis: _ClauseAnalysis, inherited: list[AgencyMention]) -> list[list[AgencyMention]]:
    """Lead agencies acting in each segment: its own subject, else the previous segment's, else inherited. A
    segment whose subject only coordinates has no lead (nothing is carried into it)."""
    current = inherited
    result: list[list[AgencyMention]] = []
    for segment in analysis.segments:
        if segment.leads or segment.is_issuing or segment.coordinators:
            current = segment.leads
        result.append(current)
    return result


def _unique(mentions: Iterable[AgencyMention]) -> list[AgencyMention]:
    seen: set[str] = set()
    unique: list[AgencyMention] = []
    for mention in mentions:
        if mention.canonical not in seen:
            seen.add(mention.canonical)
            unique.append(mention)
    return unique


def _responsibilities(
    clause: Clause, analysis: _ClauseAnalysis, inherited: _Inherited, province: str | None
) -> list[Fact]:
    if not analysis.has_task:
        return []
    task = _task(analysis.body)
    # A heading names a topic, not a task: only its own subject makes it a responsibility.
    inherited = _Inherited() if clause.kind == "heading" else inherited
    raw = _segment_actors(analysis, inherited.leads)
    from_inherited = [actors is inherited.leads and bool(actors) for actors in raw]
    # An agency the clause itself names as coordinate is not also an inherited lead.
    explicit_coordinates = {m.canonical for m in analysis.coordinates}
    per_segment = [
        [m for m in actors if m.canonical not in explicit_coordinates] if inherited_here else actors
        for actors, inherited_here in zip(raw, from_inherited, strict=True)
    ]
    uses_inherited = any(
        inherited_here and not segment.is_label
        for segment, inherited_here in zip(analysis.segments, from_inherited, strict=True)
    )
    leads = _unique(
        m
        for segment, actors in zip(analysis.segments, per_segment, strict=True)
        if not segment.is_label
        for m in actors
    )
    lead_names = {m.canonical for m in leads}
    coordinate_mentions = analysis.coordinates + (inherited.coordinates if uses_inherited and inherited.leads else [])
    coordinates = [m for m in _unique(coordinate_mentions) if m.canonical not in lead_names]
    facts: list[Fact] = []
    for role, mentions in (("lead", leads), ("coordinate", coordinates)):
        for mention in mentions:
            facts.append(
                Fact(
                    id="",
                    kind="responsibility",
                    document_id=clause.document_id,
                    clause_id=clause.id,
                    province=province,
                    agency=mention.canonical,
                    agency_as_written=mention.as_written,
                    role=role,  # type: ignore[arg-type]
                    task=task,
                )
            )
    return facts


def _segment_of(analysis: _ClauseAnalysis, position: int) -> int:
    for index, segment in enumerate(analysis.segments):
        if segment.start <= position < segment.end:
            return index
    return max(0, len(analysis.segments) - 1)


def _targets(
    clause: Clause,
    analysis: _ClauseAnalysis,
    inherited: list[AgencyMention],
    province: str | None,
    by_id: dict[str, Clause],
) -> list[Fact]:
    body = analysis.body
    figures = find_figures(body)
    if not figures:
        return []
    per_segment = _segment_actors(analysis, inherited)
    context = [_body(a.text) for a in _ancestors(clause, by_id)] + [_body(h) for h in reversed(clause.headings)]
    measures = measure_names(body, figures)
    facts: list[Fact] = []
    for figure, measure in zip(figures, measures, strict=True):
        index = _segment_of(analysis, figure.start)
        segment = analysis.segments[index] if analysis.segments else None
        segment_text = segment.text if segment else body
        offset = segment.start if segment else 0
        year = _year_near(segment_text, figure.start - offset) or _year_near(body, figure.start)
        if year is None:
            year = next((y for y in (_year_near(t, len(t)) for t in context) if y is not None), None)
        period = _period_in(segment_text)
        if period is None and year is None:
            period = next((p for p in (_period_in(t) for t in context) if p is not None), None)
        actors = per_segment[index] if per_segment else inherited
        facts.append(
            Fact(
                id="",
                kind="target",
                document_id=clause.document_id,
                clause_id=clause.id,
                province=province,
                measure=measure,
                values=figure.values,
                value_text=figure.value_text,
                unit=figure.unit,
                comparator=figure.comparator,
                year=year,
                period=period,
                scope=actors[0].canonical if actors else province,
            )
        )
    return facts


def _deadlines(
    clause: Clause, analysis: _ClauseAnalysis, inherited: list[AgencyMention], province: str | None
) -> list[Fact]:
    deadlines = find_deadlines(analysis.body)
    if not deadlines:
        return []
    per_segment = _segment_actors(analysis, inherited)
    task = _task(analysis.body)
    facts: list[Fact] = []
    for deadline in deadlines:
        index = _segment_of(analysis, deadline.start)
        actors = per_segment[index] if per_segment else inherited
        agency = actors[0] if actors else None
        facts.append(
            Fact(
                id="",
                kind="deadline",
                document_id=clause.document_id,
                clause_id=clause.id,
                province=province,
                agency=agency.canonical if agency else None,
                agency_as_written=agency.as_written if agency else None,
                task=task,
                date=deadline.date,
                wording=deadline.wording,
                period=deadline.period,
                year=int(deadline.period) if deadline.period and deadline.period.isdigit() else None,
            )
        )
    return facts
