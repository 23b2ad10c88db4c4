"""Plain text and markdown: decoding (UTF-8, UTF-16, Windows-1258; legacy TCVN3/VNI and binary refused) and lines.

Plain text and markdown keep their real lines, so clause line numbers point into the file. `decode_text` is
also what the HTML reader decodes with.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.errors import BinaryFileError, EncodingError


def read_text(data: bytes, name: str) -> tuple[list[str], str]:
    """Lines of a .txt/.md file and the encoding it was read in."""
    text, encoding = decode_text(data, name)
    return split_lines(text), encoding


def split_lines(text: str) -> list[str]:
    """Split on line breaks only (not on the other characters str.splitlines() treats as breaks)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --- encodings ------------------------------------------------------------------------------------

_CONTROL_OK = {9, 10, 12, 13}
# TCVN3 (ABC) puts lower-case accented vowels on 0xA1-0xBF and 0xC6-0xFE: in Windows-1258 those bytes are
# symbols (¸ µ ª ® ­ ¬ ...) that real text hardly uses.
_TCVN3_BYTES = frozenset(range(0xA1, 0xC0))
# VNI writes a base vowel followed by a tone/shape byte (aø = à, aù = á, eâ = ê, ...).
_VNI_PAIR = re.compile(rb"[aeiouyAEIOUY][\xf8\xf9\xfb\xf5\xef\xe2\xea\xf6\xe1\xe0\xe3\xe4\xe5\xec\xed\xf2\xf3]")
_VIETNAMESE_LETTERS = frozenset(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵfjwz"
)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258; refuse TCVN3/VNI and binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise EncodingError(name, f"invalid UTF-16 at byte {exc.start}") from exc
    sample = data[:65536]
    if b"\x00" in sample:
        raise BinaryFileError(name, "contains NUL bytes")
    controls = sum(1 for b in sample if b < 32 and b not in _CONTROL_OK)
    if controls > max(8, len(sample) // 50):
        raise BinaryFileError(name, f"{controls} control bytes in the first {len(sample)} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        legacy = detect_legacy_encoding(data)
        if legacy == "windows-1258":
            text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
            return text, "windows-1258"
        if legacy is not None:
            raise EncodingError(
                name, f"legacy Vietnamese encoding {legacy} detected; convert the file to UTF-8 (e.g. with UniKey)"
            ) from exc
        raise EncodingError(name, f"invalid UTF-8 at byte {exc.start} and no known Vietnamese encoding") from exc
    return unicodedata.normalize("NFC", text), "utf-8"


def detect_legacy_encoding(data: bytes) -> str | None:
    """Name the legacy Vietnamese encoding of non-UTF-8 bytes: 'windows-1258', 'TCVN3', 'VNI', or None."""
    high = [b for b in data if b >= 0x80]
    if not high:
        return None
    tcvn3_share = sum(1 for b in high if b in _TCVN3_BYTES) / len(high)
    vni_pairs = len(_VNI_PAIR.findall(data))
    cp1258 = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    letters = [c for c in cp1258.lower() if c.isalpha() and not c.isascii()]
    vietnamese_share = sum(1 for c in letters if c in _VIETNAMESE_LETTERS) / max(1, len(letters))
    if vietnamese_share > 0.9 and tcvn3_share < 0.2:
        return "windows-1258"
    if tcvn3_share >= 0.3:
        return "TCVN3"
    if vni_pairs >= max(3, len(high) // 4):
        return "VNI"
    return None


