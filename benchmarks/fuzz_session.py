"""The 100,000-call fuzz of the public session API (see `ticketbench.bench.fuzz`).

    python benchmarks/fuzz_session.py [--calls N] [--seed S]

is `ticketbench bench fuzz --json`: it prints the counts and exits 1 on any escape or
invariant break. The README quotes its figure.
"""

from __future__ import annotations

import sys

from ticketbench.cli import app

if __name__ == "__main__":
    sys.exit(app(["bench", "fuzz", "--json", *sys.argv[1:]]))
