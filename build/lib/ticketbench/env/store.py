"""Copy-on-write state store.

The base world is an immutable mapping shared by every episode. A `Store` puts a
thin overlay over it: reads fall through the overlay to a frozen seed layer (state a
task sets up before the episode, e.g. past orders) and then to the base. Writes go to
the overlay only, so creating or resetting a store costs the same whatever the size
of the world. Values must be immutable (frozen models, tuples, frozensets, ints).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

_MISSING: Any = object()
V = TypeVar("V")


class Change(BaseModel):
    """One entry of a store diff: a key whose value differs from the episode's start."""

    model_config = ConfigDict(frozen=True)

    table: str
    key: str
    before: Any
    after: Any


def _plain(value: Any) -> Any:
    """A JSON-ready form of a stored value, stable across processes."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


class Table(Generic[V]):
    """One keyed collection: base mapping, optional seed layer, episode overlay."""

    __slots__ = ("_base", "_over", "_seed", "name")

    def __init__(self, name: str, base: Mapping[str, V]) -> None:
        self.name = name
        self._base = base
        self._seed: dict[str, V] = {}
        self._over: dict[str, V] = {}

    def get(self, key: str) -> V | None:
        v = self._over.get(key, _MISSING)
        if v is _MISSING:
            v = self._seed.get(key, _MISSING)
            if v is _MISSING:
                return self._base.get(key)
        return v  # type: ignore[no-any-return]

    def start_value(self, key: str) -> V | None:
        """The value at the start of the episode (seed layer, then base)."""
        v = self._seed.get(key, _MISSING)
        if v is _MISSING:
            return self._base.get(key)
        return v  # type: ignore[no-any-return]

    def __contains__(self, key: str) -> bool:
        return key in self._over or key in self._seed or key in self._base

    def set(self, key: str, value: V) -> None:
        self._over[key] = value

    def changed_keys(self) -> Iterator[str]:
        return iter(self._over)

    def overlay_items(self) -> Iterator[tuple[str, V]]:
        return iter(self._over.items())

    def seed_items(self) -> Iterator[tuple[str, V]]:
        return iter(self._seed.items())

    def freeze_seed(self) -> None:
        """Fold the overlay into the seed layer: what follows is the episode proper."""
        if self._over:
            # A new dict, never an update in place: seed layers are shared between envs.
            self._seed = {**self._seed, **self._over}
            self._over = {}

    def seed_layer(self) -> Mapping[str, V]:
        """The frozen seed layer (read-only; shared by envs built from a snapshot)."""
        return self._seed

    def install_seed(self, layer: Mapping[str, V]) -> None:
        """Start from a seed layer taken from another store over the same base."""
        self._seed = layer  # type: ignore[assignment]  # never mutated, see freeze_seed
        self._over = {}

    def reset(self) -> None:
        self._over = {}


class Store:
    """A set of tables sharing one base world; see the module docstring."""

    def __init__(self, tables: Mapping[str, Mapping[str, Any]]) -> None:
        self.tables: dict[str, Table[Any]] = {
            name: Table(name, base) for name, base in tables.items()
        }

    def table(self, name: str) -> Table[Any]:
        return self.tables[name]

    def freeze_seed(self) -> None:
        for t in self.tables.values():
            t.freeze_seed()

    def seed_snapshot(self) -> dict[str, Mapping[str, Any]]:
        """Every table's seed layer, to start other stores from the same setup."""
        return {name: t.seed_layer() for name, t in self.tables.items()}

    def install_seed(self, snapshot: Mapping[str, Mapping[str, Any]]) -> None:
        for name, layer in snapshot.items():
            self.tables[name].install_seed(layer)

    def reset(self) -> None:
        """Drop everything the episode wrote (the seed layer stays)."""
        for t in self.tables.values():
            t.reset()

    def diff(self) -> list[Change]:
        """Exactly what the episode changed, sorted by table and key.

        Keys written back to their starting value are not changes.
        """
        out: list[Change] = []
        for name in sorted(self.tables):
            t = self.tables[name]
            for key in sorted(t.changed_keys()):
                after = t.get(key)
                before = t.start_value(key)
                # Values of one key keep their type (frozen models, mapping proxies,
                # tuples), so plain equality is exact and far cheaper than a JSON dump.
                if after is before or after == before:
                    continue
                out.append(Change.model_construct(table=name, key=key, before=before, after=after))
        return out

    def digest(self) -> str:
        """A stable hash of the episode's changes (same writes, same digest, any process)."""
        payload = [[c.table, c.key, _plain(c.after)] for c in self.diff()]
        blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


def plain(value: Any) -> Any:
    """Public alias of the JSON-ready conversion used by diff and digest."""
    return _plain(value)
