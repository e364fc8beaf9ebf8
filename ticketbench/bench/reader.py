"""How fast the simulated user reads an agent message (`ticketbench bench reader`).

Every message of the labelled corpus (`tests/data/reading/` in a checkout) is read with the
reader's cache cleared, several rounds; each message's best round counts (the machine is
shared: a slow round is another process's). Per-message p50/p99 and the mean, in
microseconds, and a cached read for comparison. The scripted user and scoring read every
agent message, so the target is a mean under 2 ms uncached.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from ticketbench.users.reading.corpus import CorpusError, load
from ticketbench.users.reading.reader import read

TARGET_MEAN_US = 2000.0


def run_bench(corpus: Path, rounds: int = 3) -> dict[str, Any]:
    """Read the corpus `rounds` times uncached; latency per message in microseconds."""
    texts = [m.text for f in sorted(corpus.glob("*.txt")) for m in load(f)]
    if not texts:
        raise CorpusError(f"{corpus}: no labelled messages (*.txt); pass --corpus")
    read(texts[0])  # the slot model and the patterns load once, outside the timing
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        read.cache_clear()
        for n, text in enumerate(texts):
            start = time.perf_counter()
            read(text)
            best[n] = min(best[n], (time.perf_counter() - start) * 1e6)
    start = time.perf_counter()
    for text in texts:
        read(text)
    cached = (time.perf_counter() - start) * 1e6 / len(texts)
    spans = sorted(best)
    mean = statistics.fmean(spans)
    return {
        "messages": len(texts),
        "rounds": rounds,
        "p50_us": round(spans[len(spans) // 2], 1),
        "p99_us": round(spans[min(len(spans) - 1, int(len(spans) * 0.99))], 1),
        "mean_us": round(mean, 1),
        "cached_us": round(cached, 2),
        "target_mean_us": TARGET_MEAN_US,
        "ok": mean <= TARGET_MEAN_US,
    }
