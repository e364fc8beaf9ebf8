"""Per-model prices (USD per 1M tokens) and the cost of one response.

The built-in table is a convenience with list prices as of late 2025; providers change
them, so users can override or extend it with a TOML or JSON file (`--prices FILE`):

    [models."gpt-4.1-mini"]          # or JSON: {"models": {"gpt-4.1-mini": {...}}}
    input = 0.40
    output = 1.60
    cached = 0.10                    # optional; defaults to the input price

An unknown model costs 0 and is flagged (`PriceTable.unknown`) so the run header says so.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["DEFAULT_PRICES", "Price", "PriceTable", "load_prices"]


class Price(BaseModel):
    """USD per 1M tokens. `cached` is the price of prompt tokens read from a prompt cache."""

    model_config = ConfigDict(frozen=True)
    input: float
    output: float
    cached: float | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float:
        """Cost of a response; `input_tokens` includes `cached_tokens`."""
        cached_price = self.input if self.cached is None else self.cached
        fresh = max(input_tokens - cached_tokens, 0)
        total = fresh * self.input + cached_tokens * cached_price + output_tokens * self.output
        return total / 1_000_000


def _p(inp: float, out: float, cached: float | None = None) -> Price:
    return Price(input=inp, output=out, cached=cached)


DEFAULT_PRICES: dict[str, Price] = {
    # OpenAI
    "gpt-5": _p(1.25, 10.0, 0.125),
    "gpt-5-mini": _p(0.25, 2.0, 0.025),
    "gpt-5-nano": _p(0.05, 0.40, 0.005),
    "gpt-4.1": _p(2.0, 8.0, 0.50),
    "gpt-4.1-mini": _p(0.40, 1.60, 0.10),
    "gpt-4.1-nano": _p(0.10, 0.40, 0.025),
    "gpt-4o": _p(2.50, 10.0, 1.25),
    "gpt-4o-mini": _p(0.15, 0.60, 0.075),
    "o3": _p(2.0, 8.0, 0.50),
    "o4-mini": _p(1.10, 4.40, 0.275),
    # Anthropic (cached = cache read)
    "claude-opus-4-5": _p(5.0, 25.0, 0.50),
    "claude-opus-4-1": _p(15.0, 75.0, 1.50),
    "claude-sonnet-4-5": _p(3.0, 15.0, 0.30),
    "claude-sonnet-4": _p(3.0, 15.0, 0.30),
    "claude-haiku-4-5": _p(1.0, 5.0, 0.10),
    "claude-3-5-haiku": _p(0.80, 4.0, 0.08),
    # DeepSeek (V3.2 list prices; cached = cache hit)
    "deepseek-chat": _p(0.28, 0.42, 0.028),
    "deepseek-reasoner": _p(0.28, 0.42, 0.028),
    # Qwen on DashScope (international, lowest tier)
    "qwen-max": _p(1.60, 6.40, 0.64),
    "qwen-plus": _p(0.40, 1.20, 0.16),
    "qwen-turbo": _p(0.05, 0.20, 0.02),
    "qwen-flash": _p(0.05, 0.40, 0.02),
    "qwen3-max": _p(1.20, 6.0, 0.24),
}

# Dated snapshots ("gpt-4.1-mini-2025-04-14", "claude-sonnet-4-5-20250929") and "-latest".
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$")


class PriceTable:
    """Looks up prices by model name, tolerating dated snapshot suffixes."""

    def __init__(self, prices: dict[str, Price] | None = None, *, free: bool = False) -> None:
        self.prices: dict[str, Price] = dict(DEFAULT_PRICES if prices is None else prices)
        self.free = free  # local servers: everything costs 0 and nothing is "unknown"
        self.unknown: set[str] = set()

    def lookup(self, model: str) -> Price | None:
        """The price of `model`, or None when the table does not know it."""
        if model in self.prices:
            return self.prices[model]
        base = _SNAPSHOT.sub("", model)
        return self.prices.get(base)

    def cost(self, model: str, input_tokens: int, output_tokens: int, cached_tokens: int) -> float:
        """USD for one response; unknown models cost 0 and are remembered in `unknown`."""
        if self.free:
            return 0.0
        price = self.lookup(model)
        if price is None:
            self.unknown.add(model)
            return 0.0
        return price.cost(input_tokens, output_tokens, cached_tokens)

    def describe(self, model: str) -> dict[str, Any]:
        """Price info for the run header, with a warning flag for unknown models."""
        if self.free:
            return {"price": None, "price_known": True, "note": "local server, cost 0"}
        price = self.lookup(model)
        return {
            "price": price.model_dump() if price else None,
            "price_known": price is not None,
            **({} if price else {"warning": f"no price for {model!r}; cost recorded as 0"}),
        }


def load_prices(path: str | Path | None, *, free: bool = False) -> PriceTable:
    """The built-in table, overridden/extended by a TOML or JSON file if given."""
    table = PriceTable(free=free)
    if path is None:
        return table
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    data: Any = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{p}: expected a table of models")
    models = data.get("models", data)
    if not isinstance(models, dict):
        raise ValueError(f"{p}: 'models' must be a table")
    for name, entry in models.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{p}: price for {name!r} must be a table")
        try:
            table.prices[str(name)] = Price.model_validate(entry)
        except ValueError as err:
            raise ValueError(f"{p}: bad price for {name!r}: {err}") from err
    return table
