"""The index: numbered, immutable versions of the corpus, each searchable by dense vectors and BM25.

Layout of settings.data_dir:
    CURRENT                      the version number readers open (replaced atomically, last step of an ingest)
    versions/<n>/store.sqlite    documents, clauses, facts, file fingerprints, lexical tokens, term counts
    versions/<n>/chroma/         Chroma collection "clauses": the version's vectors (the only copy), clause text
                                 and filter metadata (with HTX_CHROMA_URL: collection "htx_clauses_v<n>" there)
    versions/<n>/bm25/           BM25 weights (bm25s arrays) over the lexical tokens
    versions/<n>/rows.json       row table: clause id of each row of the BM25 arrays and of the vector matrix,
                                 and each document's range of rows
    versions/<n>/terms.json      corpus term statistics of the answer stage
    embed-cache.sqlite           content-addressed passage vectors shared by all versions (HTX_EMBED_CACHE)
    .ingest.lock                 flock held while an ingest runs

Uploads are parsed and indexed from a staging folder under their final name and moved into place only once the
version that serves them is current (`ingest_paths(..., staged)`, `place_staged`; assistant/uploads.py).

Modules: `versions` (CURRENT, lock, pruning, the plan of an ingest), `build` (ingest_paths), `vectors` (Chroma),
`lexical` (BM25 arrays), `search` (IndexHandle: opening a version and searching it).
"""

from assistant.index.build import (
    INDEX_FORMAT,
    NOT_INDEXED_KINDS,
    embedding_text,
    ingest_paths,
    lexical_text,
    place_staged,
)
from assistant.index.search import IndexHandle, open_index
from assistant.index.vectors import metadata_filters, remote_collection_name
from assistant.index.versions import fingerprint, read_current, served_hashes

__all__ = [
    "INDEX_FORMAT",
    "NOT_INDEXED_KINDS",
    "IndexHandle",
    "embedding_text",
    "fingerprint",
    "ingest_paths",
    "lexical_text",
    "metadata_filters",
    "open_index",
    "place_staged",
    "read_current",
    "remote_collection_name",
    "served_hashes",
]
