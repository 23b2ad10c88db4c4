"""The passage-vector cache: hits return the stored vectors, misses are embedded once."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.embed_cache import EmbeddingCache, embed_with_cache


class CountingEncoder:
    name = "counting"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_only_missing_texts_are_embedded(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    encoder = CountingEncoder()
    first = embed_with_cache(encoder, ["an", "banana"], cache)
    second = embed_with_cache(encoder, ["banana", "cat", "an"], cache)
    assert encoder.embedded == ["an", "banana", "cat"]
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    np.testing.assert_array_equal(second[1], [3, 1, 1])


def test_cache_is_per_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    encoder = CountingEncoder()
    embed_with_cache(encoder, ["an"], cache)
    other = CountingEncoder()
    other.name = "other"
    embed_with_cache(other, ["an"], cache)
    assert other.embedded == ["an"]
