"""The one resolver behind every `--suite` option: where a command's tasks come from.

A suite reference is one of

- `dev`, `test` or `all`: the installed suite (one split, or both);
- a suite folder, `data/<split>.jsonl` plus a dataset card, as `ticketbench tasks generate
  --seed SECRET --out DIR` writes it (a held-out suite): all its splits, or, where a
  command plays one split, its `test` split;
- a task file (JSON lines, one task a line): one split file of a suite folder, or a
  hand-written file.

Tasks of a folder or file are validated line by line and against the world; the first
problem raises `TaskFileError`, one line naming the file, the line and the field. What a
run header records of a source is its name, split, version, checksum and path, never the
seed it was generated from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ticketbench.env.world import load_world
from ticketbench.suite.dataset import (
    SPLITS,
    card_field,
    load_folder,
    load_suite,
    suite_checksum,
    suite_path,
    suite_version,
)
from ticketbench.suite.spec import Task
from ticketbench.suite.taskfile import TaskFileError, parse_tasks, world_problems

INSTALLED_REFS = ("dev", "test", "all")


@dataclass(frozen=True)
class TaskSource:
    """Tasks of one suite reference, with the identity a run header records.

    `name` is "" for the installed suite, else the folder's or file's name; `split` is
    "dev", "test", "all" (a folder's splits together) or "custom" (a hand-written file);
    `path` is None for the installed suite.
    """

    name: str
    split: str
    version: str
    checksum: str
    path: Path | None
    tasks: tuple[Task, ...]

    @property
    def label(self) -> str:
        """How tables name it: "dev@1.2.0", "heldout/test@1.2.0", "mine/custom@3f2a9c1d"."""
        where = f"{self.name}/" if self.name else ""
        return f"{where}{self.split}@{self.version or self.checksum[:8]}"

    def by_split(self) -> Iterator[TaskSource]:
        """One source per split it covers ("all" splits into dev and test)."""
        if self.split != "all":
            yield self
            return
        for split in ("dev", "test"):
            part = tuple(t for t in self.tasks if t.split == split)
            if part:
                yield replace(self, split=split, tasks=part)


def _installed(split: str) -> TaskSource:
    if split == "all":
        tasks = (*load_suite("dev"), *load_suite("test"))
    else:
        tasks = tuple(load_suite("dev" if split == "dev" else "test"))
    return TaskSource("", split, suite_version(), suite_checksum(), None, tasks)


def _is_installed(path: Path) -> bool:
    return path.resolve() == suite_path().resolve()


def _folder(path: Path, single: bool) -> TaskSource:
    splits = load_folder(path)
    if not single:
        chosen = [s for s in ("dev", "test") if s in splits]
    elif "test" in splits or len(splits) == 1:
        chosen = ["test" if "test" in splits else next(iter(splits))]
    else:
        raise TaskFileError(f"{path}: several splits and no test split; name a split file")
    tasks = tuple(t for s in chosen for t in splits["dev" if s == "dev" else "test"])
    _check_world(tasks, path)
    split = chosen[0] if len(chosen) == 1 else "all"
    return TaskSource(
        path.resolve().name, split, suite_version(path), suite_checksum(path), path.resolve(), tasks
    )


def _check_world(tasks: tuple[Task, ...], where: Path) -> None:
    world = load_world()
    for task in tasks:
        for field, msg in world_problems(task, world):
            raise TaskFileError(f"{where}: task {task.id}: {field}: {msg}")


def _file(path: Path) -> TaskSource:
    folder = path.parent.parent
    split = path.stem
    if path.parent.name == "data" and split in SPLITS and card_field(folder, "checksum"):
        # one split file of a suite folder: checked against the folder's card
        whole = _folder(folder, single=False)
        part = tuple(t for t in load_folder(folder)[split if split == "dev" else "test"])
        name = "" if _is_installed(folder) else whole.name
        return replace(whole, name=name, split=split, tasks=part, path=path.resolve())
    content = path.read_bytes()
    tasks = parse_tasks(content, path, load_world())
    digest = hashlib.sha256(content).hexdigest()
    return TaskSource(path.stem, "custom", "", digest, path.resolve(), tasks)


def resolve_suite(ref: str | Path, *, single: bool = False) -> TaskSource:
    """The tasks a `--suite` value names (see the module docstring).

    `single`: the command plays one split (`run`): `all` is refused and a folder gives its
    test split. Raises `TaskFileError` (one line) for anything that cannot be used.
    """
    text = str(ref)
    if text in INSTALLED_REFS:
        if single and text == "all":
            raise TaskFileError("--suite all covers two splits; this command plays one (dev, test)")
        return _installed(text)
    path = Path(text).expanduser()
    if not path.exists():
        raise TaskFileError(
            f"--suite {text}: not dev, test or all, and no such folder or task file"
        )
    if path.is_dir():
        if _is_installed(path):
            return _installed("test" if single else "all")
        return _folder(path, single)
    return _file(path)


def recorded_source(split: str, path: str | None) -> TaskSource:
    """The source a run header names (its `split` and `path`), to resume or re-grade it."""
    if path is None:
        return _installed(split)
    where = Path(path)
    if where.is_dir():
        source = _folder(where, single=False)
        if split in ("dev", "test"):
            part = tuple(t for t in source.tasks if t.split == split)
            return replace(source, split=split, tasks=part)
        return source
    if not where.exists():
        raise TaskFileError(f"the run's suite {path} is gone")
    return _file(where)
