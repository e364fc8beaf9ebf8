"""`noop`: says it cannot help and does nothing else (the floor of every metric)."""

from __future__ import annotations

import re

from ticketbench.protocol import Session

_CJK = re.compile(r"[\u3400-\u9fff]")


class NoopAgent:
    """Replies once that it cannot help, in the user's language."""

    def describe(self) -> dict[str, str]:
        return {"kind": "baseline"}

    async def run(self, session: Session) -> None:
        """Send one refusal and stop."""
        if _CJK.search(session.opening):
            await session.say("抱歉，我无法帮您处理这个请求。")
        else:
            await session.say("Sorry, I can't help with that.")
