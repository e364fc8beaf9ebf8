"""The task templates, one module per category; importing this package registers them all.

`TEMPLATES` maps a template name to its `Template` (see `base.py`); the generator draws
tasks from it.
"""

from __future__ import annotations

from ticketbench.suite.templates import (
    adversarial,
    after_purchase,
    composite,
    infeasible,
    live_event,
    movie,
    pricing,
    seating,
    special,
)
from ticketbench.suite.templates.base import TEMPLATES, Ctx, Template

__all__ = [
    "TEMPLATES",
    "Ctx",
    "Template",
    "adversarial",
    "after_purchase",
    "composite",
    "infeasible",
    "live_event",
    "movie",
    "pricing",
    "seating",
    "special",
]
