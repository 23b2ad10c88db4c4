"""`htx`: a thin command line over the library. Each command parses arguments, calls one library function
and prints its result; heavy modules are imported inside the commands so `htx --help` is instant.

Every `HtxError` (assistant/errors.py) becomes `error: <message>` on stderr and exit status 1, without a
traceback: input is checked by the library (the `Assistant`), the same way as for the API. Anything else is a
bug and keeps its traceback. The evaluation commands live in eval/cli.py (`htx-eval`, `htx-bench`): the product
never imports the evaluation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.errors import HtxError
    from assistant.settings import Settings


def _settings() -> Settings:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from assistant.settings import load_settings

    return load_settings()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_parse(args: argparse.Namespace) -> int:
    from ingest.metadata import load_manifest
    from ingest.pipeline import parse_paths

    settings = _settings()
    manifest = load_manifest(settings.corpus_dir)
    parsed, errors = parse_paths([Path(p) for p in args.paths], manifest)
    for err in errors:
        _report(err)
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
    from assistant.errors import UnknownFilterError
    from assistant.validation import check_agency, clean_text, shown
    from ingest.facts import extract_facts
    from ingest.metadata import load_manifest
    from ingest.pipeline import parse_paths

    settings = _settings()
    agency = check_agency(args.agency)  # the check /facts?agency= makes, before any file is read
    document = clean_text(args.document, "document_id") if args.document is not None else None
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    parsed, errors = parse_paths(paths, load_manifest(settings.corpus_dir))
    for err in errors:
        _report(err)
    if document is not None and document not in {p.document.id for p in parsed}:
        raise UnknownFilterError("document_id", f"Không có văn bản với mã “{shown(document)}”.")
    facts = [
        f
        for p in parsed
        if document is None or p.document.id == document
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
            print(f"error: {failure.message}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.models import Filters
    from assistant.service import Assistant

    settings = _settings()
    assistant = Assistant(settings, use_llama_index=False, quick_start=True)
    given = args.province is not None or args.document is not None
    filters = assistant.check_filters(Filters(province=args.province, document_id=args.document) if given else None)
    if args.jsonl:
        return _ask_lines(assistant, filters)
    if not args.question:
        print("error: a question is required (or --jsonl with questions on standard input)", file=sys.stderr)
        return 2
    answer = assistant.ask(" ".join(args.question), filters)
    if args.json:
        sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
    else:
        print(answer.answer)
        if answer.citations:
            print("\nNguồn:")
            for citation in answer.citations:
                print(f"[{citation.n}] {citation.label or citation.document_id + ' ' + citation.path}")
    return 0


def _ask_lines(assistant: Any, filters: Any) -> int:
    """One answer per line of standard input. A line that cannot be asked (invalid UTF-8, bad characters, too long)
    gets its error, on stderr and as a JSON line on stdout so outputs stay in step with inputs, and the next line
    is read; the exit status is 1 if any line failed. Errors that are not about the line (no index) stop the run."""
    from assistant.errors import InvalidInputError, InvalidTextError

    failed = 0
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidTextError(
                    "question", f"Dòng {number} không phải văn bản UTF-8 hợp lệ (byte {exc.start + 1})."
                ) from exc
            if not line.strip():
                continue
            answer = assistant.ask(line, filters)
        except InvalidInputError as err:
            failed += 1
            _report(err, prefix=f"line {number}: ")
            sys.stdout.write(json.dumps({"line": number, "error": _error_body(err)}, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(answer.model_dump_json() + "\n")
        sys.stdout.flush()
    return 1 if failed else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server import run

    settings = _settings()
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    print(f"Serving on http://{host}:{port}/ with {workers} worker(s) (API docs at /docs)", file=sys.stderr)
    run(settings, host, port, workers)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from assistant.service import Assistant

    items = Assistant(_settings(), use_llama_index=False).feedback_items()
    if args.verdict:
        items = [item for item in items if item.verdict == args.verdict]
    for item in items:
        sys.stdout.write(item.model_dump_json() + "\n")
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
    p.add_argument("--workers", type=int, help="server processes (default HTX_WORKERS); chat sessions are shared")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("feedback", help="print readers' đúng/sai verdicts as eval items (JSON lines)")
    p.add_argument("--verdict", choices=["đúng", "sai"], help="only this verdict")
    p.set_defaults(func=cmd_feedback)

    return parser


def _error_body(err: HtxError) -> dict[str, str | None]:
    return {"code": err.code, "message": err.message, "field": err.field}


def _report(err: HtxError, prefix: str = "") -> None:
    print(f"error: {prefix}{err.message}", file=sys.stderr)


def run(func: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    """Run one command: an HtxError is the user's (or the configuration's) to fix, reported without a traceback."""
    from assistant.errors import HtxError

    try:
        return int(func(args) or 0)
    except HtxError as err:
        _report(err)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
