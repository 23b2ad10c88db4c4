"""Text normalisation and segmentation: tables of real examples plus invariants over the real corpus."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.segment import lexical_tokens, segment
from ingest.textnorm import (
    IDENTIFIER_RE,
    abbreviations_in,
    contract,
    expand_abbreviations,
    fold_accents,
    normalize_space,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in {".txt", ".md"})


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Lâm Đồng", "lam dong"),
        ("ĐẦU TƯ", "dau tu"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "so nong nghiep va phat trien nong thon"),
        ("ủy ban nhân dân", "uy ban nhan dan"),
        ("uỷ ban", "uy ban"),  # old-style tone placement folds the same way
        ("", ""),
    ],
)
def test_fold_accents(text: str, folded: str) -> None:
    assert fold_accents(text) == folded


def test_normalize_space() -> None:
    assert normalize_space("  Sở\tTài\u00a0chính \n chủ trì ") == "Sở Tài chính chủ trì"


@pytest.mark.parametrize(
    "identifier",
    ["31/KH-UBND", "2261/QĐ-TTg", "56-KL/TW", "12/CT-TTg", "17/2023/QH15", "45/2021/NĐ-CP", "30/6/2017",
     "22/5/2018", "1,5-2%", "8-10%/năm", "2.800", "II.2.5", "70%", "2017-2020"],
)
def test_identifier_re_matches_whole(identifier: str) -> None:
    text = f"theo {identifier} của tỉnh"
    assert [m.group(0) for m in IDENTIFIER_RE.finditer(text)] == [identifier]


def test_identifier_re_stops_at_letters_after_percent() -> None:
    assert [m.group(0) for m in IDENTIFIER_RE.finditer("chiếm từ 1,5-2%GRDP của tỉnh")] == ["1,5-2%"]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("hỗ trợ HTX và THT", "hỗ trợ hợp tác xã và tổ hợp tác"),
        ("Sở NN&PTNT", "Sở nông nghiệp và phát triển nông thôn"),
        ("các LHHTX", "các liên hiệp hợp tác xã"),
        ("Sở KH&ĐT", "Sở kế hoạch và đầu tư"),
        ("Kế hoạch 31/KH-UBND", "Kế hoạch 31/KH-UBND"),  # acronyms inside document numbers stay
        ("Kết luận 56-KL/TW", "Kết luận 56-KL/TW"),
    ],
)
def test_expand_abbreviations(text: str, expanded: str) -> None:
    assert expand_abbreviations(text) == expanded


def test_contract_is_the_reverse_and_ignores_accents() -> None:
    assert contract("Liên hiệp hợp tác xã và hợp tác xã") == "LHHTX va HTX"
    assert contract("so ke hoach va dau tu") == "so KH&ĐT"
    assert set(abbreviations_in("hop tac xa nong nghiep")) == {"HTX"}
    assert set(abbreviations_in("UBND tỉnh")) == {"UBND"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Theo Kế hoạch số 31/KH-UBND ngày 30/6/2017", ["Theo", "Kế hoạch", "số", "31/KH-UBND", "ngày", "30/6/2017"]),
        ("chiếm từ 1,5-2%GRDP", ["chiếm", "từ", "1,5-2%", "GRDP"]),
        ("tăng 8-10%/năm", ["tăng", "8-10%/năm"]),
        ("Sở Tài chính chủ trì", ["Sở", "Tài chính", "chủ trì"]),
    ],
)
def test_segment_keeps_identifiers_whole(text: str, expected: list[str]) -> None:
    assert segment(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_segment_empty(text: str) -> None:
    assert segment(text) == []
    assert lexical_tokens(text) == []


def _seed_clauses():
    from ingest.pipeline import parse_file

    return [c for path in SEEDS for c in parse_file(path).clauses]


def test_segments_rejoin_into_source_text_for_every_seed_clause() -> None:
    clauses = _seed_clauses()
    assert len(clauses) > 200
    segment("khởi động")  # model load is not part of the measurement
    started = time.perf_counter()
    for clause in clauses:
        tokens = segment(clause.text)
        assert "".join(tokens).replace(" ", "") == "".join(clause.text.split()), clause.id
    elapsed = time.perf_counter() - started
    print(f"\nsegmented {len(clauses)} seed clauses in {elapsed:.2f} s")


def test_lexical_tokens_join_words_and_add_folded_forms() -> None:
    tokens = lexical_tokens("Sở Tài chính chủ trì, phối hợp.")
    assert {"sở", "tài_chính", "tai_chinh", "tai", "chinh", "chủ_trì", "chu_tri", "so_tai"} <= set(tokens)
    assert "," not in tokens and "." not in tokens


def test_unaccented_question_shares_the_folded_tokens() -> None:
    accented = set(lexical_tokens("Sở Tài chính tỉnh Lâm Đồng chủ trì"))
    plain = set(lexical_tokens("so tai chinh tinh lam dong chu tri"))
    assert {"tai_chinh", "lam_dong", "chu_tri", "so", "tinh"} <= accented & plain


def test_abbreviations_match_in_both_directions() -> None:
    short = set(lexical_tokens("hỗ trợ HTX"))
    long = set(lexical_tokens("hỗ trợ hợp tác xã"))
    assert {"htx", "hop_tac_xa", "hợp_tác_xã"} <= short & long


def test_identifiers_are_single_lexical_tokens() -> None:
    tokens = lexical_tokens("Kế hoạch số 31/KH-UBND ngày 30/6/2017")
    assert "31/kh-ubnd" in tokens and "30/6/2017" in tokens


def test_segmenting_does_not_import_torch() -> None:
    """The one-shot CLI segments the question; underthesea's package __init__ would pull torch (~3 s)."""
    code = (
        "import sys; from ingest.segment import segment; segment('Sở Tài chính'); "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules; "
        "import underthesea; print(underthesea.word_tokenize('Sở Tài chính'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Tài chính" in result.stdout
