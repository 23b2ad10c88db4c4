"""Hostile documents, built for real in a temporary folder, are refused cheaply with a message naming the limit;
what slips past the format checks is stopped by the parsing subprocess's memory and time limits."""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import pytest

from ingest.errors import IngestError, LimitExceededError
from ingest.isolate import ParseWorker
from ingest.limits import ParseLimits
from ingest.pipeline import parse_file
from tests import hostile_files

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "hoa-binh_kh-bcd-ktt-2017.txt"
LIMITS = ParseLimits()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def refused(path: Path, limits: ParseLimits = LIMITS) -> tuple[str, float]:
    """Parse `path` in this process; returns the Vietnamese message of the LimitExceededError and the seconds."""
    started = time.perf_counter()
    with pytest.raises(LimitExceededError) as caught:
        parse_file(path, limits=limits)
    assert path.name in caught.value.message
    return caught.value.message, time.perf_counter() - started


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def test_zip_bomb_docx_is_refused_from_its_directory(files: Path) -> None:
    path = hostile_files.zip_bomb_docx(files / "bom.docx", unpacked_bytes=300_000_000)
    before = peak_rss_mb()
    message, seconds = refused(path)
    assert "giải nén ra 300 MB" in message and "50 MB" in message
    assert seconds < 1 and peak_rss_mb() - before < 50


def test_paragraph_flood_docx_is_refused_before_parsing(files: Path) -> None:
    huge = hostile_files.empty_paragraph_docx(files / "17m.docx")  # 17 M empty paragraphs in about 150 KB
    assert huge.stat().st_size < 200_000
    assert "giải nén ra 102 MB" in refused(huge)[0]
    # Under the size limit, the streamed paragraph count still stops it.
    flood = hostile_files.empty_paragraph_docx(files / "60k.docx", paragraphs=60_000)
    before = peak_rss_mb()
    message, seconds = refused(flood)
    assert "hơn 50.000 đoạn văn" in message and seconds < 1 and peak_rss_mb() - before < 50


def test_flate_bomb_pdf_is_measured_without_inflating_it(files: Path) -> None:
    path = hostile_files.flate_bomb_pdf(files / "bom.pdf", unpacked_bytes=300_000_000)
    before = peak_rss_mb()
    message, _ = refused(path)
    assert "giải nén ra hơn 50 MB" in message and peak_rss_mb() - before < 50


def test_pdf_page_count_is_checked_before_layout(files: Path) -> None:
    path = hostile_files.text_pdf(files / "500-trang.pdf")
    message, seconds = refused(path)
    assert "500 trang" in message and "300 trang" in message and seconds < 5


def test_near_empty_clause_flood_is_refused(files: Path) -> None:
    message, _ = refused(hostile_files.dash_lines_txt(files / "gach.txt"))
    assert "100.000 trên 100.001 điều khoản gần như rỗng" in message


def test_clause_cap_names_the_count(files: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = files / "dai.txt"
    path.write_text(text, encoding="utf-8")
    n_clauses = len(parse_file(path).clauses)
    message, _ = refused(path, ParseLimits(max_clauses=50))
    assert f"có {n_clauses} điều khoản, vượt quá giới hạn 50" in message


def test_a_few_empty_bullets_are_normal(files: Path) -> None:
    path = files / "vai-dong-trong.txt"
    path.write_text(SEED.read_text(encoding="utf-8") + "- a\n" * 5, encoding="utf-8")
    assert len(parse_file(path).clauses) > 80


def test_worker_parses_like_the_parser_and_names_files_as_given(files: Path) -> None:
    staged = files / "staged.bin"
    shutil.copy2(SEED, staged)
    nominal = files / "corpus" / "ke-hoach.txt"  # where the file will live; it does not exist yet
    with ParseWorker(LIMITS, memory_mb=1024, timeout_seconds=60) as worker:
        parsed = worker.parse(nominal, staged)
        assert parsed.document.id == "ke-hoach" and parsed.document.source_file == str(nominal)
        assert parsed.clauses == parse_file(SEED).clauses[:0] + [
            c.model_copy(update={"id": c.id.replace("hoa-binh_kh-bcd-ktt-2017", "ke-hoach"),
                                 "document_id": "ke-hoach",
                                 "parent_id": c.parent_id and c.parent_id.replace("hoa-binh_kh-bcd-ktt-2017",
                                                                                  "ke-hoach")})
            for c in parse_file(SEED).clauses]
        with pytest.raises(IngestError) as caught:
            worker.parse(files / "khong-co.txt")
        assert "khong-co.txt" in str(caught.value)


@pytest.mark.slow
def test_worker_memory_and_time_limits_stop_what_the_checks_let_through(files: Path) -> None:
    unchecked = ParseLimits(max_unpacked_bytes=10**12, max_paragraphs=10**9, max_pages=10**6)
    bomb = hostile_files.zip_bomb_docx(files / "bom-2.docx", unpacked_bytes=400_000_000)
    slow = hostile_files.text_pdf(files / "60-trang.pdf", pages=60)  # a real PDF that takes a while to lay out
    before = peak_rss_mb()
    with ParseWorker(unchecked, memory_mb=300, timeout_seconds=60) as worker:
        with pytest.raises(LimitExceededError) as caught:
            worker.parse(bomb)
        assert "300 MB" in caught.value.message  # out of memory in the child, not here
        worker.timeout_seconds = 2
        started = time.perf_counter()
        with pytest.raises(LimitExceededError) as caught:
            worker.parse(slow)
        assert "hơn 2 giây" in caught.value.message and time.perf_counter() - started < 5
        # The worker starts again for the next file.
        assert worker.parse(SEED).document.id == "hoa-binh_kh-bcd-ktt-2017"
    assert peak_rss_mb() - before < 50  # the bomb went off in the child
