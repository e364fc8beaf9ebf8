"""`ticketbench bench reader`: the simulated user's reading speed over a labelled corpus."""

from __future__ import annotations

from pathlib import Path


def test_bench_reader_reads_a_corpus_and_says_when_there_is_none(tmp_path: Path) -> None:
    """`ticketbench bench reader` reads every message of the folder it is given; a folder
    without labelled messages is a one-line error (exit 2)."""
    from typer.testing import CliRunner

    from ticketbench.cli import app

    (tmp_path / "a.txt").write_text(
        "# comment\nask count | 几位？\nconfirm | Shall I book it?\n", encoding="utf-8"
    )
    ok = CliRunner().invoke(app, ["bench", "reader", "--json", "--corpus", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert '"messages": 2' in ok.output and '"ok": true' in ok.output
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = CliRunner().invoke(app, ["bench", "reader", "--corpus", str(empty)])
    assert bad.exit_code == 2 and "no labelled messages" in bad.output
