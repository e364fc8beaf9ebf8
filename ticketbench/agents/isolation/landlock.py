"""Landlock (Linux >= 5.13) for the plugin's processes: what they may read, write and reach.

`confine(readable, writable)` puts the calling process in a Landlock domain of its own,
nested in its parent's, that handles every file-system right the kernel knows:

- read and execute only beneath `readable`: `allowed_reads(...)`, the system's and Python's
  own directories and the plugin's import path, cut around what the plugin must not read
  (the harness's data, the suite, the run directories). The harness computes that list, so
  the plugin's process never holds the names of the places kept from it;
- write only beneath `writable` (a private temporary directory);
- with ABI >= 6, no signals to and no abstract unix sockets with processes outside the
  domain (another episode, the harness).

A process in a domain also cannot ptrace or read the memory of one outside it, even as root.
Paths are taken as they resolve when the rule is added (Landlock rules hold the inode).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

# The syscall numbers are the same on every architecture.
_CREATE_RULESET = 444
_ADD_RULE = 445
_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_EXECUTE = 1 << 0
_WRITE_FILE = 1 << 1
_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_REMOVE_DIR = 1 << 4
_REMOVE_FILE = 1 << 5
_MAKE_DIR = 1 << 7
_MAKE_REG = 1 << 8
_MAKE_SOCK = 1 << 9
_MAKE_FIFO = 1 << 10
_MAKE_SYM = 1 << 12
_REFER = 1 << 13  # ABI 2
_TRUNCATE = 1 << 14  # ABI 3
_IOCTL_DEV = 1 << 15  # ABI 5
_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1  # ABI 6

# Every file-system right of each ABI (ABI 4 added network rights, 7 none of the file system).
_ALL_FS = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV
_READ = _EXECUTE | _READ_FILE | _READ_DIR
_WRITE = (
    _READ
    | _WRITE_FILE
    | _REMOVE_DIR
    | _REMOVE_FILE
    | _MAKE_DIR
    | _MAKE_REG
    | _MAKE_SOCK
    | _MAKE_FIFO
    | _MAKE_SYM
    | _REFER
    | _TRUNCATE
)
# What a process needs of /dev once its standard streams are open.
DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")
SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/opt")


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


class _Ruleset(ctypes.Structure):
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    )


def allowed_reads(plugin_module: str, keep_out: Sequence[Path]) -> list[Path]:
    """Where a plugin's processes may read: the system's directories, the interpreter's, the
    import path, ticketbench's package and the plugin's own top-level package or module,
    less everything beneath `keep_out`."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *SYSTEM}
    roots |= {p or os.getcwd() for p in sys.path}
    for name in ("ticketbench", plugin_module.partition(".")[0]):
        found = importlib.util.find_spec(name)  # a top-level name: nothing is executed
        if found is None:
            continue
        roots |= set(found.submodule_search_locations or ())
        if found.origin and found.has_location:
            roots.add(str(Path(found.origin).parent))
    return around([Path(r) for r in sorted(roots)], keep_out)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def around(roots: Iterable[Path], keep_out: Sequence[Path]) -> list[Path]:
    """`roots` (resolved, existing) with every `keep_out` path cut out: a root under a kept-out
    path is dropped; a root holding one is replaced by its entries, recursively."""
    out: list[Path] = []
    kept = [Path(os.path.realpath(k)) for k in keep_out]
    seen: set[Path] = set()

    def visit(path: Path) -> None:
        if path in seen or not path.exists():
            return
        seen.add(path)
        if any(_inside(path, k) for k in kept):
            return
        if not any(_inside(k, path) for k in kept) or not path.is_dir():
            out.append(path)
            return
        for entry in sorted(path.iterdir()):
            visit(Path(os.path.realpath(entry)) if entry.is_symlink() else entry)

    for root in roots:
        visit(Path(os.path.realpath(root)))
    return sorted(set(out))


def confine(readable: Iterable[Path], writable: Iterable[Path]) -> str:
    """Enter a domain of its own (see the module docstring); returns what was done, for the
    run header, or why nothing was."""
    if not sys.platform.startswith("linux"):
        return "none (not Linux)"
    libc = ctypes.CDLL(None, use_errno=True)
    abi = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    if abi < 1:
        return "none (this kernel has no Landlock)"
    handled = _ALL_FS[max(k for k in _ALL_FS if k <= abi)]
    scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0
    attr = _Ruleset(handled, 0, scoped)
    size = ctypes.sizeof(attr) if abi >= 6 else 8  # older kernels know only the fs field
    ruleset = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        return f"none (landlock_create_ruleset: errno {ctypes.get_errno()})"
    try:
        places = [(p, _READ) for p in readable]
        places += [(Path(d), _READ | _WRITE_FILE) for d in DEVICES]
        places += [(p, _WRITE) for p in writable]
        for path, access in places:
            _add(libc, ruleset, path, access & handled)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return f"none (no_new_privs: errno {ctypes.get_errno()})"
        if libc.syscall(_RESTRICT_SELF, ruleset, 0) != 0:
            return f"none (landlock_restrict_self: errno {ctypes.get_errno()})"
    finally:
        os.close(ruleset)
    return f"landlock (ABI {abi}): files read beneath {len(places)} paths, written in a private tmp"


def _add(libc: ctypes.CDLL, ruleset: int, path: Path, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # gone, or not ours to open: nothing to allow
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= _FILE_ONLY
        rule = _PathBeneath(access, fd)
        if libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_add_rule {path}: {os.strerror(err)}")
    finally:
        os.close(fd)
