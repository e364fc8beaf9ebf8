"""The episode timeout: agent time, not API waiting time, and enforced even on a blocked loop.

`--timeout` bounds the time an agent spends of its own: wall time minus the time it spends
inside `protocol.api_wait()` (model requests, with the SDK's retries and Retry-After waits).
A slow or rate-limited API thus never becomes an agent timeout. The exemption is capped
(`MAX_WAIT_FACTOR` x the timeout, at least `MIN_WAIT_CAP_S`), so an agent cannot escape the
limit by waiting forever.

Two mechanisms enforce it:
- an `asyncio.Timeout` whose deadline moves past each API wait (the common case: the agent
  awaits something, and the loop cancels it);
- a watchdog thread for agents that block the event loop (`time.sleep`, a CPU loop, a
  blocking socket): when an episode is past its deadline and the loop has not cancelled it,
  the thread sends `WATCHDOG_SIGNAL` to the main thread, whose handler raises
  `EpisodeTimeout` inside the blocked episode (signals interrupt `time.sleep` and blocking
  I/O). Code that blocks inside C without returning to Python cannot be stopped this way;
  agents run out of process can always be killed.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

MAX_WAIT_FACTOR = 10.0
MIN_WAIT_CAP_S = 900.0
WATCHDOG_SIGNAL = signal.SIGUSR2
GRACE_S = 0.5  # past the deadline before the watchdog steps in (the loop usually acts first)
TICK_S = 0.1


class EpisodeTimeout(BaseException):
    """Raised inside an agent that blocked past its episode's timeout.

    A BaseException, so that an agent's `except Exception` does not swallow it."""


class EpisodeClock:
    """The agent time of one episode (see the module docstring)."""

    def __init__(self, timeout_s: float | None) -> None:
        self.timeout_s = timeout_s
        self._cap = (
            max(MAX_WAIT_FACTOR * timeout_s, MIN_WAIT_CAP_S) if timeout_s is not None else 0.0
        )
        self._t0 = time.monotonic()
        self._waited = 0.0
        self._depth = 0
        self._wait_t0 = 0.0
        self._timeout: asyncio.Timeout | None = None

    def agent_seconds(self, now: float | None = None) -> float:
        """Wall time so far minus the (capped) time spent waiting on APIs."""
        now = time.monotonic() if now is None else now
        waited = self._waited
        if self._depth:
            waited += now - self._wait_t0
        return now - self._t0 - min(waited, self._cap)

    def expired(self, grace: float = 0.0) -> bool:
        if self.timeout_s is None:
            return False
        return self.agent_seconds() > self.timeout_s + grace

    def _deadline(self) -> float | None:
        """The loop time at which the timeout fires, given the waits so far."""
        if self.timeout_s is None:
            return None
        now = time.monotonic()
        left = self.timeout_s - self.agent_seconds(now)
        if self._depth:  # waiting: the clock stands still until the cap is used up
            left += max(0.0, self._cap - self._waited - (now - self._wait_t0))
        return asyncio.get_running_loop().time() + max(left, 0.0)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Time inside does not count (up to the cap); used through `protocol.api_wait`."""
        if self._depth == 0:
            self._wait_t0 = time.monotonic()
        self._depth += 1
        self._reschedule()
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._waited += time.monotonic() - self._wait_t0
            self._reschedule()

    def _reschedule(self) -> None:
        cm = self._timeout
        if cm is not None and not cm.expired():
            cm.reschedule(self._deadline())

    @contextmanager
    def enforced(self, cm: asyncio.Timeout) -> Iterator[None]:
        """Bind the clock to the episode's `asyncio.timeout` and to the watchdog."""
        self._timeout = cm
        cm.reschedule(self._deadline())
        task = asyncio.current_task()
        if task is not None:
            _WATCHDOG.register(task, self)
        try:
            yield
        finally:
            if task is not None:
                _WATCHDOG.unregister(task)
            self._timeout = None


class _Watchdog:
    """One thread per process while an executor runs (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._episodes: dict[asyncio.Task[object], EpisodeClock] = {}
        self._users = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._old_handler: object = None

    def register(self, task: asyncio.Task[object], clock: EpisodeClock) -> None:
        with self._lock:
            self._episodes[task] = clock

    def unregister(self, task: asyncio.Task[object]) -> None:
        with self._lock:
            self._episodes.pop(task, None)

    @contextmanager
    def active(self) -> Iterator[None]:
        """Run the watchdog while the block runs (only from the main thread; elsewhere the
        asyncio timeout alone applies)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        with self._lock:
            self._users += 1
            first = self._users == 1
        if first:
            self._old_handler = signal.signal(WATCHDOG_SIGNAL, self._on_signal)
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="episode-watchdog")
            self._thread.daemon = True
            self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                last = self._users == 0
            if last:
                self._stop.set()
                if self._thread is not None:
                    self._thread.join()
                signal.signal(WATCHDOG_SIGNAL, self._old_handler)  # type: ignore[arg-type]

    def _watch(self) -> None:
        main = threading.main_thread().ident
        fired: dict[int, float] = {}
        while not self._stop.wait(TICK_S):
            with self._lock:
                late = [id(t) for t, c in self._episodes.items() if c.expired(GRACE_S)]
            now = time.monotonic()
            if late and main is not None and any(now - fired.get(k, 0.0) > 1.0 for k in late):
                for k in late:
                    fired[k] = now
                signal.pthread_kill(main, WATCHDOG_SIGNAL)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no running loop in this thread right now
            return
        if task is None:
            return
        with self._lock:
            clock = self._episodes.get(task)
        if clock is not None and clock.expired():
            raise EpisodeTimeout(f"blocked past the {clock.timeout_s:g} s timeout")


_WATCHDOG = _Watchdog()


def watchdog() -> _Watchdog:
    """The process's watchdog; executors wrap their event loop in `watchdog().active()`."""
    return _WATCHDOG
