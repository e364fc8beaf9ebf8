"""On-disk cache of raw model responses, keyed by a hash of the full request.

A rerun with the same settings replays the same responses: it makes no HTTP request, costs
nothing and gives the same episodes. Modes: `on` (read and write), `off` (neither),
`refresh` (write only: re-ask the model and overwrite). Writes are atomic (temp file in the
same directory, then `os.replace`), so concurrent episodes never read a torn entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

__all__ = ["CacheMode", "ResponseCache", "request_key"]

log = logging.getLogger(__name__)
CacheMode = Literal["on", "off", "refresh"]
_FORMAT = 1  # bump when the stored layout changes


def request_key(request: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of everything that shapes the response."""
    canonical = json.dumps(
        {"format": _FORMAT, **request},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """Raw response JSON under `directory/ab/abcdef....json`."""

    def __init__(self, directory: str | Path, mode: CacheMode = "on") -> None:
        self.directory = Path(directory)
        self.mode: CacheMode = mode
        self.hits = 0
        self.misses = 0
        self.writes = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored response for `key`, or None (always None unless mode is `on`)."""
        if self.mode != "on":
            return None
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError) as err:
            # A damaged entry is a miss; the fresh response will overwrite it.
            log.warning("ignoring unreadable cache entry %s: %s", path, err)
            self.misses += 1
            return None
        response = entry.get("response") if isinstance(entry, dict) else None
        if not isinstance(response, dict):
            log.warning("ignoring malformed cache entry %s", path)
            self.misses += 1
            return None
        self.hits += 1
        return response

    def put(self, key: str, response: Mapping[str, Any], meta: Mapping[str, Any]) -> None:
        """Store `response` atomically (no-op when mode is `off`)."""
        if self.mode == "off":
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"format": _FORMAT, "key": key, "meta": dict(meta), "response": dict(response)}
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh)  # ASCII: a lone surrogate in a response must not fail it
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.writes += 1

    def describe(self) -> dict[str, Any]:
        """Mode and directory for the run header."""
        return {"mode": self.mode, "dir": str(self.directory)}
