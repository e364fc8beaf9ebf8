"""`EpisodeSlot`: the one episode a wire server serves at a time.

The runner's side puts a session in the slot and waits (`play`); the server's side finds it
(`live`, `next`), and ends it (`end`) when the agent says so or when the session is done.
Only the session's public surface (`protocol.Session`) passes through a slot: it never
holds the task. Episodes come one after another; nothing on the server's side can choose,
restart or open another one.
"""

from __future__ import annotations

import asyncio

from ticketbench.protocol import Session


class NoEpisode(Exception):
    """No episode is being played right now; the message says why (for the client).
    `final`: none will come any more (the slot is closed)."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


class EpisodeSlot:
    """Holds the session being played, its number, and how it ended (see the module doc)."""

    def __init__(self) -> None:
        self._session: Session | None = None
        self._number = 0  # episodes opened so far; the live one's number while it plays
        self._ended: asyncio.Future[None] | None = None
        self._changed = asyncio.Event()  # set whenever a session is opened or the slot closes
        self._closed: str | None = None  # why no episode will come any more
        self._results: dict[int, asyncio.Future[str]] = {}
        self.joined = False  # whether a client has reached the live episode

    @property
    def number(self) -> int:
        """The number of the live (or last) episode, from 1; 0 before the first."""
        return self._number

    async def play(self, session: Session) -> None:
        """Serve `session` until it is ended (`end`); re-raises what `fail` was given.

        Cancelling `play` (the runner's timeout) empties the slot, so later calls are
        refused instead of reaching a session that is being scored."""
        if self._session is not None:
            raise RuntimeError("the slot already serves an episode")
        loop = asyncio.get_running_loop()
        self._number += 1
        self._session = session
        self.joined = False
        self._ended = ended = loop.create_future()
        self._changed.set()
        self._changed = asyncio.Event()
        try:
            await ended
        finally:
            if self._ended is ended:
                self._session = None
                self._ended = None

    def live(self) -> Session:
        """The session being played, or `NoEpisode` saying why there is none."""
        if self._session is not None:
            self.joined = True
            return self._session
        raise self._idle()

    async def next(self, timeout_s: float | None = None) -> Session:
        """The live session, waiting up to `timeout_s` for one if none is being played."""
        deadline = None if timeout_s is None else asyncio.get_running_loop().time() + timeout_s
        while self._session is None:
            if self._closed is not None:
                raise self._idle()
            changed = self._changed
            remaining = None if deadline is None else deadline - asyncio.get_running_loop().time()
            if remaining is not None and remaining <= 0:
                raise self._idle()
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                raise self._idle() from None
        self.joined = True
        return self._session

    def end(self, error: BaseException | None = None) -> bool:
        """End the live episode (with `error`, `play` raises it); False if none was live."""
        ended = self._ended
        if ended is None or ended.done():
            return False
        self._session = None
        self._ended = None
        if error is None:
            ended.set_result(None)
        else:
            ended.set_exception(error)
        return True

    def close(self, reason: str) -> None:
        """No episode will come any more: waiting clients are told `reason`."""
        self._closed = reason
        self._changed.set()

    # --- results (shown to the client only where the server reveals them) -------------
    def result_of(self, number: int) -> asyncio.Future[str]:
        """A future for the one-line result of episode `number` (set by `post_result`)."""
        fut = self._results.get(number)
        if fut is None:
            fut = self._results[number] = asyncio.get_running_loop().create_future()
        return fut

    def post_result(self, number: int, text: str) -> None:
        """The scored result of episode `number`, for whoever waits on it."""
        fut = self.result_of(number)
        if not fut.done():
            fut.set_result(text)
        # keep only recent results: a long run must not grow without bound
        for old in [n for n in self._results if n < number - 8]:
            del self._results[old]

    def _idle(self) -> NoEpisode:
        if self._closed is not None:
            return NoEpisode(self._closed, final=True)
        if self._number:
            return NoEpisode("the episode is over; no episode is being played right now")
        return NoEpisode("no episode has started yet")


class SlotAgent:
    """An agent that plays each episode it is handed by serving it in `slot` (the agent of
    `ticketbench serve`: whoever is connected to the slot's server plays it)."""

    def __init__(self, slot: EpisodeSlot, transport: str) -> None:
        self.slot = slot
        self.transport = transport

    def describe(self) -> dict[str, str]:
        return {"kind": "external", "transport": f"mcp/{self.transport}"}

    async def run(self, session: Session) -> None:
        """Serve the episode until the client ends it or the session is done."""
        await self.slot.play(session)
