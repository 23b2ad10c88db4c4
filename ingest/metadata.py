"""Document metadata: from the text where it says so, else from corpus/manifest.json, else None.

Nothing is guessed. A province comes from the title ("... TỈNH HÒA BÌNH ..."), the place-and-date line
("Quảng Ninh, ngày 31 tháng 8 năm 2017"), the issuer, or the body when it names exactly one province
("tỉnh Lâm Đồng"); a text that names none (the 2016 conclusion notice) keeps province None.
Files built from public sources start with a provenance header (NGUỒN / CÁCH DỰNG / VĂN BẢN ... =====);
its "VĂN BẢN:" line gives type, number, title, date and issuer of the legal text below it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ManifestError
from ingest.places import CANONICAL_PROVINCES

MANIFEST_NAME = "manifest.json"
MANIFEST_FIELDS = ("type", "number", "issuer", "province", "issue_date", "title", "signer", "source")
METADATA_FIELDS = ("type", "number", "issuer", "province", "issue_date", "title", "signer")

PROVINCES = CANONICAL_PROVINCES
# Old and new tone-mark placement ("Hoà"/"Hòa") must match the same province.
_TONE_VARIANTS = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy"}

_DOC_TYPE_LINE = re.compile(
    r"^(KẾ HOẠCH|THÔNG BÁO|QUYẾT ĐỊNH|LUẬT|NGHỊ ĐỊNH|THÔNG TƯ|CHỈ THỊ|NGHỊ QUYẾT|BÁO CÁO|CÔNG VĂN|TỜ TRÌNH|"
    r"ĐỀ ÁN|CHƯƠNG TRÌNH|HƯỚNG DẪN|KẾT LUẬN)$"
)
_DOC_TYPE_START = re.compile(
    r"^(Kế hoạch|Thông báo|Quyết định|Luật|Nghị định|Thông tư|Chỉ thị|Nghị quyết|Báo cáo|Đề án)\s+\w", re.IGNORECASE
)
_NUMBER_LINE = re.compile(r"\bSố\s*:?\s*(\d+\s*/\s*[\w.Đđ-]+(?:\s*/\s*[\w.Đđ-]+)*)", re.UNICODE)
_PLACE_DATE = re.compile(r"(?:^|\s)([A-ZĐÀ-Ỹ][\wÀ-ỹ ]{1,30}?),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_PROVENANCE = re.compile(
    r"^VĂN BẢN:\s*(?P<type>[^\d]+?)\s+số\s+(?P<number>\S+)\s+(?P<title>.+)\s+ngày\s+"
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s+của\s+(?P<issuer>[^,]+?)(?:,\s*có hiệu lực.*)?$"
)
_ISSUER_SENTENCE = re.compile(
    r"(?:^|[;.]\s+)(?P<issuer>(?:Ủy ban nhân dân|UBND|Ban [Cc]hỉ đạo|Văn phòng|Sở|Bộ|Liên minh|Hội đồng)"
    r"[^;.:]{0,100}?)\s+(?:ban hành|thông báo)\b"
)
_ISSUER_LINE = re.compile(r"^(Ủy ban nhân dân|UBND|Chính phủ|Quốc hội|Thủ tướng Chính phủ|Bộ [^.]{2,60})[^.;:]{0,60}$")
_BODY_STARTERS = re.compile(r"^(Căn cứ|Thực hiện|Xét|Ngày|Theo|Để)\b")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")


def normalize_number(number: str) -> str:
    """'31 /KH-UBND' -> '31/KH-UBND'."""
    return re.sub(r"\s*/\s*", "/", number.strip()).rstrip(".,;")


def _fold_tones(text: str) -> str:
    text = text.lower()
    for old, new in _TONE_VARIANTS.items():
        text = text.replace(old, new)
    return text


def _province_alternation() -> str:
    names = sorted(PROVINCES, key=len, reverse=True)  # longest first: "Thừa Thiên Huế" before shorter names
    return "|".join(re.escape(_fold_tones(name)).replace(r"\ \-\ ", r"\s*[-–]\s*") for name in names)


_FOLDED_TO_NAME = {re.sub(r"\s*-\s*", "-", _fold_tones(name)): name for name in PROVINCES}
_PROVINCE_ANY = re.compile(r"(?<!\w)(" + _province_alternation() + r")(?!\w)")
_PROVINCE_AFTER_WORD = re.compile(r"(?:tỉnh|thành phố)\s+(" + _province_alternation() + r")(?!\w)")


def provinces_in(text: str, after_word: bool = False) -> list[str]:
    """Provinces named in `text`, in order of first mention; `after_word` requires 'tỉnh X' / 'thành phố X'."""
    pattern = _PROVINCE_AFTER_WORD if after_word else _PROVINCE_ANY
    found: list[str] = []
    for match in pattern.finditer(_fold_tones(text)):
        name = _FOLDED_TO_NAME[re.sub(r"\s*[-–]\s*", "-", match.group(1))]
        if name not in found:
            found.append(name)
    return found


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:].lower()


@dataclass
class TextFacts:
    """What the parser hands to metadata extraction (cleaned lines, 0-based)."""

    header_lines: list[str]
    preamble: list[str]  # block texts before the first numbered section, in order
    body_text: str
    signature: str | None = None
    first_lines: list[str] = field(default_factory=list)  # first non-empty cleaned body lines


def extract_metadata(facts: TextFacts) -> dict[str, str | None]:
    meta: dict[str, str | None] = dict.fromkeys(METADATA_FIELDS)
    _from_provenance(facts.header_lines, meta)
    _from_head(facts, meta)
    if facts.signature:
        last = facts.signature.splitlines()[-1].strip()
        if _NAME.match(last):
            meta["signer"] = last
    _province(facts, meta)
    issuer = meta.get("issuer")
    if issuer and meta["province"] and re.search(r"\btỉnh$", issuer):
        meta["issuer"] = f"{issuer} {meta['province']}"
    return meta


def _from_provenance(header: list[str], meta: dict[str, str | None]) -> None:
    for line in header:
        match = _PROVENANCE.match(line.strip())
        if match:
            meta["type"] = _sentence_case(match["type"])
            meta["number"] = normalize_number(match["number"])
            meta["title"] = match["title"].strip()
            meta["issue_date"] = f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"
            meta["issuer"] = match["issuer"].strip()
            return  # a file holding several texts is described by the first


def _from_head(facts: TextFacts, meta: dict[str, str | None]) -> None:
    head = facts.first_lines[:12]
    for line in head:
        if meta["number"] is None and (m := _NUMBER_LINE.search(line)):
            meta["number"] = normalize_number(m.group(1))
        if meta["issue_date"] is None and (m := _PLACE_DATE.search(line)):
            meta["issue_date"] = f"{m.group(4)}-{int(m.group(3)):02d}-{int(m.group(2)):02d}"
    preamble = facts.preamble
    for index, text in enumerate(preamble):
        flat = " ".join(text.split())
        if _DOC_TYPE_LINE.match(flat):
            meta["type"] = meta["type"] or _sentence_case(flat)
            title_parts = []
            for following in preamble[index + 1 :]:
                if _BODY_STARTERS.match(following) or len(following) > 400:
                    break
                title_parts.append(" ".join(following.split()))
                if len(title_parts) == 2:
                    break
            if title_parts and meta["title"] is None:
                meta["title"] = " ".join(title_parts)
            break
    else:
        first = next((p for p in preamble if len(p) <= 300), None)
        if first and meta["title"] is None and not _BODY_STARTERS.match(first) and not _NUMBER_LINE.search(first):
            meta["title"] = " ".join(first.split())
            if meta["type"] is None and (m := _DOC_TYPE_START.match(first)):
                meta["type"] = _sentence_case(m.group(1))
    if meta["issuer"] is None:
        for text in preamble + [facts.body_text[-3000:]]:
            flat = " ".join(text.split())
            if m := _ISSUER_SENTENCE.search(flat):
                meta["issuer"] = m["issuer"].strip()
                break
            if _ISSUER_LINE.match(flat):
                meta["issuer"] = flat
                break


def _province(facts: TextFacts, meta: dict[str, str | None]) -> None:
    if meta["title"]:
        if named := provinces_in(meta["title"], after_word=True):
            meta["province"] = named[0]
            return
    for line in facts.first_lines[:12]:
        if m := _PLACE_DATE.search(line):
            if named := provinces_in(m.group(1)):
                meta["province"] = named[0]
                return
    if meta["issuer"] and (named := provinces_in(meta["issuer"], after_word=True)):
        meta["province"] = named[0]
        return
    named = provinces_in(facts.body_text, after_word=True)
    if len(named) == 1:
        meta["province"] = named[0]


# --- manifest -------------------------------------------------------------------------------------


@dataclass
class Manifest:
    """Per file name, the metadata a text lacks (plus a human-readable 'source' note)."""

    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None

    def for_file(self, path: Path) -> dict[str, str]:
        return dict(self.entries.get(Path(path).name, {}))


def load_manifest(corpus_dir: Path) -> Manifest:
    """Read `corpus_dir/manifest.json`; a missing file is an empty manifest, a malformed one an error."""
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.is_file():
        return Manifest(path=None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(str(path), f"manifest is not valid UTF-8 JSON: {exc}") from exc
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise ManifestError(str(path), 'manifest must be an object with a "files" object keyed by file name')
    entries: dict[str, dict[str, str]] = {}
    for name, entry in files.items():
        if not isinstance(entry, dict):
            raise ManifestError(str(path), f"files.{name} must be an object")
        for key, value in entry.items():
            if key not in MANIFEST_FIELDS:
                raise ManifestError(
                    str(path), f"files.{name}.{key}: unknown field (allowed: {', '.join(MANIFEST_FIELDS)})"
                )
            if not isinstance(value, str):
                raise ManifestError(str(path), f"files.{name}.{key} must be a string")
        entries[name] = dict(entry)
    return Manifest(entries=entries, path=path)


def find_manifest(path: Path, levels: int = 2) -> Manifest:
    """The manifest of the nearest folder above `path` that has one (corpus/extra/x.txt -> corpus/)."""
    folder = Path(path).resolve().parent
    for _ in range(levels + 1):
        if (folder / MANIFEST_NAME).is_file():
            return load_manifest(folder)
        folder = folder.parent
    return Manifest()
