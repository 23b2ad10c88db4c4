"""`htx`: a thin command line over the library. Each command parses arguments, calls one library function
and prints its result; heavy modules are imported inside the commands so `htx --help` is instant."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _settings():  # noqa: ANN202
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from assistant.settings import Settings

    return Settings()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_parse(args: argparse.Namespace) -> int:
    from ingest.metadata import load_manifest
    from ingest.pipeline import parse_paths

    settings = _settings()
    manifest = load_manifest(settings.corpus_dir)
    parsed, errors = parse_paths([Path(p) for p in args.paths], manifest)
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    if args.json:
        _print_json([p.model_dump() for p in parsed] if len(args.paths) != 1 or len(parsed) != 1
                    else parsed[0].model_dump())
    else:
        for p in parsed:
            d = p.document
            print(f"{d.id}\t{d.type}\t{d.number}\t{d.province}\t{d.issue_date}\t{len(p.clauses)} clauses")
            for c in p.clauses:
                print(f"  {c.path:<14} {c.kind:<10} L{c.line_start}-{c.line_end}  {c.text[:90]!r}")
    return 1 if errors else 0


def cmd_facts(args: argparse.Namespace) -> int:
    from ingest.agencies import canonical_agency
    from ingest.facts import extract_facts
    from ingest.metadata import load_manifest
    from ingest.pipeline import parse_paths

    settings = _settings()
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    parsed, errors = parse_paths(paths, load_manifest(settings.corpus_dir))
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    agency = canonical_agency(args.agency) if args.agency else None
    if args.agency and agency is None:
        print(f"error: unknown agency {args.agency!r}", file=sys.stderr)
        return 1
    facts = [
        f
        for p in parsed
        if not args.document or p.document.id == args.document
        for f in extract_facts(p)
        if (not args.kind or f.kind == args.kind) and (agency is None or f.agency == agency)
    ]
    if args.json:
        _print_json([f.model_dump() for f in facts])
    else:
        for f in facts:
            detail = (f"{f.agency} ({f.role})" if f.kind == "responsibility"
                      else f"{f.value_text} {f.unit or ''} {f.year or f.period or ''}" if f.kind == "target"
                      else f"{f.date or ''} {f.wording}")
            print(f"{f.kind:<15} {f.clause_id:<50} {detail}")
    return 1 if errors else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.index import ingest_paths

    settings = _settings()
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    report = ingest_paths(paths, settings, progress=not args.quiet)
    if args.json:
        _print_json(report.model_dump())
    else:
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
            f"removed {len(report.removed)}, failed {len(report.failed)}; {report.n_clauses} clauses "
            f"({report.n_embedded} embedded) in {report.seconds:.1f} s",
            file=sys.stderr,
        )
        for failure in report.failed:
            print(f"error: {failure.file}: {failure.reason}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.models import Filters
    from assistant.service import Assistant

    settings = _settings()
    assistant = Assistant(settings, use_llama_index=False)
    filters = Filters(province=args.province, document_id=args.document) if (args.province or args.document) else None
    if args.jsonl:
        for line in sys.stdin:
            question = line.strip()
            if question:
                sys.stdout.write(assistant.ask(question, filters).model_dump_json() + "\n")
                sys.stdout.flush()
        return 0
    if not args.question:
        print("error: a question is required (or --jsonl with questions on standard input)", file=sys.stderr)
        return 2
    answer = assistant.ask(" ".join(args.question), filters)
    if args.json:
        sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
    else:
        print(answer.answer)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server import run

    settings = _settings()
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    print(f"Serving on http://{host}:{port}/ (API docs at /docs), {workers} worker(s)", file=sys.stderr)
    run(settings, host, port, workers)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.harness import run_eval

    settings = _settings()
    result = run_eval(settings, systems=args.systems or None, out_dir=Path(args.out) if args.out else None,
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
    _print_json(result.model_dump())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="htx", description="Cited answers over Vietnamese cooperative policy documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse documents into a clause tree")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("facts", help="extract responsibilities, targets and deadlines")
    p.add_argument("paths", nargs="*", help="files or folders (default: the corpus folder)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--kind", choices=["responsibility", "target", "deadline"])
    p.add_argument("--agency", help="agency name, any common spelling")
    p.add_argument("--document", help="document id")
    p.set_defaults(func=cmd_facts)

    p = sub.add_parser("ingest", help="build or update the index (default: the corpus folder)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="ask a question")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--jsonl", action="store_true", help="one question per line on stdin, one JSON object per line out")
    p.add_argument("--province")
    p.add_argument("--document", help="document id")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="serve the API and the web page")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, help="worker processes (default HTX_WORKERS); sessions are shared")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="score the assistant and baselines on eval/qa.jsonl")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="folder for the Markdown report and chart")
    p.add_argument("--systems", nargs="*", help="subset of systems to run")
    p.add_argument("--limit", type=int, help="score only the first N questions")
    p.add_argument("--no-external", action="store_true", help="skip the ALQAC/Zalo retrieval check")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="ingest and query benchmark against the naive baseline")
    p.add_argument("--scales", nargs="*", type=int, default=[1, 10, 50])
    p.add_argument("--repeats", type=int, default=2, help="warm query passes per scale")
    p.add_argument("--cold-runs", type=int, default=1, help="one-shot `htx ask` processes timed per scale")
    p.add_argument("--no-naive", action="store_true", help="skip the naive llama-index baseline")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from assistant.errors import AssistantError
    from ingest.errors import IngestError

    try:
        return int(args.func(args) or 0)
    except AssistantError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    except IngestError as err:
        print(f"error: {err.user_message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
