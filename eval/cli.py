"""`htx-eval` and `htx-bench`: the evaluation's command line, apart from the product's `htx`.

The evaluation sits above the product (eval -> assistant -> ingest); keeping its commands here means the product
package never imports `eval`. Both reuse `htx`'s settings loading and error reporting (`assistant.cli.run`).
Also runnable without installing the scripts: `python -m eval.cli eval|bench ...`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.cli import _print_json, _settings, run


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.harness import run_eval

    settings = _settings()
    result = run_eval(settings, systems=args.systems or None, out_dir=Path(args.out) if args.out else None,
                      qa_path=Path(args.qa) if args.qa else None,
                      external=not args.no_external, limit=args.limit)
    if args.json:
        _print_json(result.model_dump())
    else:
        print(result.summary())
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from eval.bench import run_bench

    settings = _settings()
    result = run_bench(settings, scales=tuple(args.scales), repeats=args.repeats, cold_runs=args.cold_runs,
                       naive=not args.no_naive)
    if args.out:
        from eval.bench import write_report

        command = "htx-bench " + " ".join(sys.argv[1:])
        print(f"wrote {write_report(result, Path(args.out), [Path(p) for p in args.load], command)}", file=sys.stderr)
    _print_json(result.model_dump())
    return 0


def eval_parser(prog: str = "htx-eval") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Score the assistant and baselines on eval/qa.jsonl.")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="folder for the Markdown report and chart")
    p.add_argument("--systems", nargs="*", help="subset of systems to run")
    p.add_argument("--limit", type=int, help="score only the first N questions")
    p.add_argument("--no-external", action="store_true", help="skip the ALQAC/Zalo retrieval check")
    p.add_argument("--qa", help="gold set to score (default eval/qa.jsonl; the frozen blind test split is "
                   "eval/blind/test.jsonl)")
    p.set_defaults(func=cmd_eval)
    return p


def bench_parser(prog: str = "htx-bench") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Ingest and query benchmark against the naive baseline.")
    p.add_argument("--scales", nargs="*", type=int, default=[1, 10, 50])
    p.add_argument("--repeats", type=int, default=2, help="warm query passes per scale")
    p.add_argument("--cold-runs", type=int, default=1, help="one-shot `htx ask` processes timed per scale")
    p.add_argument("--no-naive", action="store_true", help="skip the naive llama-index baseline")
    p.add_argument("--out", help="folder for BENCH.md, bench.png and bench.json (e.g. docs)")
    p.add_argument("--load", nargs="*", default=[], help="`python -m eval.load` JSON results to include")
    p.set_defaults(func=cmd_bench)
    return p


def eval_main(argv: Sequence[str] | None = None) -> int:
    args = eval_parser().parse_args(argv)
    return run(args.func, args)


def bench_main(argv: Sequence[str] | None = None) -> int:
    args = bench_parser().parse_args(argv)
    return run(args.func, args)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m eval.cli eval|bench ...`"""
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"eval": eval_main, "bench": bench_main}
    if not argv or argv[0] not in commands:
        print("usage: python -m eval.cli {eval,bench} [options]", file=sys.stderr)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
