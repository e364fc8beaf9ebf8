"""What an agent message does to its user: the kinds of message a reading tells apart, and
the reading itself (`Reading`).

- `ask`: a question seeking information;
- `confirm`: a yes/no question asking to go ahead or to accept a proposal;
- `cannot`: says the request cannot be met, and why; `cannot_unexplained`: without why;
- `recommend`: recommends an option without asking;
- `inform`: anything else (a status, a result, a closing word).

The order is the order of precedence: the first that applies is the message's kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Act = Literal["ask", "confirm", "cannot", "cannot_unexplained", "recommend", "inform"]
ACTS: tuple[Act, ...] = ("ask", "confirm", "cannot", "cannot_unexplained", "recommend", "inform")


@dataclass(frozen=True, slots=True)
class Reading:
    """How a user reads one agent message: its act (see above), the slots its questions
    name (or a go-ahead proposes), whether it holds an order summary, the options it lists,
    its deep links."""

    act: Act
    slots: tuple[str, ...] = ()
    summary: bool = False
    options: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    question: bool = False  # some sentence asks the user something

    @property
    def go_ahead(self) -> bool:
        """Is the message a yes/no go-ahead question?"""
        return self.act == "confirm"

    @property
    def refusal(self) -> bool:
        """Does the message say the request cannot be met (with or without a reason)?"""
        return self.act in ("cannot", "cannot_unexplained")
