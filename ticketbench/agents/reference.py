"""The structural view of a task that the privileged baselines read (no suite import).

Agents sit beside the suite, not above it: the oracle and navigator are typed against
these protocols, which `ticketbench.suite.spec.Task` satisfies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class RefStep(Protocol):
    """One step of a reference solution (call / ask / say / pay)."""

    @property
    def kind(self) -> str: ...
    @property
    def tool(self) -> str: ...
    @property
    def args(self) -> Mapping[str, Any]: ...
    @property
    def text(self) -> str: ...
    @property
    def slot(self) -> str | None: ...


class HasReference(Protocol):
    """A task as the baselines see it: its locale and reference solution."""

    @property
    def locale(self) -> str: ...
    @property
    def reference(self) -> Sequence[RefStep]: ...
