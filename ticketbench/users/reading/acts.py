"""What an agent message does to its user: the kinds of message a reading tells apart.

- `ask`: a question seeking information;
- `confirm`: a yes/no question asking to go ahead or to accept a proposal;
- `cannot`: says the request cannot be met, and why; `cannot_unexplained`: without why;
- `recommend`: recommends an option without asking;
- `inform`: anything else (a status, a result, a closing word).

The order is the order of precedence: the first that applies is the message's kind.
"""

from __future__ import annotations

from typing import Literal

Act = Literal["ask", "confirm", "cannot", "cannot_unexplained", "recommend", "inform"]
ACTS: tuple[Act, ...] = ("ask", "confirm", "cannot", "cannot_unexplained", "recommend", "inform")
