"""What the OpenAI and Anthropic agents share: settings, key check, cache, cost, faults.

One agent object may play many episodes at once (the runner's concurrency), so all
per-episode state lives in `run()` locals; only totals are kept on the instance.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

from ticketbench.agents.llm.cache import ResponseCache, request_key
from ticketbench.agents.llm.faults import AgentFaults, classify, report_fault
from ticketbench.agents.llm.presets import AgentConfig, resolve_api_key
from ticketbench.agents.llm.prices import PriceTable, load_prices
from ticketbench.protocol import InfraError, Session, Usage, api_wait

__all__ = ["DEFAULT_GUIDANCE", "EMPTY_RETRIES", "LLMAgentBase", "system_prompt"]

EMPTY_RETRIES = 1  # an empty completion is re-asked once, then the agent gives up its turn

DEFAULT_GUIDANCE = """\
## How this conversation works
You are the assistant in a ticketing app, chatting with one user; the tools look things up
and act. A message without a tool call goes to the user, and their reply comes back.
"""


def system_prompt(policy: str, guidance: str | None) -> str:
    """The env's policy followed by the agent guidance (the tools travel as `tools=`)."""
    extra = DEFAULT_GUIDANCE if guidance is None else guidance
    return f"{policy.rstrip()}\n\n{extra}".rstrip() + "\n"


