"""The clause vectors of an index version: written once, to Chroma, the vector store of record.

Embedded mode keeps one persistent Chroma folder per version (`versions/<n>/chroma/`, collection "clauses"); with
HTX_CHROMA_URL the collection "htx_clauses_v<n>" lives on that server. Either way the collection holds, per
indexed clause, its vector, its text and filter metadata (document, province, type, year, path, kind), so the
llama-index `ChromaVectorStore` can query it directly.

Exact search runs in process over a matrix read back from that collection when a version is opened
(`load_matrix`): Chroma stays the only copy of the vectors, and every search of the process shares the one
read-only matrix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.settings import Settings

if TYPE_CHECKING:
    from ingest.models import Clause, Document

log = logging.getLogger(__name__)

COLLECTION = "clauses"
_WRITE_BATCH = 1000
_READ_BATCH = 1000  # a page of embeddings comes through Python floats: 5000 rows cost ~130 MB at once


def remote_collection_name(version: int) -> str:
    return f"htx_clauses_v{version}"


def collection_name(settings: Settings, version: int) -> str:
    return remote_collection_name(version) if settings.chroma_url else COLLECTION


def chroma_client(settings: Settings, version_dir: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    return chromadb.PersistentClient(path=str(version_dir / "chroma"), settings=chroma_settings)


def open_collection(settings: Settings, version: int, version_dir: Path) -> Any:
    return chroma_client(settings, version_dir).get_collection(collection_name(settings, version))


def drop_remote_collection(settings: Settings, version: int) -> None:
    try:
        chroma_client(settings, Path()).delete_collection(remote_collection_name(version))
    except Exception as error:  # noqa: BLE001 - a missing remote collection is not an error here
        log.debug("remote collection of version %s not deleted: %s", version, error)


def _metadata(document: Document | None, clause: Clause) -> dict[str, str | int]:
    year = document.issue_date[:4] if document and document.issue_date and document.issue_date[:4].isdigit() else ""
    return {
        "doc": document.id if document else "",
        "province": (document.province or "") if document else "",
        "doc_type": (document.type or "") if document else "",
        "year": int(year) if year else -1,
        "path": clause.path,
        "kind": clause.kind,
        "clause_id": clause.id,
    }


def write_collection(settings: Settings, version: int, version_dir: Path, clauses: Iterable[list[Clause]],
                     documents: dict[str, Document], vectors: np.ndarray) -> None:
    """Create this version's collection with one record per clause: `clauses` yields them in row order, a batch
    at a time (row i of `vectors` is the i-th clause yielded)."""
    client = chroma_client(settings, version_dir)
    name = collection_name(settings, version)
    if settings.chroma_url:
        try:
            client.delete_collection(name)  # left over by a crashed ingest of the same version number
        except Exception:  # noqa: BLE001 - it usually does not exist
            pass
    collection = client.create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
    row = 0
    for batch in clauses:
        for start in range(0, len(batch), _WRITE_BATCH):
            chunk = batch[start : start + _WRITE_BATCH]
            collection.add(
                ids=[c.id for c in chunk],
                embeddings=vectors[row : row + len(chunk)],
                metadatas=[_metadata(documents.get(c.document_id), c) for c in chunk],
                documents=[c.text for c in chunk],
            )
            row += len(chunk)
    if row != len(vectors):
        raise RuntimeError(f"{row} clauses written to Chroma for {len(vectors)} vectors")


def load_matrix(collection: Any, clause_ids: list[str]) -> np.ndarray:
    """The collection's vectors as one float32 matrix, row i = clause_ids[i] (exact search reads this)."""
    rows = {cid: i for i, cid in enumerate(clause_ids)}
    matrix: np.ndarray | None = None
    offset = 0
    while True:
        page = collection.get(include=["embeddings"], limit=_READ_BATCH, offset=offset)
        ids = page["ids"]
        if not ids:
            break
        embeddings = np.asarray(page["embeddings"], dtype=np.float32)
        if matrix is None:
            matrix = np.zeros((len(clause_ids), embeddings.shape[1]), dtype=np.float32)
        matrix[[rows[cid] for cid in ids]] = embeddings
        offset += len(ids)
    if offset != len(clause_ids):
        raise RuntimeError(f"Chroma collection holds {offset} vectors, the index {len(clause_ids)} clauses")
    if matrix is None:
        return np.zeros((0, 0), dtype=np.float32)
    matrix.setflags(write=False)
    return matrix


def metadata_filters(document_ids: list[str]) -> Any:
    """llama-index MetadataFilters restricting results to the given documents (Chroma key "doc")."""
    from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters

    return MetadataFilters(filters=[MetadataFilter(key="doc", value=document_ids, operator=FilterOperator.IN)])
