"""How the bench records and prints a figure: the median and p99 of repeated samples beside
the bare baseline's (Results), the table `make bench` prints, and the machine they came from."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


class Results:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, key: str, figure: str, unit: str, ours: list[float], base: list[float] | None,
            base_label: str, target: str, check: Callable[[dict], bool] | None, **extra) -> dict:
        row = {
            "key": key, "figure": figure, "unit": unit, "n": len(ours),
            "median": statistics.median(ours), "p99": p99(ours),
            "baseline": base_label,
            "base_median": statistics.median(base) if base else None,
            "base_p99": p99(base) if base else None,
            "target": target, **extra,
        }
        row["ratio"] = (row["median"] / row["base_median"]) if base and row["base_median"] else None
        row["ratio_p99"] = (row["p99"] / row["base_p99"]) if base and row["base_p99"] else None
        row["holds"] = check(row) if check else None
        self.rows.append(row)
        print(f"  {figure}: median {fmt(row['median'], unit)}, p99 {fmt(row['p99'], unit)}"
              + (f" (bare {fmt(row['base_median'], unit)}, x{row['ratio']:.2f})" if row["ratio"] else ""),
              file=sys.stderr, flush=True)
        return row


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "%":
        return f"{value:.2f} %"
    return f"{value:g} {unit}"


def table(results: Results) -> str:
    head = ("figure", "median", "p99", "bare median", "bare p99", "ratio", "target", "holds")
    lines = []
    for r in results.rows:
        ratio = f"x{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        holds = {True: "yes", False: "NO", None: "-"}[r["holds"]]
        lines.append((r["figure"], fmt(r["median"], r["unit"]), fmt(r["p99"], r["unit"]),
                      fmt(r["base_median"], r["unit"]), fmt(r["base_p99"], r["unit"]), ratio,
                      r["target"], holds))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    out = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def timed(fn: Callable[[], object], n: int, warm: int = 3) -> list[float]:
    for _ in range(warm):
        fn()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    import textual

    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(), "ram_mb": mem, "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "textual": textual.__version__,
        "os": f"{platform.system()} {platform.release()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
