"""Small measuring helpers shared by the benchmarks: repeated timings, percentiles, process memory."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def timed(fn: Callable[[], object], runs: int, budget_s: float | None = None, min_runs: int = 3) -> list[float]:
    """Milliseconds of ``runs`` calls after one warm-up call; stops early (after ``min_runs``)
    once ``budget_s`` seconds are spent, so that slow queries do not dominate a suite's time.
    A warm-up call that alone overruns the budget counts as a run: caches matter little then."""
    stop = time.monotonic() + budget_s if budget_s else float("inf")
    start = time.perf_counter()
    fn()  # warm up
    out: list[float] = [(time.perf_counter() - start) * 1000] if time.monotonic() > stop else []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        if len(out) >= min_runs and time.monotonic() > stop:
            break
    return out


def summary(values: list[float]) -> dict[str, float | int]:
    """p50/p95 in milliseconds, and how many runs they summarise."""
    return {"p50_ms": round(statistics.median(values), 3), "p95_ms": round(percentile(values, 0.95), 3), "runs": len(values)}


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process in MiB (``VmHWM``: its peak so far); 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]
