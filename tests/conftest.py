"""Fixtures shared by test modules: the loaded world, and the scripted fake model server
for the tests that talk HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fakeserver import CHAT, MESSAGES, FakeServer
from llmkit import OPENED

from ticketbench.env.world import World, load_world


@pytest.fixture(scope="session")
def world() -> World:
    """The base world, loaded once (tests copy it into envs; none changes it)."""
    return load_world()


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeServer]:
    """One fake server per test module."""
    with FakeServer.running() as server:
        yield server


@pytest.fixture
def server(module_server: FakeServer) -> Iterator[FakeServer]:
    """The module's server for one test.

    Afterwards every scripted reply must have been used and no request may have found the
    script empty; the test's replies and recorded requests are dropped either way, so a
    failed test leaves nothing to the next one.
    """
    start = len(module_server.requests)
    yield module_server
    left = {path: module_server.pending(path) for path in (CHAT, MESSAGES)}
    unscripted = module_server.unscripted
    module_server.clear()
    del module_server.requests[start:]
    assert left == {CHAT: 0, MESSAGES: 0}, "scripted replies left unused"
    assert unscripted == 0


@pytest.fixture
async def close_agents() -> AsyncIterator[None]:
    """Close the HTTP clients of the agents `llmkit.fake_agent` opened, in the test's loop."""
    yield
    while OPENED:
        await OPENED.pop().aclose()
