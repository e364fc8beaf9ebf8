"""The committed suite as a Hugging Face dataset folder, and its loader.

Layout of `data/suite/`: `data/test.jsonl`, `data/dev.jsonl` (one task per line; nested
fields as JSON strings, see `spec.task_to_row`) and `README.md`, a dataset card whose
YAML front matter carries the configs, the declared features (`dataset_info`), the suite
version and a sha256 checksum over the JSONL files. `load_suite` verifies the checksum and
caches per process.

The features are declared because Arrow's JSON reader, left to infer them, reads `now`
("2026-12-09T15:00:00+08:00") as a naive UTC timestamp: the offset is lost before any cast.
Declared as a timestamp with the suite's offset, a row loaded with `datasets` parses into
the same `Task` as the line of the file (`tests/test_suite.py` compares every task).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Literal, Union, get_args, get_origin

from ticketbench.env.world import data_root
from ticketbench.suite.spec import JSON_COLUMNS, Split, Task, task_to_row
from ticketbench.suite.taskfile import TaskFileError, parse_tasks

SUITE_VERSION = "2.5.0"  # 2.5: on world v2 (a cinema plays a hit several times a day, a
# show runs for weeks), no row of a listing holds more answers than a fair draw would; 2.4: an
# opening's wording tells neither that it cannot be done nor why (the infeasible requests are
# asked in their feasible kin's words); 2.3: the service states no refusal by itself through a
# fixed row (a closed showing has an earlier one on sale at its cinema; a not-yet-on-sale
# session is one added to a run already selling); 2.2: no answer is what a blind agent tries
# first (the first row listed, the only paid order); 2.1: live-event targets have another
# upcoming session; 2.0.0: parallel zh/en pairs, audited ground truth (1.x: before)
SPLITS: tuple[Split, ...] = ("test", "dev")
DEFAULT_SEED = 2026  # the public suite's seed; any other seed makes a held-out suite


def suite_path() -> Path:
    """The committed suite folder (`tasks/suite`)."""
    return data_root() / "suite"


def jsonl_bytes(tasks: list[Task]) -> bytes:
    """The exact bytes of one split's JSONL file (sorted keys, one task a line)."""
    lines = [json.dumps(task_to_row(t), ensure_ascii=False, sort_keys=True) for t in tasks]
    return ("\n".join(lines) + "\n").encode()


def checksum_of(files: Mapping[Split, bytes]) -> str:
    """sha256 over the JSONL files present, in split order (name, NUL, content, NUL)."""
    h = hashlib.sha256()
    for split in SPLITS:
        if split in files:
            h.update(f"data/{split}.jsonl".encode() + b"\0" + files[split] + b"\0")
    return h.hexdigest()


def _mix_table(tasks: dict[Split, list[Task]]) -> str:
    """Markdown rows: tasks per category and split, then locale and infeasible shares."""
    from ticketbench.suite.spec import CATEGORIES

    rows = ["| category | test | dev |", "|---|---|---|"]
    for cat in CATEGORIES:
        n = [sum(t.category == cat for t in tasks[s]) for s in SPLITS]
        rows.append(f"| {cat} | {n[0]} | {n[1]} |")
    rows.append(f"| **total** | {len(tasks['test'])} | {len(tasks['dev'])} |")
    every = [t for s in SPLITS for t in tasks[s]]
    share = {loc: sum(t.locale == loc for t in every) / len(every) for loc in ("zh", "en")}
    infeasible = sum(t.infeasible for t in every) / len(every)
    n_templates = len({t.template for t in every})
    pairs = len({t.pair_id for t in every if t.pair_id})
    rows += [
        "",
        f"Locales: zh {share['zh']:.1%}, en {share['en']:.1%}; every template in both. Parallel "
        f"pairs: {pairs} (one situation asked in Chinese and in English, linked by `pair_id`). "
        f"Infeasible (correct end state: no purchase, and the agent says why): {infeasible:.1%}. "
        f"Templates: {n_templates}.",
    ]
    return "\n".join(rows)


