"""A content-addressed cache of passage vectors, shared by every index version in a data directory.

Keyed by (model name, exact text): a clause whose embedded text did not change is never embedded twice,
even when its file changed or a new index version is built from scratch. Append-only SQLite, so a killed
ingest leaves at worst a few missing rows, never a wrong vector.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()

    def get_many(self, model: str, texts: list[str]) -> dict[int, np.ndarray]:
        keys = [self.key(model, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put_many(self, model: str, texts: list[str], vectors: np.ndarray) -> None:
        rows = [(self.key(model, t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors, strict=True)]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()


def embed_with_cache(encoder, texts: list[str], cache: EmbeddingCache | None) -> np.ndarray:  # noqa: ANN001
    """`encoder.embed_passages(texts)`, computing only the texts the cache does not hold."""
    if cache is None or not texts:
        return encoder.embed_passages(texts)
    # The producer of the vectors, not just the model: two runtimes of one model differ in the last bits.
    model = getattr(encoder, "cache_key", encoder.name)
    known = cache.get_many(model, texts)
    missing = [i for i in range(len(texts)) if i not in known]
    fresh = encoder.embed_passages([texts[i] for i in missing]) if missing else None
    if fresh is not None:
        cache.put_many(model, [texts[i] for i in missing], fresh)
    dim = (fresh.shape[1] if fresh is not None else next(iter(known.values())).shape[0])
    out = np.empty((len(texts), dim), dtype=np.float32)
    for i, vector in known.items():
        out[i] = vector
    for row, i in enumerate(missing):
        assert fresh is not None
        out[i] = fresh[row]
    return out
