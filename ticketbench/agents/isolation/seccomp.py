"""A seccomp filter for the plugin's processes: the channels between processes that Landlock
does not govern.

Landlock rules paths, signals and abstract sockets. Left to themselves, two episodes of one
plugin could still meet by a well-known key, port or file: System V shared memory, message
queues and semaphores, POSIX message queues, a key in the user's kernel keyring, a socket
one binds and the other connects to, a UDP socket (it gets a port without `bind` when it
first sends), or a byte-range lock on any file both may read (another process's `F_GETLK`
names the holder's range: 63 free bits a lock).
`deny_meeting_points()` makes those calls fail with EPERM in the calling process and every
process it forks. An agent is a client (of the session proxy, of a model's API, over TCP):
it never needs to bind or listen, to lock a file, to send a datagram, nor to share memory
with a process it did not start. Name lookups go over TCP (`RES_OPTIONS=use-vc`, set in the
plugin's environment by the host).

Not closed: the network itself. An agent that talks to a service (a model's API, its own
server) can keep memory there across episodes, as any API-backed agent can.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import sys
from dataclasses import dataclass

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_X32_BIT = 0x40000000  # x86-64's x32 calls: the same calls under other numbers

# BPF opcodes: load a word of seccomp_data, and it with a constant, jump if equal / greater
# or equal, return.
_LD_W_ABS = 0x20
_AND_K = 0x54
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_NR_OFFSET = 0
_ARCH_OFFSET = 4


def _arg(i: int) -> int:
    """The offset of argument `i`'s low word in seccomp_data (little-endian machines)."""
    return 16 + 8 * i


# fcntl's lock commands (F_GETLK, F_SETLK, F_SETLKW and their open-file-description forms):
# a lock's range on any file both may read is seen by the other (F_GETLK names the holder).
_LOCK_COMMANDS = (5, 6, 7, 36, 37, 38)
_AF_INET, _AF_INET6, _SOCK_DGRAM, _SOCK_TYPE_MASK = 2, 10, 2, 0xF


@dataclass(frozen=True)
class _Calls:
    """One machine's AUDIT_ARCH value and call numbers."""

    arch: int
    denied: tuple[int, ...]  # shmget, shmat, msgget, semget, mq_open, bind, listen,
    # add_key, request_key, keyctl, flock
    fcntl: int
    socket: int


_CALLS: dict[str, _Calls] = {
    "x86_64": _Calls(0xC000003E, (29, 30, 68, 64, 240, 49, 50, 248, 249, 250, 73), 72, 41),
    "aarch64": _Calls(0xC00000B7, (194, 196, 186, 190, 180, 200, 201, 217, 218, 219, 32), 25, 198),
}


class _Instruction(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    )


class _Program(ctypes.Structure):
    _fields_ = (("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_Instruction)))


# An instruction with its jump targets as labels ("" falls through), resolved by `_assemble`.
_Op = tuple[int, str, str, int]


def _assemble(blocks: dict[str, list[_Op]]) -> list[tuple[int, int, int, int]]:
    """Lay the labelled blocks out in order; each jump becomes the count of instructions to
    skip (BPF jumps only forward)."""
    at: dict[str, int] = {}
    flat: list[_Op] = []
    for label, ops in blocks.items():
        at[label] = len(flat)
        flat += ops
    out = []
    for pc, (code, jt, jf, k) in enumerate(flat):
        skip = [at[t] - pc - 1 if t else 0 for t in (jt, jf)]
        assert all(0 <= n < 256 for n in skip), (pc, jt, jf)
        out.append((code, skip[0], skip[1], k))
    return out


def _program(calls: _Calls, x32: bool) -> list[tuple[int, int, int, int]]:
    """The filter: another architecture's calls pass untouched (the harness runs one); the
    denied numbers, fcntl's lock commands, UDP sockets (and, on x86-64, every x32 number)
    return EPERM; the rest pass."""
    by_number: list[_Op] = [(_JEQ_K, "deny", "", nr) for nr in calls.denied]
    by_number += [(_JEQ_K, "fcntl", "", calls.fcntl), (_JEQ_K, "socket", "", calls.socket)]
    if x32:
        by_number.append((_JGE_K, "deny", "", _X32_BIT))
    return _assemble(
        {
            "start": [
                (_LD_W_ABS, "", "", _ARCH_OFFSET),
                (_JEQ_K, "number", "allow", calls.arch),
            ],
            "number": [(_LD_W_ABS, "", "", _NR_OFFSET), *by_number, (_RET_K, "", "", _RET_ALLOW)],
            "fcntl": [
                (_LD_W_ABS, "", "", _arg(1)),
                *((_JEQ_K, "deny", "", cmd) for cmd in _LOCK_COMMANDS),
                (_RET_K, "", "", _RET_ALLOW),
            ],
            "socket": [
                (_LD_W_ABS, "", "", _arg(0)),
                (_JEQ_K, "socket_type", "", _AF_INET),
                (_JEQ_K, "socket_type", "allow", _AF_INET6),
            ],
            "socket_type": [
                (_LD_W_ABS, "", "", _arg(1)),
                (_AND_K, "", "", _SOCK_TYPE_MASK),  # without SOCK_NONBLOCK / SOCK_CLOEXEC
                (_JEQ_K, "deny", "allow", _SOCK_DGRAM),
            ],
            "allow": [(_RET_K, "", "", _RET_ALLOW)],
            "deny": [(_RET_K, "", "", _RET_ERRNO | errno.EPERM)],
        }
    )


def deny_meeting_points() -> str:
    """Install the filter in this process (inherited by its forks); what was done, for the
    run header, or why nothing was."""
    if not sys.platform.startswith("linux"):
        return "none (not Linux)"
    machine = platform.machine()
    if machine not in _CALLS:
        return f"none (no call table for {machine})"
    code = _program(_CALLS[machine], x32=machine == "x86_64")
    table = (_Instruction * len(code))(*(_Instruction(*ins) for ins in code))
    prog = _Program(len(code), table)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:  # a filter needs it (or CAP_SYS_ADMIN)
        return f"none (no_new_privs: errno {ctypes.get_errno()})"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return f"none (seccomp: errno {ctypes.get_errno()})"
    return (
        "seccomp: no System V or POSIX IPC, no bind or listen, no kernel keyrings,"
        " no file locks, no UDP"
    )
