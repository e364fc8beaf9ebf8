"""`LocalHttp`: an MCP server on streamable HTTP at 127.0.0.1, started and stopped in the
caller's event loop (uvicorn, with the caller's signal handlers left alone).

`path` defaults to a random secret (`/<token>/mcp`): only a process handed the URL can
reach the episode, not a neighbour scanning local ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
from collections.abc import Iterator

import uvicorn
from mcp.server.mcpserver import MCPServer

HOST = "127.0.0.1"
STOP_WAIT_S = 2.0  # for open connections to finish before they are cut


class _QuietServer(uvicorn.Server):
    """uvicorn without its own SIGINT/SIGTERM handlers (the run's Ctrl-C handling stays)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class LocalHttp:
    """Serves `server` on `HOST:port` (0: a free port) at `path` (None: a secret one)."""

    def __init__(self, server: MCPServer[object], *, port: int = 0, path: str | None = None):
        self.path = path if path is not None else f"/{secrets.token_urlsafe(16)}/mcp"
        app = server.streamable_http_app(
            streamable_http_path=self.path, host=HOST, json_response=True
        )
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self._uvicorn = _QuietServer(config)
        self._port = port
        self._sock: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The endpoint's URL (once started)."""
        if self._sock is None:
            raise RuntimeError("the server is not started")
        return f"http://{HOST}:{self._sock.getsockname()[1]}{self.path}"

    async def start(self) -> str:
        """Bind, serve in the background, and return the URL once requests are answered."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it, a response's header and body writes
        # meet the client's delayed ACK and every call waits ~40 ms (measured: 48 -> 0.2 ms).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((HOST, self._port))
        except OSError:
            sock.close()
            raise
        self._sock = sock
        self._task = asyncio.ensure_future(self._uvicorn.serve(sockets=[sock]))
        while not self._uvicorn.started:
            if self._task.done():
                self._task.result()  # raises what stopped it
                raise RuntimeError("the HTTP server stopped while starting")
            await asyncio.sleep(0.005)
        return self.url

    async def stop(self) -> None:
        """Stop serving (connections still open after STOP_WAIT_S are cut), release the port."""
        task = self._task
        if task is None:
            return
        self._uvicorn.should_exit = True
        done, _ = await asyncio.wait({task}, timeout=STOP_WAIT_S)
        if not done:  # a client holds a stream open: cut it
            self._uvicorn.force_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self._task = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def wait(self) -> None:
        """Until the server stops."""
        if self._task is not None:
            await self._task
