"""The lexicon is the one place vocabulary lives: loader invariants, and no module keeps a list of its own."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from ingest.lexicon import LexiconError, fold, lexicon, load_lexicon

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_loads_with_content() -> None:
    lex = lexicon()
    assert "Quảng Ninh" in lex.places.provinces
    assert lex.places.canonical("Hoà Bình") == "Hòa Bình"
    assert "Sở Tài chính" in lex.agencies.aliases
    assert lex.abbreviations["HTX"] == "hợp tác xã"
    assert set(lex.question.intent_order) <= set(lex.question.intent_cues)
    assert set(lex.answers.order) <= set(lex.answers.cues)
    assert "Luật" in lex.documents.legal
    assert {"recipients", "signature"} == set(lex.documents.uncitable_kinds)


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đồng Nai", "dong nai"), ("HỢP TÁC XÃ", "hop tac xa"), ("Hoà Bình", "hoa binh"), ("", ""), ("abc 12%", "abc 12%")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_cues_are_stored_folded() -> None:
    lex = lexicon()
    phrases = [c for cues in lex.question.intent_cues.values() for c in cues]
    phrases += [c for cues in lex.answers.cues.values() for c in cues]
    phrases += [p for group in lex.synonyms for p in group]
    assert all(fold(p) == p for p in phrases), [p for p in phrases if fold(p) != p]


def test_synonyms_are_symmetric() -> None:
    lex = lexicon()
    assert "it nhat" in lex.synonyms_of("toi thieu")
    assert "toi thieu" in lex.synonyms_of("it nhat")
    assert lex.synonyms_of("mot tu khong co") == ("mot tu khong co",)


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    for source in (ROOT / "ingest" / "lexicon").glob("*.toml"):
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "places.toml").write_text("provinces = [", encoding="utf-8")
    with pytest.raises(LexiconError, match="places.toml"):
        load_lexicon(tmp_path)
    (tmp_path / "places.toml").unlink()
    with pytest.raises(LexiconError, match="places.toml"):
        load_lexicon(tmp_path)


def test_no_module_compiles_its_own_place_or_agency_list() -> None:
    lex = lexicon()
    provinces = {fold(p) for p in lex.places.provinces}
    agencies = {fold(a) for a in lex.agencies.aliases}
    offenders = []
    for path in sorted([*(ROOT / "ingest").rglob("*.py"), *(ROOT / "assistant").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.List | ast.Tuple | ast.Set):
                continue
            strings = {fold(e.value) for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if len(strings & provinces) >= 3 or len(strings & agencies) >= 3:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"place or agency lists outside ingest/lexicon: {offenders}"
