"""What worker processes of `--executor process` start from (the forkserver's preload).

The forkserver imports this module once, so every worker it forks starts with the harness
imported and the world loaded, shared copy-on-write: a worker is ready in milliseconds,
not after an interpreter start and a world load.
"""

from __future__ import annotations

from ticketbench.env.world import load_world
from ticketbench.runner import process  # noqa: F401  (the workers' code, imported once)

load_world()