class LLMAgentBase:
    """Settings, credentials, response cache, pricing and fault totals of an LLM agent."""

    api_name = "llm"  # part of the cache key: responses of different APIs never mix

    def __init__(
        self,
        config: AgentConfig,
        *,
        api_key: str | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.config = config
        # Resolved now so that a missing key fails before the run starts.
        self._api_key = api_key if api_key is not None else resolve_api_key(config)
        self.prices: PriceTable = load_prices(config.prices, free=config.local)
        directory = Path(cache_dir) if cache_dir is not None else Path(config.cache_dir)
        self.cache = ResponseCache(directory, config.cache)
        self.faults = AgentFaults()  # totals over all episodes played by this object
        self.model_calls = 0
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, Any]] = {}

    def describe(self) -> dict[str, Any]:
        """Settings for the run header (no secrets), with price and cache info."""
        info: dict[str, Any] = {"backend": self.api_name}
        info.update(self.config.model_dump())
        info.update(self.prices.describe(self.config.model))
        info["cache"] = self.cache.describe()
        if self.prices.unknown:
            info["unknown_price_models"] = sorted(self.prices.unknown)
        return info

    def _client_options(self) -> dict[str, Any]:
        """The connection settings both SDKs' clients take."""
        return {
            "api_key": self._api_key,
            "base_url": self.config.base_url,
            "timeout": self.config.request_timeout,
            "max_retries": self.config.max_retries,
        }

    def _client_for_loop(self, factory: Callable[[], Any]) -> Any:
        # httpx connection pools belong to the event loop that opened them; holding the
        # loop itself (not just its id) rules out a recycled id matching a dead loop.
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            entry = (loop, factory())
            self._clients[id(loop)] = entry
        return entry[1]

    async def aclose(self) -> None:
        """Close the HTTP clients this agent opened in the running event loop.

        Call it once the episodes are over (the runner: after the last one).
        """
        loop = asyncio.get_running_loop()
        entry = self._clients.pop(id(loop), None)
        if entry is not None and entry[0] is loop:
            await entry[1].close()
        # Clients of other, finished loops cannot be closed from here; just drop them.
        self._clients = {k: v for k, v in self._clients.items() if not v[0].is_closed()}

    tool_choice_auto: ClassVar[Any] = "auto"  # the API's way of saying "the model decides"

    def _add_options(self, body: dict[str, Any], tools: list[dict[str, Any]]) -> None:
        """Add the tools (when there are any) and the sampling settings that are set.

        `tool_choice` is sent as "auto" whenever tools are: it is every API's default, but
        some servers (llama-cpp-python's chatml-function-calling) ignore the tools without
        it."""
        if tools:  # some servers reject `tools: []`
            body["tools"] = tools
            body["tool_choice"] = self.tool_choice_auto
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        if self.config.top_p is not None:
            body["top_p"] = self.config.top_p

    async def run(self, session: Session) -> None:
        """Play one episode (see the agent module's docstring for the loop)."""
        faults = AgentFaults()
        try:
            await self._run(session, faults)
        finally:
            self.faults.add(faults)

    async def _run(self, session: Session, faults: AgentFaults) -> None:
        raise NotImplementedError

    def _out_of_calls(self, session: Session, faults: AgentFaults, calls: int) -> bool:
        """True, with a `gave_up` fault, once the episode has used its model calls."""
        if calls < self.config.max_model_calls:
            return False
        report_fault(session, faults, "gave_up", f"{calls} model calls in one episode")
        return True

    @staticmethod
    def _gives_up_on_empty(
        session: Session, faults: AgentFaults, empty_streak: int, detail: str
    ) -> bool:
        """Count an empty completion; True (a `gave_up` fault) once retries are used up."""
        report_fault(session, faults, "empty_completions", detail)
        if empty_streak < EMPTY_RETRIES:
            return False
        report_fault(session, faults, "gave_up", "repeated empty completions")
        return True

    def _cache_key(self, body: dict[str, Any], attempt: int) -> str:
        return request_key(
            {
                "api": self.api_name,
                "base_url": self.config.base_url,
                "body": body,
                "attempt": attempt,  # a retried turn must not replay the answer it retries
            }
        )

    async def _fetch(
        self,
        body: dict[str, Any],
        attempt: int,
        send: Callable[[], Awaitable[dict[str, Any]]],
    ) -> tuple[dict[str, Any], bool]:
        """The raw response JSON for `body`, from the cache or the API; (json, from_cache)."""
        key = self._cache_key(body, attempt)
        cached = self.cache.get(key)
        if cached is not None:
            return cached, True
        try:
            with api_wait():  # waiting on the API (retries too) is not the agent's time
                data = await send()
        except Exception as exc:
            infra = classify(exc)
            if infra is None:  # not an API failure: a bug, let it surface
                raise
            if infra.kind in ("connection", "timeout"):
                infra = InfraError(
                    infra.kind, f"{infra.message} ({self.config.base_url})", infra.retry_after
                )
            raise infra from exc
        self.model_calls += 1
        self.cache.put(key, data, {"model": self.config.model, "base_url": self.config.base_url})
        return data, False

    async def check(self) -> None:
        """Check the endpoint once before the first episode: it must answer, and accept the
        key. Raises `InfraError` (`connection`, `timeout`, `auth`) otherwise; any other
        answer (a 404 from a server without a model list) counts as alive. With `--cache on`
        a rerun may need no server at all, so nothing is checked."""
        if self.cache.mode == "on":
            return
        try:
            await self._ping()
        except Exception as exc:
            infra = classify(exc)
            if infra is None:
                raise
            if infra.kind == "auth":
                var = self.config.api_key_env or "the API key"
                raise InfraError(
                    "auth",
                    f"{self.config.base_url} rejected the key ({infra.message}); check {var}",
                ) from exc
            if infra.kind in ("connection", "timeout"):
                raise InfraError(
                    infra.kind, f"cannot reach {self.config.base_url}: {infra.message}"
                ) from exc

    async def _ping(self) -> None:
        """One cheap authenticated request without retries (the model list)."""
        raise NotImplementedError

    def _usage(
        self, input_tokens: int, output_tokens: int, cached_tokens: int, from_cache: bool
    ) -> Usage:
        # A cached response costs nothing: the tokens were paid for by the run that stored it.
        cost = (
            0.0
            if from_cache
            else self.prices.cost(self.config.model, input_tokens, output_tokens, cached_tokens)
        )
        return Usage(
            model=self.config.model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cached_tokens=cached_tokens,
            cost_usd=cost,
            from_cache=from_cache,
        )


def raw_json(payload: object, what: str) -> dict[str, Any]:
    """Check that a response body is a JSON object; anything else is the server's fault."""
    if not isinstance(payload, dict):
        raise InfraError("server_error", f"{what}: response body is not a JSON object")
    return payload