# One line per column for the card; `features` declares their types.
COLUMN_DOCS: dict[str, str] = {
    "id": "unique task id, `<split>-<category>-<nnn>`",
    "split": "`test` or `dev`",
    "category": "one of the eleven categories in the table above",
    "locale": "`zh` or `en`: the language the user writes in",
    "template": "the generator template that drew the task (`custom`: written by hand)",
    "difficulty": "`easy`, `medium` or `hard`: the template's estimate",
    "user_id": "the world's user who asks: their cards, coupons, wallet and past orders",
    "now": "the simulated clock when the episode starts, with its UTC offset",
    "opening": "the user's first message to the agent",
    "knowledge": "a list: what the simulated user answers, only when asked "
    "(`slot`, `triggers`, `answer`); never shown to the agent",
    "goal": "what the user approves on a payment sheet (acceptable orders, budget, "
    "a one-line summary)",
    "setup": "how the world is prepared before the episode (`orders`: past orders "
    "seeded into the user's history; `injections`: text planted into entities)",
    "expect": "the checkable ground truth: acceptable orders, refunds, exchanges, the "
    "outcome, handoffs, facts the agent must tell, the infeasibility reason",
    "reference": "a list: a reference solution, steps `call`, `ask`, `say`, `pay`; "
    "the oracle baseline replays it",
    "tags": "labels: `injection`, `pressure`, `joint_budget`, `hidden_budget`",
    "pair_id": "links the Chinese and English twin of one situation (null: no twin)",
}


def _dtype(name: str, annotation: object, tasks: list[Task]) -> str:
    """The `datasets` type (a YAML line) of one column of the row (`task_to_row`), from the
    annotation of the Task field."""
    if name in JSON_COLUMNS:
        return "dtype: string"
    if annotation is datetime:
        return "dtype: " + _timestamp([getattr(t, name) for t in tasks], name)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is tuple and args == (str, ...):
        return "list: string"
    if origin in (Union, UnionType) and set(args) == {str, NoneType}:
        return "dtype: string"
    if annotation is str or (origin is Literal and all(isinstance(a, str) for a in args)):
        return "dtype: string"
    raise TypeError(f"Task.{name}: no dataset type for {annotation!r}; add one to _dtype")


def _timestamp(values: list[datetime], name: str) -> str:
    """An Arrow timestamp type that holds `values` exactly: their one UTC offset and a unit
    fine enough for them. Mixed offsets have no single column type: refuse them."""
    offsets = {v.utcoffset() for v in values}
    if len(offsets) > 1:
        shown = ", ".join(sorted(_offset_text(o) for o in offsets))
        raise ValueError(
            f"`{name}` mixes UTC offsets ({shown}): one dataset column holds one; "
            "give every task of a suite folder the same offset"
        )
    unit = "s" if all(v.microsecond == 0 for v in values) else "us"
    offset = next(iter(offsets), None)
    return (
        f"timestamp[{unit}]" if offset is None else f"timestamp[{unit}, tz={_offset_text(offset)}]"
    )


def _offset_text(offset: timedelta | None) -> str:
    if offset is None:
        return "naive"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def dataset_info(tasks: dict[Split, list[Task]], files: Mapping[Split, bytes]) -> str:
    """The card's `dataset_info` YAML: every column's type (in the files' column order)
    and each split's size. `num_bytes` is the JSONL file's size."""
    every = [t for s in SPLITS for t in tasks[s]]
    lines = ["dataset_info:", "  config_name: default", "  features:"]
    for name in sorted(Task.model_fields):
        dtype = _dtype(name, Task.model_fields[name].annotation, every)
        lines += [f"  - name: {name}", f"    {dtype}"]
    lines.append("  splits:")
    for split in SPLITS:
        lines += [
            f"  - name: {split}",
            f"    num_bytes: {len(files[split])}",
            f"    num_examples: {len(tasks[split])}",
        ]
    return "\n".join(lines)


def _columns_table() -> str:
    rows = ["| column | type | what it holds |", "|---|---|---|"]
    for name in sorted(Task.model_fields):
        kind = "JSON string" if name in JSON_COLUMNS else ""
        kind = kind or {"now": "timestamp", "tags": "list of strings"}.get(name, "string")
        rows.append(f"| `{name}` | {kind} | {COLUMN_DOCS[name]} |")
    return "\n".join(rows)


def _example(tasks: dict[Split, list[Task]]) -> str:
    """The first task of the dev split (else of test), exactly as its JSONL line holds it."""
    first = next(t for s in reversed(SPLITS) for t in tasks[s])
    return json.dumps(task_to_row(first), ensure_ascii=False, sort_keys=True, indent=2)


