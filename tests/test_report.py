"""The HTML report without a browser: self-contained, data escaped, CLI errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from runkit import EVIL, make_run, report_data
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.report import build_report, embed_json
from ticketbench.report.build import CHUNK, LIST_KEYS
from ticketbench.results.board import load_runs


def test_embedded_json_cannot_close_the_script_tag() -> None:
    text = embed_json({"x": EVIL + "<!-- \u2028 &amp;"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["x"] == EVIL + "<!-- \u2028 &amp;"


def test_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    make_run(tmp_path, "oracle", style="oracle", trials=1)
    make_run(tmp_path, "evil", style="llm", agent="<img src=x onerror=alert(1)>", trials=1)
    html = build_report(load_runs([tmp_path]), title="<b>t</b>")
    # exactly the two script elements of the template, and nothing fetched from anywhere
    assert len(re.findall(r"<script\b", html)) == 2
    assert html.count("</script>") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<img src=x" not in html and "&lt;b&gt;t&lt;/b&gt;" in html
    assert "Content-Security-Policy" in html
    index, episodes = _episodes(html)
    assert len(episodes) == 2 * 22
    ep = next(e for e in episodes if e["ok"] is False)
    assert EVIL in ep["r"]
    assert any(ev["k"] == "tool_call" and ev["name"] == "search_showtimes" for ev in ep["ev"])
    assert ep["diffSrc"] == "trajectory"  # a synthetic suite: no replay
    # the index is what the list shows of each episode, in the same order
    assert index == [{k: e[k] for k in LIST_KEYS if k in e} for e in episodes]


def _episodes(html: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    data, index, episodes = report_data(html)
    assert data["per"] == CHUNK and data["count"] == len(episodes)
    return index, episodes


def test_report_data_is_compressed_and_reproducible(tmp_path: Path) -> None:
    """The embedded episodes are gzip (about a tenth of their JSON), the same runs give the
    same bytes, and every block but the last holds `CHUNK` episodes."""
    make_run(tmp_path, "gpt", style="llm", agent="openai:gpt-x", trials=5)
    runs = load_runs([tmp_path])
    html = build_report(runs)
    data = json.loads(html.split('id="report-data">')[1].split("</script>")[0])
    _, episodes = _episodes(html)
    plain = len(json.dumps(episodes, ensure_ascii=False).encode())
    packed = sum(len(c) for c in data["chunks"]) + len(data["index"])
    assert packed < plain / 5, (packed, plain)
    assert len(data["chunks"]) == -(-len(episodes) // CHUNK)
    assert {e["task"] for e in episodes[:CHUNK]} != {e["task"] for e in episodes[CHUNK:]}
    again = json.loads(build_report(runs).split('id="report-data">')[1].split("</script>")[0])
    assert again == data


def test_cli_report(tmp_path: Path) -> None:
    run = make_run(tmp_path / "runs", "oracle", style="oracle", trials=1)
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", str(run), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    res = CliRunner().invoke(app, ["report", str(tmp_path / "none"), "-o", str(out)])
    assert res.exit_code == 1 and "no such file" in res.output
