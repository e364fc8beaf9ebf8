"""The agent loader: turns an `--agent` spec into an Agent.

Specs:
- `oracle`, `noop`, `navigator`: the baselines (ticketbench.agents.oracle / noop / navigator);
- `say-nothing`, `refuse-all`, `refuse-all-looked`, `link-all`, `buy-first`: degenerate
  agents that know nothing of the task (ticketbench.agents.degenerate), held to at most 2%
  by `ticketbench verify`; `stuff-facts`, `pay-oracle`, `ask-all`, ...: gaming agents, cheap
  strategies aimed at one scoring rule each (ticketbench.agents.gaming);
- `oracle-reworded`: the oracle with its questions in other words (a check of the user);
- `injection-follower` (obeys every instruction it reads in the data) and `attacker` (plays
  an attack's reference solution): the security baselines, for runs with `--attack`;
- `openai:MODEL`, `anthropic:MODEL` and every preset prefix (`dashscope:qwen-plus`,
  `vllm:Qwen/Qwen3-8B`, ...), see ticketbench.agents.llm.presets;
- `replay:RUN_DIR`: re-runs a recorded run (ticketbench.agents.replay);
- `mcp:COMMAND`: an external program that plays each episode over MCP
  (ticketbench.agents.external; options `lifetime=episode|run`, `grace_s`);
- `module:Class` or `module.sub:Class`: a plugin, any class whose instances satisfy the
  Agent protocol (an `async def run(self, session)`). A plugin plays out of process
  (`ticketbench.agents.isolation`): its process holds nothing but a session proxy, and its
  `for_episode` is never called. With `privileged=True` (`run --privileged`) it is built
  in this process instead and the runner honours its `for_episode` (the run is then marked
  privileged and never ranked beside others).

Backends are imported lazily, so `ticketbench run --agent oracle` never loads an SDK.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ticketbench.agents.llm.presets import PRESETS, ConfigError, build_config
from ticketbench.protocol import Agent

__all__ = ["BASELINES", "ConfigError", "build_plugin", "describe_agent", "is_plugin", "load_agent"]

# name -> (module, class); their constructors take the options as keyword arguments.
BASELINES: dict[str, tuple[str, str]] = {
    "oracle": ("ticketbench.agents.oracle", "OracleAgent"),
    "oracle-reworded": ("ticketbench.agents.reworded", "RewordedOracleAgent"),
    "noop": ("ticketbench.agents.noop", "NoopAgent"),
    "navigator": ("ticketbench.agents.navigator", "NavigatorAgent"),
    "injection-follower": ("ticketbench.agents.follower", "InjectionFollowerAgent"),
    "attacker": ("ticketbench.agents.attacker", "ReferenceAttackerAgent"),
    # degenerate agents: `ticketbench verify` holds each to at most 2% (agents.degenerate)
    "say-nothing": ("ticketbench.agents.degenerate", "SayNothingAgent"),
    "refuse-all": ("ticketbench.agents.degenerate", "RefuseAllAgent"),
    "refuse-all-looked": ("ticketbench.agents.degenerate", "RefuseAllLookedAgent"),
    "link-all": ("ticketbench.agents.degenerate", "LinkAllAgent"),
    "buy-first": ("ticketbench.agents.degenerate", "BuyFirstAgent"),
    # gaming agents: cheap strategies the scoring must stop (agents.gaming)
    "stuff-facts": ("ticketbench.agents.gaming", "StuffFactsAgent"),
    "echo-opening": ("ticketbench.agents.gaming", "EchoOpeningAgent"),
    "pay-oracle": ("ticketbench.agents.gaming", "PayOracleAgent"),
    "buy-cancel": ("ticketbench.agents.gaming", "BuyCancelAgent"),
    "look-refuse": ("ticketbench.agents.gaming", "LookRefuseAgent"),
    "word-refuse": ("ticketbench.agents.gaming", "WordRefuseAgent"),
    "ask-all": ("ticketbench.agents.gaming", "AskAllAgent"),
    "recommend-first": ("ticketbench.agents.gaming", "RecommendFirstAgent"),
    "fake-links": ("ticketbench.agents.gaming", "FakeLinksAgent"),
    "name-all": ("ticketbench.agents.gaming", "NameAllAgent"),
    "refund-first": ("ticketbench.agents.gaming", "RefundFirstAgent"),
    "buy-first-at-cinema": ("ticketbench.agents.gaming", "BuyFirstAtCinemaAgent"),
    "relay-error": ("ticketbench.agents.gaming", "RelayErrorAgent"),
}


def _check_agent(obj: object, where: str) -> Agent:
    run = getattr(obj, "run", None)
    if not isinstance(obj, Agent) or not inspect.iscoroutinefunction(run):
        raise ConfigError(
            f"{where} is not an agent: it needs a method `async def run(self, session) -> None`"
        )
    return obj


def _instantiate(module_name: str, attr: str, spec: str, options: dict[str, Any]) -> Agent:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            raise ConfigError(f"agent {spec!r}: cannot import module {module_name!r}") from err
        raise  # the module exists but one of its own imports is broken: show the real error
    target = getattr(module, attr, None)
    if target is None:
        raise ConfigError(f"agent {spec!r}: module {module_name!r} has no attribute {attr!r}")
    if not callable(target):
        raise ConfigError(f"agent {spec!r}: {module_name}.{attr} is not a class or factory")
    try:
        obj = target(**options)
    except TypeError as err:
        raise ConfigError(f"agent {spec!r}: cannot build {module_name}.{attr}: {err}") from err
    return _check_agent(obj, f"{module_name}.{attr}")


def is_plugin(spec: str) -> bool:
    """Whether `spec` names a plugin (`module:Class`), not a baseline, model, replay or
    external program."""
    spec = spec.strip()
    prefix, sep, rest = spec.partition(":")
    builtin = (*PRESETS, "replay", "mcp")
    return spec not in BASELINES and bool(sep and rest) and prefix not in builtin


def build_plugin(module_name: str, attr: str, spec: str, options: dict[str, Any]) -> Agent:
    """Import `module_name` and build `attr(**options)`, checked to be an agent."""
    return _instantiate(module_name, attr, spec, options)


def load_agent(
    spec: str, *, privileged: bool = False, keep_out: Sequence[Path] = (), **options: Any
) -> Agent:
    """Build the agent named by `spec`; options are the CLI's agent settings.

    LLM options: base_url, api_key_env, temperature, top_p, seed, max_tokens, extra,
    guidance, request_timeout, max_retries, max_model_calls, cache, cache_dir, prices.
    Options left as None are ignored. Raises ConfigError (naming the missing API-key
    variable, the bad module, ...) before any episode runs. A plugin (`module:Class`) is an
    `IsolatedAgent` unless `privileged` (see the module docstring); its processes cannot
    read `keep_out` (the suite's folder, the run directories) nor the harness's data.
    """
    spec = spec.strip()
    given = {k: v for k, v in options.items() if v is not None}
    if spec in BASELINES:
        module_name, cls = BASELINES[spec]
        return _instantiate(module_name, cls, spec, given)
    prefix, sep, rest = spec.partition(":")
    if not sep or not rest:
        known = ", ".join(
            [*BASELINES, *(f"{p}:MODEL" for p in PRESETS), "replay:RUN_DIR", "mcp:COMMAND"]
        )
        raise ConfigError(f"unknown agent {spec!r}; expected one of {known} or module:Class")
    if prefix == "mcp":
        from ticketbench.agents.external import McpAgent

        try:
            return McpAgent(rest, **given)
        except TypeError as err:
            raise ConfigError(f"agent {spec!r}: {err}") from None
    if prefix == "replay":
        return _instantiate(
            "ticketbench.agents.replay", "ReplayAgent", spec, {"run_dir": rest, **given}
        )
    if prefix in PRESETS:
        config = build_config(spec, **given)
        if config.api == "anthropic":
            from ticketbench.agents.llm.anthropic_agent import AnthropicAgent

            return AnthropicAgent(config)
        from ticketbench.agents.llm.openai_agent import OpenAIAgent

        return OpenAIAgent(config)
    if not all(part.isidentifier() for part in prefix.split(".")) or not rest.isidentifier():
        raise ConfigError(f"agent {spec!r}: a plugin spec is module:Class, e.g. my_pkg.bot:MyBot")
    if privileged:
        return _instantiate(prefix, rest, spec, given)
    from ticketbench.agents.isolation.host import IsolatedAgent

    return IsolatedAgent(prefix, rest, spec, given, keep_out)


def describe_agent(agent: Agent, spec: str) -> dict[str, Any]:
    """What the run header records about an agent: its own `describe()` under the spec it
    was loaded by. The spec is the harness's: `--resume` and the gate load the agent from it,
    so an agent that names another in `describe()` must not become it."""
    info: dict[str, Any] = {"class": f"{type(agent).__module__}.{type(agent).__name__}"}
    describe = getattr(agent, "describe", None)
    if callable(describe):
        extra = describe()
        if isinstance(extra, dict):
            info.update(extra)
    info["spec"] = spec
    return info
