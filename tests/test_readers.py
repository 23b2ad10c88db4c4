"""Reading files: bad input becomes the matching IngestError naming the file; legacy encodings are detected."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    IngestError,
    NoStructureError,
    UnsupportedFormatError,
)
from ingest.pipeline import parse_file, parse_paths
from ingest.readers import detect_legacy_encoding, read_lines

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "corpus" / "thong-bao-ket-luan-bcd-ktt-2016.txt"
SAMPLE = (
    "KẾ HOẠCH\nPhát triển hợp tác xã trên địa bàn tỉnh năm 2017\n"
    "I. MỤC TIÊU\n1. Mục tiêu tổng quát\n- Củng cố, đổi mới và nâng cao hiệu quả hoạt động của hợp tác xã.\n"
    "- Hỗ trợ thành lập mới ít nhất 25 hợp tác xã, tổ hợp tác mỗi năm.\n"
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps â ê ô ă ơ ư đ precomposed and writes the five tones as combining marks."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out.append(base + "".join(p for p in parts if p in _TONES))
    return "".join(out).encode("cp1258")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


BAD_INPUTS = [
    ("empty.txt", b"", EmptyFileError, "no content"),
    ("blank.txt", b" \n\t\n  \n", EmptyFileError, "whitespace"),
    ("nul.txt", b"Ke hoach\x00\x00\x01binary" * 20, BinaryFileError, "NUL"),
    ("controls.txt", bytes(range(1, 9)) * 50 + b"text", BinaryFileError, "control bytes"),
    ("tcvn3.txt", "Kinh tÕ tËp thÓ ph¸t triÓn hîp t¸c x· trªn ®Þa bµn tØnh. ".encode("latin-1") * 5, EncodingError,
     "TCVN3"),
    ("vni.txt", "Hôïp taùc xaõ phaùt trieån treân ñòa baøn tænh. Keá hoaïch naêm 2017. ".encode("cp1252") * 5,
     EncodingError, "VNI"),
    ("latin.txt", b"\x81\x8d\x8f\x90\x9d" * 40, EncodingError, "UTF-8"),
    ("image.png", b"\x89PNG\r\n\x1a\n", UnsupportedFormatError, ".png"),
    ("short.txt", "Ghi chú ngắn.", NoStructureError, "characters"),
    ("random.txt", "qwpoeiruty zmxncbv aslkdjfhg " * 10, NoStructureError, "no numbering"),
    ("gibberish.txt", "x8f7s6d5f4g3h2j1k0lqwertyuiopasdfghjkl " * 10, NoStructureError, "runs of characters"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "error", "detail"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_named_error(tmp_path: Path, name: str, data: bytes | str, error: type, detail: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(error) as caught:
        parse_file(path)
    assert str(path) in str(caught.value)
    assert detail in str(caught.value)
    assert caught.value.file == str(path)
    assert caught.value.user_message  # Vietnamese message for the API/CLI


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", SAMPLE * 10)
    with pytest.raises(FileTooLargeError, match="limit 100"):
        parse_file(path, max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        parse_file(tmp_path / "nothing.txt")


def test_windows_1258_is_converted(tmp_path: Path) -> None:
    path = write(tmp_path, "cp1258.txt", to_cp1258(SAMPLE))
    assert detect_legacy_encoding(path.read_bytes()) == "windows-1258"
    source = read_lines(path)
    assert source.encoding == "windows-1258"
    assert source.lines[1] == "Phát triển hợp tác xã trên địa bàn tỉnh năm 2017"
    document = parse_file(path)
    assert [c.path for c in document.clauses] == ["p1", "p2", "I", "I.1", "I.1.-1", "I.1.-2"]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (SAMPLE.encode("utf-8-sig"), "utf-8"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (unicodedata.normalize("NFD", SAMPLE).encode("utf-8"), "utf-8"),
    ],
    ids=["bom", "utf16", "crlf", "nfd"],
)
def test_unicode_variants_give_the_same_clauses(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    reference = parse_file(write(tmp_path, "ref.txt", SAMPLE))
    path = write(tmp_path, "variant.txt", encoded)
    assert read_lines(path).encoding == encoding
    variant = parse_file(path)
    assert [(c.path, c.text, c.line_start) for c in variant.clauses] == [
        (c.path, c.text, c.line_start) for c in reference.clauses
    ]


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", SAMPLE)
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "notes.csv", "a,b\n1,2\n")  # unsupported extensions are skipped inside folders
    write(tmp_path, "manifest.json", '{"files": {}}')
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "nested.md", "# KẾ HOẠCH\n\n## **I. MỤC TIÊU**\n\n- Thành lập mới 25 hợp tác xã mỗi năm.\n")
    documents, errors = parse_paths([tmp_path])
    assert sorted(Path(d.document.source_file).name for d in documents) == ["good.txt", "nested.md"]
    assert [type(e) for e in errors] == [EmptyFileError]
    single, _ = parse_paths([good, NOTICE])
    assert len(single) == 2


def test_manifest_errors_name_the_field(tmp_path: Path) -> None:
    write(tmp_path, "plan.txt", SAMPLE)
    write(tmp_path, "manifest.json", '{"files": {"plan.txt": {"provnce": "Lâm Đồng"}}}')
    with pytest.raises(IngestError, match=r"files\.plan\.txt\.provnce"):
        parse_file(tmp_path / "plan.txt")
