"""Profile the warm question path and record what it returns, so a performance change can prove it changed nothing.

    python -m eval.profile_queries --data-dir .htx --snapshot out.json [--profile out.txt] [--repeats 3]
    python -m eval.profile_queries --scale 50 --work /tmp/p50 --profile out.txt --snapshot out.json

Opens the index in `--data-dir`, asks every single-turn question of `eval/qa.jsonl` once untimed (warm-up),
then `--repeats` times under pyinstrument (when `--profile` is given), and writes for every question the
retrieval ranking (top 10 clause ids with their dense and lexical ranks) and the answer (text, found, cited
clause ids) to the snapshot file. `--compare OLD.json` reports the questions whose ranking or answer differ.
The figures in docs/PROFILE.md come from this script.

`--scale N` profiles the benchmark's questions (eval/bench.py) instead, over its synthetic corpus of N copies of the
seed plans, kept with its index in `--work` (built there on the first run), answer and question caches off: the
questions whose cost grows with the corpus show up here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from assistant.settings import Settings

QA = Path(__file__).resolve().parent / "qa.jsonl"


def questions(path: Path = QA) -> list[str]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [item["question"] for item in items if not item.get("turns")]


def snapshot(assistant: object, asked: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for question in asked:
        analysis = assistant.analyze(question)  # type: ignore[attr-defined]
        hits = [] if analysis.unknown_places else assistant.retrieve(analysis, k=10)  # type: ignore[attr-defined]
        answer = assistant.ask(question)  # type: ignore[attr-defined]
        out[question] = {
            "ranking": [[h.clause_id, h.dense_rank, h.lexical_rank] for h in hits],
            "found": answer.found,
            "answer": answer.answer,
            "cited": [c.clause_id for c in answer.citations],
        }
    return out


def compare(old: dict[str, dict], new: dict[str, dict]) -> dict[str, int]:
    counts = {"questions": len(new), "same_ranking": 0, "same_top8_set": 0, "same_answer": 0, "same_found": 0}
    for question, now in new.items():
        before = old.get(question)
        if before is None:
            continue
        counts["same_ranking"] += [r[0] for r in before["ranking"]] == [r[0] for r in now["ranking"]]
        counts["same_top8_set"] += {r[0] for r in before["ranking"][:8]} == {r[0] for r in now["ranking"][:8]}
        counts["same_answer"] += before["answer"] == now["answer"] and before["cited"] == now["cited"]
        counts["same_found"] += before["found"] == now["found"]
    return counts


def synthetic_index(scale: int, work: Path) -> Settings:
    """Settings over the bench's corpus of `scale` copies in `work` (indexed there when it is not yet), caches off."""
    from assistant.index import ingest_paths, read_current
    from eval.bench import seed_files, synthesize_corpus

    settings = Settings(data_dir=work / "data", corpus_dir=work / "corpus", answer_cache_size=0, query_cache_size=0)
    if read_current(settings) is None:
        files = synthesize_corpus(seed_files(Settings().corpus_dir), scale, work / "corpus")
        report = ingest_paths(files, settings, progress=True)
        if report.failed:
            raise SystemExit(f"synthetic corpus: {len(report.failed)} files failed to ingest")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.profile_queries", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="the index to profile (or --scale and --work)")
    parser.add_argument("--scale", type=int, help="profile the bench questions over the bench's N-times corpus")
    parser.add_argument("--work", type=Path, help="with --scale: folder of that corpus and its index")
    parser.add_argument("--snapshot", type=Path, help="write rankings and answers here")
    parser.add_argument("--compare", type=Path, help="an earlier snapshot to compare with")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument text profile of the timed passes here")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from assistant.service import Assistant

    if args.scale:
        if not args.work:
            parser.error("--scale needs --work (where the synthetic corpus and its index are kept)")
        from eval.bench import BENCH_QUESTIONS

        settings = synthetic_index(args.scale, args.work)
        asked = list(BENCH_QUESTIONS)
    elif args.data_dir:
        settings = Settings(data_dir=args.data_dir)
        asked = questions()
    else:
        parser.error("give --data-dir, or --scale with --work")
    assistant = Assistant(settings).load()
    for question in asked:  # warm-up: models, imports, caches of the process (not of answers)
        assistant.ask(question)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    timings = []
    for _ in range(args.repeats):
        for question in asked:
            started = time.perf_counter()
            assistant.ask(question)
            timings.append((time.perf_counter() - started) * 1000)
    if profiler is not None:
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    timings.sort()
    summary = {"questions": len(asked), "asks": len(timings), "p50_ms": round(statistics.median(timings), 2),
               "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2)}
    if args.snapshot or args.compare:
        new = snapshot(assistant, asked)
        if args.snapshot:
            args.snapshot.write_text(json.dumps(new, ensure_ascii=False, indent=1), encoding="utf-8")
        if args.compare:
            summary["compare"] = compare(json.loads(args.compare.read_text(encoding="utf-8")), new)
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
