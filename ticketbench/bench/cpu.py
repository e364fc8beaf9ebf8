"""CPU time of a process tree: this process and everything it started.

Executors play episodes in other processes (workers, Ray's actors and its own daemons), so
a benchmark's CPU per episode must count them. `TreeCpu` samples `/proc` in a thread while
a block runs: every descendant's utime + stime (Linux), plus this process's own CPU time
less the sampler's. A process that ends between two samples loses at most one interval.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            out.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return out


def _cpu_s(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


class TreeCpu:
    """`with TreeCpu() as cpu: ...` then `cpu.seconds` (see the module docstring)."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.seconds = 0.0
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._sampler_cpu = 0.0
        self._thread = threading.Thread(target=self._run, name="tree-cpu", daemon=True)

    def _descendants(self) -> list[int]:
        out: list[int] = []
        frontier = [os.getpid()]
        while frontier:
            kids = [c for p in frontier for c in _children(p)]
            out.extend(kids)
            frontier = kids
        return out

    def _sample(self, first: bool) -> None:
        for pid in self._descendants():
            cpu = _cpu_s(pid)
            if cpu is None:
                continue
            if first:
                self._first[pid] = cpu
            self._first.setdefault(pid, 0.0)  # started during the block: all of it counts
            self._last[pid] = cpu

    def _run(self) -> None:
        t0 = time.thread_time()
        while not self._stop.wait(self.interval_s):
            self._sample(first=False)
        self._sample(first=False)
        self._sampler_cpu = time.thread_time() - t0

    def __enter__(self) -> TreeCpu:
        self._sample(first=True)
        self._own0 = time.process_time()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        own = time.process_time() - self._own0 - self._sampler_cpu
        others = sum(self._last[p] - self._first[p] for p in self._last)
        self.seconds = own + others
