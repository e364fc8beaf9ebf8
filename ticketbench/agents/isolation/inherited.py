"""What a built template holds that its episode forks would share: channels between episodes.

Each episode plays in a fork of the template that built the agent. Anything the build left
open that two processes can both write and read — a shared writable mapping (`mmap` with
MAP_SHARED, a memfd), a pipe, a socket, an eventfd or epoll, a file open for writing — is
inherited by every fork and would carry what one episode saw to the next. A thread the
build started keeps running plugin code in the template beside the forks, so it could open
one later. The harness reads the template's state from `/proc` once the build is done (the
template then waits on its control socket and runs no plugin code) and refuses the agent if
it holds any of these.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from ticketbench.agents.isolation.landlock import DEVICES

_ACCESS_MODE = 0o3  # O_RDONLY / O_WRONLY / O_RDWR bits of fdinfo's flags


def shared_channels(pid: int, given: Collection[int]) -> list[str]:
    """What process `pid` holds that its forks would share, in words; `given` are the
    descriptors the harness passed it. Empty if nothing, or if there is no `/proc` to read
    (not Linux: no confinement either, as the run header says)."""
    proc = Path(f"/proc/{pid}")
    try:
        threads = len(os.listdir(proc / "task"))
        maps = (proc / "maps").read_text(encoding="utf-8", errors="replace")
        fds = sorted(int(fd) for fd in os.listdir(proc / "fd"))
    except FileNotFoundError:
        return []
    found: list[str] = []
    if threads > 1:
        found.append(f"{threads - 1} thread(s) of its own")
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        perms = fields[1]
        if perms[1] == "w" and perms[3] == "s":
            what = fields[5].strip() if len(fields) > 5 else "anonymous memory"
            found.append(f"a shared writable mapping ({what})")
    for fd in fds:
        if fd in (0, 1, 2) or fd in given:
            continue
        try:
            target = os.readlink(proc / "fd" / str(fd))
            info = (proc / "fdinfo" / str(fd)).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue  # closed meanwhile (the listing's own descriptor)
        flags = next(int(v, 8) for k, v in _fields(info) if k == "flags")
        read_only = flags & _ACCESS_MODE == os.O_RDONLY
        if target in DEVICES or (read_only and target.startswith("/") and _regular(target)):
            continue
        found.append(f"descriptor {fd} ({target}{'' if read_only else ', writable'})")
    return found


def _fields(info: str) -> list[tuple[str, str]]:
    return [
        (k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in info.splitlines())
    ]


def _regular(path: str) -> bool:
    try:
        return Path(path).is_file()
    except OSError:
        return False