def card(
    tasks: dict[Split, list[Task]],
    checksum: str,
    seed: int | str | None,
    files: Mapping[Split, bytes],
) -> str:
    """The dataset card (README.md) with YAML front matter. `seed` None: a held-out suite
    from a private seed, which the card does not record."""
    seed_line = f"ticketbench_seed: {seed}\n" if seed is not None else ""
    command = (
        f"ticketbench tasks generate --seed {seed}"
        if seed is not None
        else ("ticketbench tasks generate --seed PRIVATE --out DIR")
    )
    made = (
        f"Generated by `{command}` from the committed world\n"
        "(`ticketbench/data/world`); regenerating reproduces these files byte for byte."
        if seed is not None
        else "Generated by `ticketbench tasks generate` from the committed world\n"
        "(`ticketbench/data/world`) with a private seed, which is not recorded: a held-out suite."
    )
    n_templates = len({t.template for s in SPLITS for t in tasks[s]})
    return f"""---
license: apache-2.0
language:
- zh
- en
pretty_name: ticketbench task suite
task_categories:
- text-generation
tags:
- agents
- tool-use
- benchmark
configs:
- config_name: default
  data_files:
  - split: test
    path: data/test.jsonl
  - split: dev
    path: data/dev.jsonl
{dataset_info(tasks, files)}
ticketbench_version: {SUITE_VERSION}
ticketbench_checksum: {checksum}
{seed_line}---

# ticketbench task suite v{SUITE_VERSION}

Purchase requests (Chinese and English) for AI ticketing agents, each with a checkable
ground-truth spec, the simulated user's hidden knowledge and goal, and a reference
solution. {made}

An agent plays a task inside ticketbench's sandboxed mock ticketing service (cinemas,
showtimes, seat maps, live events, users with cards and coupons) against a simulated
user; the episode is scored on the end state. The tasks are not a chat dataset: the
`opening` is only the first turn, and the rest of the row is what the harness needs to
play and grade the episode.

{_mix_table(tasks)}

## Fields

{_columns_table()}

Money is integer fen (1 yuan = 100 fen). `now` is declared a timestamp with the suite's
UTC offset (`dataset_info` above), so `datasets` returns it timezone-aware and exact
(left to infer, Arrow's JSON reader would turn it into a naive UTC time); in the files it
is ISO 8601 with its offset. The JSON columns vary in shape between tasks, so they are
kept as strings; `ticketbench.suite.spec.task_from_row` parses a row, from the files or
from `datasets`, into a typed `Task`:

```python
import datasets
from ticketbench.suite.spec import task_from_row

dev = datasets.load_dataset("ticketbench/data/suite", split="dev")
task = task_from_row(dev[0])   # the same Task as ticketbench.suite.dataset.load_suite("dev")[0]
```

## Example row

```json
{_example(tasks)}
```

## How the suite was made

- **Seeded generator.** `ticketbench/suite/generator.py` draws every task from
  {n_templates} templates (`ticketbench/suite/templates/`, grouped by category) with a
  `random.Random` seeded by (seed, split, category, index, attempt). The same seed and
  world give the same bytes.
- **Parallel pairs.** Each situation (user, time, showing, seeded orders, ground truth)
  is drawn once and asked twice, in Chinese and in English, with wording drawn per
  language (titles or aliases, relative dates, registers, clarifying answers); the twins
  share a `pair_id`, and a pair that differs in more than wording is a generator error.
- **Ground truth from the world.** Each template computes its answer set with
  ground-truth queries over the world (`ticketbench/suite/ground_truth.py`); every
  reference solution is replayed on a fresh env and must pass its own task's checker, or
  generation fails.
- **Independent audit.** `ticketbench tasks audit` re-reads each request (and the user's
  hidden answers) with its own bilingual parser, enumerates by brute force every
  showtime, seat run, card and coupon the env's rules allow, and compares the result with
  `expect` in both directions (`ticketbench tasks audit --suite DIR` checks this folder);
  the published suite and suites from other seeds audit to 0 discrepancies.
- **Wording that tells nothing.** A request that cannot be met is asked in the words of
  requests that can (a budget, "starting shortly", a group that sits together, a named
  attendee, a refund: each stated as often where it holds), so the opening's words predict
  neither that a task is infeasible nor why; the audit checks this over the whole suite.

## Limitations

- The world is synthetic: made-up cinemas, films, events and prices in three cities on a
  simulated clock; nothing here is real availability.
- Requests come from templates: the wording varies (several phrasings, registers and
  aliases per language) but stays within what the templates write; real users are
  messier.
- The simulated user answers only what its `knowledge` covers and approves a payment
  sheet by a deterministic check against `goal`; an agent's conversational quality is
  not graded beyond the handoffs and facts in `expect`.
- Ground truth is "correct under the env's rules" (seat gap rule, sales windows, refund
  tiers, per-ID limits), written down in the audit's solver; a different ticketing
  platform's rules would give other answers.
- The splits are public: scores on them can be contaminated. `ticketbench tasks generate
  --seed SECRET --out DIR` makes a fresh held-out suite from the same templates.

## License and citation

Apache-2.0, like ticketbench.

```bibtex
@misc{{ticketbench_suite_{SUITE_VERSION.replace(".", "_")},
  title  = {{ticketbench task suite v{SUITE_VERSION}: purchase requests for AI ticketing agents}},
  author = {{{{ticketbench contributors}}}},
  year   = {{2026}},
  note   = {{Suite checksum (sha256) {checksum}}}
}}
```

`ticketbench_checksum` is sha256 over the JSONL files (see
`ticketbench.suite.dataset.checksum_of`); the loader refuses a folder whose files do not
match it, and every run header records it.
"""


