"""Named backends (base URL + API-key variable) and the settings of an LLM agent.

A spec is `PRESET:MODEL`, e.g. `openai:gpt-4.1-mini`, `dashscope:qwen-plus`,
`vllm:Qwen/Qwen3-8B`, `anthropic:claude-sonnet-4-5`. `--base-url` overrides the preset's
URL. The API key is read from the environment when the agent is built, so a missing key
fails before the run starts, naming the variable; local servers need none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "PRESETS",
    "AgentConfig",
    "ConfigError",
    "Preset",
    "build_config",
    "configured_secrets",
    "option_secrets",
    "resolve_api_key",
]


class ConfigError(ValueError):
    """A bad agent spec or missing credentials; raised before any episode runs."""


class Preset(BaseModel):
    """A provider: which SDK speaks to it, where it lives and which variable holds the key."""

    model_config = ConfigDict(frozen=True)
    name: str
    api: Literal["openai", "anthropic"]
    base_url: str
    api_key_env: str
    local: bool = False  # key optional (defaults to `default_key`) and everything costs 0
    default_key: str = "EMPTY"
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    echo_reasoning: bool = False
    docs: str = ""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            name="openai",
            api="openai",
            base_url="https://api.openai.com/v1",
            api_key_env="OPENAI_API_KEY",
            max_tokens_param="max_completion_tokens",
            docs="https://platform.openai.com/docs/api-reference/chat",
        ),
        Preset(
            name="dashscope",
            api="openai",
            base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
            api_key_env="DASHSCOPE_API_KEY",
            docs="https://help.aliyun.com/zh/model-studio/compatibility-of-openai-with-dashscope",
        ),
        Preset(
            name="qwen",
            api="openai",
            base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
            api_key_env="DASHSCOPE_API_KEY",
            docs="alias of dashscope",
        ),
        Preset(
            name="deepseek",
            api="openai",
            base_url="https://api.deepseek.com",
            api_key_env="DEEPSEEK_API_KEY",
            echo_reasoning=True,  # thinking mode 400s without it on tool-call turns
            docs="https://api-docs.deepseek.com/",
        ),
        Preset(
            name="vllm",
            api="openai",
            base_url="http://localhost:8000/v1",
            api_key_env="VLLM_API_KEY",
            local=True,
            docs="vllm serve MODEL --enable-auto-tool-choice --tool-call-parser hermes",
        ),
        Preset(
            name="ollama",
            api="openai",
            base_url="http://localhost:11434/v1",
            api_key_env="OLLAMA_API_KEY",
            local=True,
            default_key="ollama",
            docs="https://github.com/ollama/ollama/blob/main/docs/openai.md",
        ),
        Preset(
            name="llamacpp",
            api="openai",
            base_url="http://localhost:8080/v1",
            api_key_env="LLAMACPP_API_KEY",
            local=True,
            docs="llama-server -m MODEL.gguf --jinja",
        ),
        Preset(
            name="anthropic",
            api="anthropic",
            base_url="https://api.anthropic.com",
            api_key_env="ANTHROPIC_API_KEY",
            docs="https://docs.anthropic.com/en/api/messages",
        ),
    ]
}


DEFAULT_MAX_TOKENS = 4096  # output tokens per model call (ample for a ticketing turn)


class AgentConfig(BaseModel):
    """Everything that shapes an LLM agent's requests; recorded in the run header.

    The key itself is never stored, only the variable it came from.
    """

    model_config = ConfigDict(extra="forbid")
    preset: str
    api: Literal["openai", "anthropic"]
    model: str
    base_url: str
    api_key_env: str | None = None
    local: bool = False
    temperature: float | None = None  # None: the server's default (some models reject it)
    top_p: float | None = None
    seed: int | None = None  # OpenAI-compatible only; Anthropic has no seed
    # Output tokens per model call. Always sent: a model that never stops would otherwise
    # generate up to the context limit and hold a one-slot local server for minutes.
    max_tokens: int = Field(DEFAULT_MAX_TOKENS, ge=1)
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    # Send `reasoning_content` back on assistant tool-call messages (DeepSeek thinking mode
    # requires it; other servers may reject the unknown field, so it is opt-in).
    echo_reasoning: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)  # merged into every request body
    guidance: str | None = None  # replaces the default agent guidance appended to the policy
    request_timeout: float = 120.0  # seconds per HTTP request
    max_retries: int = 2  # SDK retries (429 honours Retry-After, 5xx, timeouts)
    max_model_calls: int = 200  # safety cap per episode on top of the session's own limits
    cache: Literal["on", "off", "refresh"] = "off"
    cache_dir: str = ".ticketbench/cache"
    prices: str | None = None  # TOML/JSON file overriding the price table


def _is_local_url(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".local")


def build_config(spec: str, **options: Any) -> AgentConfig:
    """Parse `PRESET:MODEL` plus CLI options (`base_url`, `temperature`, ...) into a config."""
    prefix, sep, model = spec.partition(":")
    if not sep or not model:
        raise ConfigError(f"agent spec {spec!r} must look like PRESET:MODEL, e.g. openai:gpt-4.1")
    preset = PRESETS.get(prefix)
    if preset is None:
        known = ", ".join(sorted(PRESETS))
        raise ConfigError(f"unknown backend {prefix!r} in {spec!r}; known: {known}")
    opts = {k: v for k, v in options.items() if v is not None}
    base_url = str(opts.pop("base_url", preset.base_url))
    local = preset.local or _is_local_url(base_url)
    values: dict[str, Any] = {
        "preset": preset.name,
        "api": preset.api,
        "model": model,
        "base_url": base_url,
        "api_key_env": opts.pop("api_key_env", preset.api_key_env),
        "local": local,
        "max_tokens_param": preset.max_tokens_param,
        "echo_reasoning": preset.echo_reasoning,
    }
    values.update(opts)
    try:
        return AgentConfig.model_validate(values)
    except ValidationError as err:
        # One line, and never the rejected value: it may be a key typed on the command line.
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'options'}: {_problem(e)}"
            for e in err.errors()
        )
        raise ConfigError(f"bad options for {spec!r}: {problems}") from None


def _problem(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        name = str(error["loc"][-1]) if error["loc"] else ""
        if _looks_secret(name):
            return "keys are read from the environment, not options (use api_key_env=NAME)"
        return "not an option"
    return str(error["msg"])


def resolve_api_key(config: AgentConfig) -> str:
    """The key from the environment; local servers fall back to a placeholder.

    Raises ConfigError naming the variable, so a run without a key fails before it starts.
    """
    env = config.api_key_env
    key = os.environ.get(env, "").strip() if env else ""
    if key:
        return key
    if config.local:
        preset = PRESETS.get(config.preset)
        return preset.default_key if preset else "EMPTY"
    raise ConfigError(
        f"{config.preset}:{config.model} needs an API key: set the environment variable "
        f"{env or '(none configured)'} (or read another one with --agent-opt api_key_env=NAME)"
    )


_SECRET_NAMES = ("API_KEY", "APIKEY", "TOKEN", "SECRET", "PASSWORD", "ACCESS_KEY")


def _looks_secret(name: str) -> bool:
    upper = name.upper().replace("-", "_")
    return any(part in upper for part in _SECRET_NAMES) or upper in ("KEY", "AUTH")


def option_secrets(options: Mapping[str, Any]) -> list[str]:
    """Values of agent options whose names say they hold a key, token, secret or password
    (a plugin's `--agent-opt token=...`): writers scrub them like environment secrets."""
    return sorted(str(v) for k, v in options.items() if _looks_secret(k) and len(str(v)) >= 6)


def configured_secrets(environ: dict[str, str] | None = None) -> list[str]:
    """Every secret this process could send: the values of the presets' key variables and of
    any variable whose name says it holds a key, token, secret or password.

    Writers scrub these from everything they put on disk (records, headers, reports), so an
    error body that echoes the key is never stored. Placeholders of local servers are not
    secrets.
    """
    env = dict(os.environ) if environ is None else environ
    names = {p.api_key_env for p in PRESETS.values()}
    names.update(k for k in env if any(part in k.upper() for part in _SECRET_NAMES))
    placeholders = {p.default_key for p in PRESETS.values()}
    values = {env.get(n, "").strip() for n in names}
    return sorted(v for v in values if len(v) >= 6 and v not in placeholders)
