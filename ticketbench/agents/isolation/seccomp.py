"""A seccomp filter for the plugin's processes: the channels between processes that Landlock
does not govern.

Landlock rules paths, signals and abstract sockets. Left to themselves, two episodes of one
plugin could still meet by a well-known key or port: System V shared memory, message queues
and semaphores, POSIX message queues, a key in the user's kernel keyring, or a socket one
binds and the other connects to.
`deny_meeting_points()` makes those calls fail with EPERM in the calling process and every
process it forks. An agent is a client (of the session proxy, of a model's API): it never
needs to bind or listen, nor to share memory with a process it did not start.

Not closed: the network itself. An agent that talks to a service (a model's API, its own
server) can keep memory there across episodes, as any API-backed agent can.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import sys

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_X32_BIT = 0x40000000  # x86-64's x32 calls: the same calls under other numbers

# BPF opcodes: load a word of seccomp_data, jump if equal / greater or equal, return.
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_NR_OFFSET = 0
_ARCH_OFFSET = 4

# Machine -> (AUDIT_ARCH value, call numbers to deny): shmget, shmat, msgget, semget, mq_open,
# bind, listen, add_key, request_key, keyctl.
_CALLS: dict[str, tuple[int, tuple[int, ...]]] = {
    "x86_64": (0xC000003E, (29, 30, 68, 64, 240, 49, 50, 248, 249, 250)),
    "aarch64": (0xC00000B7, (194, 196, 186, 190, 180, 200, 201, 217, 218, 219)),
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


def _program(arch: int, denied: tuple[int, ...], x32: bool) -> list[tuple[int, int, int, int]]:
    """The filter: another architecture's calls pass untouched (the harness runs one), the
    denied numbers (and, on x86-64, every x32 number) return EPERM, the rest pass."""
    deny = _RET_ERRNO | errno.EPERM
    tests: list[tuple[int, int]] = [(_JEQ_K, nr) for nr in denied]
    if x32:
        tests.append((_JGE_K, _X32_BIT))
    prog = [(_LD_W_ABS, 0, 0, _ARCH_OFFSET), (_JEQ_K, 1, 0, arch), (_RET_K, 0, 0, _RET_ALLOW)]
    prog.append((_LD_W_ABS, 0, 0, _NR_OFFSET))
    for i, (op, k) in enumerate(tests):
        to_deny = len(tests) - i  # the jumps left, then the allow, land on the deny
        prog.append((op, to_deny, 0, k))
    prog += [(_RET_K, 0, 0, _RET_ALLOW), (_RET_K, 0, 0, deny)]
    return prog


def deny_meeting_points() -> str:
    """Install the filter in this process (inherited by its forks); what was done, for the
    run header, or why nothing was."""
    if not sys.platform.startswith("linux"):
        return "none (not Linux)"
    machine = platform.machine()
    if machine not in _CALLS:
        return f"none (no call table for {machine})"
    arch, denied = _CALLS[machine]
    code = _program(arch, denied, x32=machine == "x86_64")
    table = (_Instruction * len(code))(*(_Instruction(*ins) for ins in code))
    prog = _Program(len(code), table)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:  # a filter needs it (or CAP_SYS_ADMIN)
        return f"none (no_new_privs: errno {ctypes.get_errno()})"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return f"none (seccomp: errno {ctypes.get_errno()})"
    return "seccomp: no System V or POSIX IPC, no bind or listen, no kernel keyrings"
