"""Bounded load test of a running `htx serve`: concurrent clients posting /ask for a fixed time.

Only loopback addresses are accepted (this is a capacity check of our own server, never a tool to aim
elsewhere), and both the client count and the duration are capped. Server memory is read from /proc when the
server's pid is given.

    python -m eval.load --url http://127.0.0.1:8000 --clients 16 --seconds 60 --pid 12345
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from eval import metrics

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_CLIENTS = 256
MAX_SECONDS = 600
DEFAULT_QUESTIONS = (
    "Ai chủ trì thực hiện kế hoạch phát triển hợp tác xã?",
    "Mục tiêu số hợp tác xã thành lập mới là bao nhiêu?",
    "Thời hạn báo cáo kết quả thực hiện là khi nào?",
    "Hợp tác xã được hỗ trợ những gì?",
    "Sở Tài chính có nhiệm vụ gì?",
    "Điều kiện thành lập hợp tác xã là gì?",
)


class LoadResult(BaseModel):
    base_url: str
    clients: int
    seconds: float = Field(description="Configured duration")
    elapsed_s: float = Field(description="Until the last in-flight request finished")
    requests: int
    ok: int
    errors: int
    status_counts: dict[str, int] = Field(default_factory=dict, description="HTTP status or exception name")
    throughput_rps: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    latency_max_ms: float | None
    server_rss_start_mb: float | None = None
    server_rss_end_mb: float | None = None


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process from /proc (Linux); None when unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def check_target(base_url: str, clients: int, seconds: float) -> None:
    host = urlsplit(base_url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"load test target {base_url!r}: only loopback hosts {sorted(LOOPBACK_HOSTS)} are allowed")
    if not 1 <= clients <= MAX_CLIENTS:
        raise ValueError(f"load test clients={clients}: must be within 1..{MAX_CLIENTS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"load test seconds={seconds}: must be within 0..{MAX_SECONDS}")


async def _client(
    http: object, n: int, questions: Sequence[str], deadline: float, latencies: list[float], statuses: Counter[str]
) -> None:
    import httpx

    assert isinstance(http, httpx.AsyncClient)
    i = n  # clients start at different questions so the server sees a mix at every moment
    while time.monotonic() < deadline:
        question = questions[i % len(questions)]
        i += 1
        start = time.perf_counter()
        try:
            response = await http.post("/ask", json={"question": question})
            statuses[str(response.status_code)] += 1
            if response.status_code == 200:
                latencies.append((time.perf_counter() - start) * 1000)
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1
            await asyncio.sleep(0.1)  # a refused connection returns at once: do not spin


async def _run(base_url: str, clients: int, seconds: float, questions: Sequence[str], timeout: float
               ) -> tuple[list[float], Counter[str], float]:
    import httpx

    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as http:
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(_client(http, n, questions, deadline, latencies, statuses) for n in range(clients)))
        return latencies, statuses, time.monotonic() - start


def run_load(
    base_url: str,
    clients: int = 16,
    seconds: float = 60,
    questions: Sequence[str] | None = None,
    server_pid: int | None = None,
    timeout: float = 60.0,
    warmup: int = 0,
) -> LoadResult:
    """Drive `clients` concurrent /ask loops for `seconds` (requests in flight at the end are awaited).

    `warmup` sequential requests go first, untimed, when the steady state rather than a cold server is wanted.
    """
    import httpx

    check_target(base_url, clients, seconds)
    questions = list(questions or DEFAULT_QUESTIONS)
    if not questions:
        raise ValueError("load test: no questions given")
    rss_start = rss_mb(server_pid) if server_pid else None
    for i in range(warmup):
        httpx.post(base_url.rstrip("/") + "/ask", json={"question": questions[i % len(questions)]}, timeout=timeout)
    latencies, statuses, elapsed = asyncio.run(_run(base_url.rstrip("/"), clients, seconds, questions, timeout))
    requests = sum(statuses.values())
    ok = statuses.get("200", 0)
    return LoadResult(
        base_url=base_url,
        clients=clients,
        seconds=seconds,
        elapsed_s=elapsed,
        requests=requests,
        ok=ok,
        errors=requests - ok,
        status_counts=dict(statuses),
        throughput_rps=ok / elapsed if elapsed > 0 else 0.0,
        latency_p50_ms=metrics.percentile(latencies, 50),
        latency_p95_ms=metrics.percentile(latencies, 95),
        latency_p99_ms=metrics.percentile(latencies, 99),
        latency_max_ms=max(latencies) if latencies else None,
        server_rss_start_mb=rss_start,
        server_rss_end_mb=rss_mb(server_pid) if server_pid else None,
    )


def gold_questions(path: Path) -> list[str]:
    """Single-turn questions of the gold set, as a realistic mix for the load test."""
    from eval.gold import load_qa

    return [item.question for item in load_qa(path) if not item.turns]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pid", type=int, default=None, help="server process id, for its memory use")
    parser.add_argument("--qa", type=Path, default=None, help="take questions from a gold set file")
    parser.add_argument("--warmup", type=int, default=0, help="untimed sequential requests first")
    args = parser.parse_args(argv)
    questions = gold_questions(args.qa) if args.qa else None
    result = run_load(args.url, args.clients, args.seconds, questions, args.pid, warmup=args.warmup)
    sys.stdout.write(json.dumps(result.model_dump(), ensure_ascii=False, indent=2) + "\n")
    return 0 if result.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
