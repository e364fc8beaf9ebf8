"""Security: injection tasks (attacker goals), attack styles, where to plant them in the data
a user task reads, and the checks that tell whether the attacker got what it wanted.

An attack is a run-time overlay on any user task (`ticketbench run --attack STYLE[:GOAL]`):
planned per episode from its seed, planted into the episode's store at setup, judged on
the end state and the trajectory. See README "Security" for the metrics.
"""

from __future__ import annotations

from ticketbench.attacks.goals import GOALS, AttackGoal
from ticketbench.attacks.plan import (
    ALL,
    AttackSpec,
    AttackSpecError,
    apply_attack,
    judge,
    parse_spec,
    plan_attack,
)
from ticketbench.attacks.styles import STYLES, AttackStyle
from ticketbench.records import AttackPlan, AttackRecord, AttackVerdict, Planted, Victim

__all__ = [
    "ALL",
    "GOALS",
    "STYLES",
    "AttackGoal",
    "AttackPlan",
    "AttackRecord",
    "AttackSpec",
    "AttackSpecError",
    "AttackStyle",
    "AttackVerdict",
    "Planted",
    "Victim",
    "apply_attack",
    "judge",
    "parse_spec",
    "plan_attack",
]