def write_suite(tasks: dict[Split, list[Task]], out: Path, seed: int | str | None) -> str:
    """Write the dataset folder; returns the checksum. `seed` None keeps it off the card."""
    files = {split: jsonl_bytes(tasks[split]) for split in SPLITS}
    digest = checksum_of(files)
    readme = card(tasks, digest, seed, files)  # before writing: it refuses what no card can declare
    (out / "data").mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        (out / "data" / f"{split}.jsonl").write_bytes(files[split])
    (out / "README.md").write_text(readme, encoding="utf-8")
    return digest


def card_field(folder: Path, key: str) -> str | None:
    """A `ticketbench_<key>` value of the folder's dataset card (None: no card or no key)."""
    readme = folder / "README.md"
    if not readme.is_file():
        return None
    m = re.search(rf"^ticketbench_{key}:\s*(\S+)\s*$", readme.read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else None


def split_files(folder: Path) -> dict[Split, bytes]:
    """The split files a suite folder holds (`data/<split>.jsonl`); at least one."""
    files = {
        split: (folder / "data" / f"{split}.jsonl").read_bytes()
        for split in SPLITS
        if (folder / "data" / f"{split}.jsonl").is_file()
    }
    if not files:
        raise TaskFileError(
            f"{folder}: no suite here (no data/test.jsonl or data/dev.jsonl); "
            "`ticketbench tasks generate --out DIR` writes one"
        )
    return files


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What tells a changed folder apart: size and mtime of the card and split files."""
    paths = [folder / "README.md", *(folder / "data" / f"{s}.jsonl" for s in SPLITS)]
    return tuple((p.name, st.st_size, st.st_mtime_ns) for p in paths if (st := _stat(p)))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


@cache
def _load(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> dict[Split, tuple[Task, ...]]:
    """The splits of a folder, checked against its card's checksum when it has one
    (cached per folder and `stamp`, so an edited folder is read again)."""
    files = split_files(folder)
    want = card_field(folder, "checksum")
    got = checksum_of(files)
    if want is not None and got != want:
        raise TaskFileError(
            f"{folder}: suite checksum mismatch: the card says {want[:12]}, the files are "
            f"{got[:12]} (edited by hand? regenerate it, or run a split file as a task file)"
        )
    return {
        split: parse_tasks(content, folder / "data" / f"{split}.jsonl")
        for split, content in files.items()
    }


def load_folder(folder: Path) -> dict[Split, tuple[Task, ...]]:
    """Every split of a suite folder (checksum verified; parsed once per process)."""
    folder = folder.resolve()
    return _load(folder, _stamp(folder))


def load_suite(split: Split, path: Path | None = None) -> list[Task]:
    """The tasks of one split of a suite folder, by default the installed suite."""
    splits = load_folder(path or suite_path())
    if split not in splits:
        raise TaskFileError(f"{path or suite_path()}: no {split} split (no data/{split}.jsonl)")
    return list(splits[split])


def suite_version(path: Path | None = None) -> str:
    """The suite version from the dataset card ("" without a card)."""
    return card_field(path or suite_path(), "version") or ""


def suite_checksum(path: Path | None = None) -> str:
    """The content checksum of a suite folder: its card's (verified when loaded), or
    computed from the files of a folder without a card."""
    folder = path or suite_path()
    return card_field(folder, "checksum") or checksum_of(split_files(folder))
