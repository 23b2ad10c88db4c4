"""Parsing in a child process, so that a hostile document can only exhaust the child.

The child runs `ingest.pipeline.parse_file` with an address-space limit (RLIMIT_AS), so a zip or flate bomb
that slips past the format checks ends in a MemoryError there, never in a server holding gigabytes; the
parent kills it after `timeout_seconds` of wall-clock time per file. One child serves a whole ingest, one file
at a time, and is started again after it dies.

Protocol: one JSON request per line on the child's stdin, one JSON reply per line on its stdout:
    {"path", "source", "max_bytes", "limits"}  ->  {"parsed": <ParsedDocument>} | {"error": {"type", "text", "state"}}
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import resource
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from ingest import errors
from ingest.errors import IngestError, LimitExceededError, ParserCrashError
from ingest.limits import ParseLimits, vi_number
from ingest.models import ParsedDocument


class ParseWorker:
    """Parses files in a child process under memory and time limits; use as a context manager."""

    def __init__(self, limits: ParseLimits | None = None, max_bytes: int = 20_000_000, memory_mb: int = 1024,
                 timeout_seconds: float = 300) -> None:
        self.limits = limits or ParseLimits()
        self.max_bytes = max_bytes
        self.memory_mb = memory_mb
        self.timeout_seconds = timeout_seconds
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[bytes | None] = queue.Queue()

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()  # the child ends at end of input
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _start(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parent.parent)  # the folder holding the `ingest` package
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        proc = subprocess.Popen([sys.executable, "-m", "ingest.isolate", str(self.memory_mb)], env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        replies: queue.Queue[bytes | None] = queue.Queue()

        def read(stream: IO[bytes]) -> None:
            for line in stream:
                replies.put(line)
            replies.put(None)  # end of output: the child exited

        assert proc.stdout is not None
        threading.Thread(target=read, args=(proc.stdout,), daemon=True).start()
        self._proc, self._replies = proc, replies
        return proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()

    def parse(self, path: Path, source: Path | None = None) -> ParsedDocument:
        """Parse `path` (read from `source` if given) in the child; raises an IngestError on any failure."""
        if self._proc is not None and self._proc.poll() is not None:
            self._stop()
        proc = self._proc or self._start()
        request = {"path": str(path), "source": str(source) if source else None, "max_bytes": self.max_bytes,
                   "limits": dataclasses.asdict(self.limits)}
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
            reply = self._replies.get(timeout=self.timeout_seconds)
        except queue.Empty:
            self._stop()
            raise LimitExceededError(
                str(path), f"parsing took more than {self.timeout_seconds:g} s",
                f"phân tích tệp mất hơn {self.timeout_seconds:g} giây, vượt quá giới hạn thời gian.") from None
        except BrokenPipeError:
            reply = None
        if reply is None:
            self._stop()
            raise LimitExceededError(
                str(path), f"the parser process died (memory limit {self.memory_mb} MB?)",
                f"bộ phân tích dừng bất thường khi đọc tệp (giới hạn bộ nhớ {vi_number(self.memory_mb)} MB).")
        message = json.loads(reply)
        if "parsed" in message:
            return ParsedDocument.model_validate(message["parsed"])
        if message.get("exiting"):
            self._stop()  # it ran out of memory and will not take another file
        raise _rebuild(message["error"])


def _rebuild(data: dict[str, Any]) -> Exception:
    """The child's exception, as its own IngestError subclass where it was one."""
    cls = getattr(errors, data["type"], None)
    if not (isinstance(cls, type) and issubclass(cls, IngestError)):
        return ParserCrashError(data["state"].get("file", "?"), data["text"])
    error = cls.__new__(cls)
    Exception.__init__(error, data["text"])
    error.__dict__.update(data["state"])
    return error


# ---- the child ----------------------------------------------------------------------------------------------------
def _reply(out: IO[str], request: dict[str, Any]) -> bool:
    """Parse one request and write the reply; False when the child should exit (after running out of memory)."""
    from ingest.pipeline import parse_file

    path = Path(request["path"])
    try:
        parsed = parse_file(path, None, request["max_bytes"], ParseLimits(**request["limits"]),
                            Path(request["source"]) if request["source"] else None)
        out.write(json.dumps({"parsed": parsed.model_dump(mode="json")}, ensure_ascii=False) + "\n")
        out.flush()
        return True
    except MemoryError:
        parsed = None
        memory_mb = resource.getrlimit(resource.RLIMIT_AS)[0] // (1 << 20)
        error: Exception = LimitExceededError(
            str(path), f"out of memory (limit {memory_mb} MB)",
            f"phân tích tệp cần hơn {vi_number(memory_mb)} MB bộ nhớ, vượt quá giới hạn.")
        keep_going = False
    except IngestError as caught:
        error, keep_going = caught, True
    except Exception as caught:  # noqa: BLE001 - reported per file, like any parse failure
        error, keep_going = ParserCrashError(str(path), f"{type(caught).__name__}: {caught}"), True
    state = {k: v for k, v in error.__dict__.items() if isinstance(v, str | int | float | None)}
    out.write(json.dumps({"error": {"type": type(error).__name__, "text": str(error), "state": state},
                          "exiting": not keep_going}, ensure_ascii=False) + "\n")
    out.flush()
    return keep_going


def _child(memory_mb: int) -> None:
    limit = memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Replies go to a private copy of stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    for line in sys.stdin:
        if line.strip() and not _reply(out, json.loads(line)):
            break


if __name__ == "__main__":
    _child(int(sys.argv[1]))
