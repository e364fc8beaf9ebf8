"""One writer per run directory: a second one would record episodes twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from ticketbench.results.store import RunInUse, RunWriter


def test_second_writer_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    first = RunWriter(tmp_path)
    with pytest.raises(RunInUse, match="another ticketbench process"):
        RunWriter(tmp_path)
    first.close()
    with RunWriter(tmp_path) as again:
        assert again.written == 0
