"""The HTML report in a real headless chromium: loads cleanly, filters, opens an episode;
fits its panels at laptop widths; renders Chinese with a CJK font; keeps permalinks across
regenerated reports; stays small and usable at 10,000 episodes.

Skips only when Debian's chromium / chromedriver are not installed (CI installs them).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from runkit import EVIL, make_run

from ticketbench.bench.report import (
    CHROMEDRIVER,
    CHROMIUM,
    MAX_BYTES,
    headless_chromium,
    open_report,
    synthetic_runs,
)
from ticketbench.records import Run
from ticketbench.report import build_report
from ticketbench.results.board import load_runs

ROOT = Path(__file__).resolve().parents[1]
DOCS_SHOT = ROOT / "docs" / "report-screenshot.png"
BASELINES = ROOT / "results" / "baselines"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason=f"headless chromium not installed ({CHROMIUM} and {CHROMEDRIVER} are needed)",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runs")
    make_run(root, "oracle", style="oracle", trials=1)
    make_run(root, "navigator", style="navigator", trials=1)
    make_run(root, "noop", style="noop", trials=1)
    # a large run: 1,100+ episodes must stay usable (the list is paginated)
    make_run(
        root,
        "gpt",
        style="llm",
        agent="openai:gpt-x",
        model="gpt-x",
        trials=52,
        infra=[("dev-pricing-000", 3)],
    )
    out = root / "report.html"
    out.write_text(build_report(load_runs([root]), title="ticketbench dev"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def baselines_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed dev baselines (oracle, navigator, noop): real tasks, half in Chinese."""
    out = tmp_path_factory.mktemp("baselines") / "baselines.html"
    html = build_report(load_runs([BASELINES]), title="ticketbench: dev baselines")
    out.write_text(html, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    drv = headless_chromium(tmp_path_factory.mktemp("chrome-profile"))
    try:
        yield drv
    finally:
        drv.quit()


def _errors(drv: Any) -> list[str]:
    return [str(e["message"]) for e in drv.get_log("browser") if e["level"] == "SEVERE"]


def _until(drv: Any, script: str, timeout: float = 20) -> Any:
    """Wait until `script` (a JS expression) is truthy; return its value."""
    return WebDriverWait(drv, timeout, poll_frequency=0.02).until(
        lambda d: d.execute_script(f"return {script}")
    )


def _title(drv: Any) -> str:
    return str(_until(drv, "(document.querySelector('#detail h3') || {}).textContent"))


def _listed(drv: Any) -> None:
    _until(drv, "/^\\d+ of \\d+ episodes$/.test(document.getElementById('count').textContent)")


def test_report_loads_filters_and_opens_an_episode(
    driver: Any, report_file: Path, tmp_path: Path
) -> None:
    driver.get(report_file.as_uri())
    _listed(driver)
    assert driver.find_element(By.CSS_SELECTOR, "table.board tbody tr")
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart rect")
    count = driver.find_element(By.ID, "count").text
    assert count.endswith("1210 episodes"), count
    assert len(driver.find_elements(By.CSS_SELECTOR, "#ep-rows tr")) == 50  # one page

    Select(driver.find_element(By.ID, "f-agent")).select_by_visible_text("openai:gpt-x")
    Select(driver.find_element(By.ID, "f-ok")).select_by_value("false")
    rows = driver.find_elements(By.CSS_SELECTOR, "#ep-rows tr")
    assert rows
    for row in rows:
        assert row.find_element(By.CSS_SELECTOR, "td.agent").text == "openai:gpt-x"
        assert "failure" in row.text
    driver.find_element(By.ID, "next").click()
    assert "page 2 /" in driver.find_element(By.ID, "pager").text

    Select(driver.find_element(By.ID, "f-cat")).select_by_visible_text("seating")
    Select(driver.find_element(By.ID, "f-lv")).select_by_value("3")
    Select(driver.find_element(By.ID, "f-loc")).select_by_value("en")
    first = driver.find_element(By.CSS_SELECTOR, "#ep-rows tr")
    assert "seating · en" in first.text
    first.click()
    _until(driver, "document.querySelector('#detail .timeline')")
    detail = driver.find_element(By.ID, "detail")
    calls = detail.find_elements(By.CSS_SELECTOR, ".ev.tool")
    assert calls, "the episode shows its tool calls"
    assert any("create_order" in c.text for c in calls)
    assert detail.find_elements(By.CSS_SELECTOR, ".ev.agent .b-hand"), "handoffs are marked"
    text = detail.text.lower()  # headings are upper-cased by CSS
    assert "grader" in text and "state diff" in text
    # adversarial text shows as text and never runs
    assert EVIL in detail.text
    assert driver.execute_script("return window.__pwned === undefined")

    # j steps to the next episode of the filtered list
    title = _title(driver)
    driver.find_element(By.TAG_NAME, "body").send_keys("j")
    _until(driver, f"document.querySelector('#detail h3').textContent !== {title!r}")

    errors = _errors(driver)
    assert not errors, errors

    shot = _full_page_shot(driver, tmp_path / "report.png")
    assert shot.stat().st_size > 10_000
    assert not _errors(driver)


# Width overflow of the viewer's panels: content wider than the box that shows it.
_OVERFLOW = """
const out = {};
for (const sel of ["#viewer", ".viewer", ".list", "#ep-table", ".detail"]) {
  const n = document.querySelector(sel);
  if (n.scrollWidth > n.clientWidth) out[sel] = [n.scrollWidth, n.clientWidth];
}
const doc = document.documentElement;
if (doc.scrollWidth > doc.clientWidth) out.page = [doc.scrollWidth, doc.clientWidth];
document.querySelectorAll("#ep-table th, #ep-rows .tid").forEach(function (n) {
  if (n.scrollWidth > n.clientWidth) out[n.textContent] = [n.scrollWidth, n.clientWidth];
});
return out;
"""


@pytest.mark.parametrize("width", [1280, 1440, 1100, 1600])
def test_episode_table_fits_its_panel(driver: Any, baselines_file: Path, width: int) -> None:
    """No panel of the viewer scrolls sideways; every header and task id shows in full (a
    table cut off by `overflow: hidden` would still fail: scrollWidth counts the hidden)."""
    driver.set_window_size(width, 1000)
    try:
        driver.get(baselines_file.as_uri())
        _listed(driver)
        Select(driver.find_element(By.ID, "f-cat")).select_by_visible_text("after_purchase")
        driver.find_element(By.CSS_SELECTOR, "#ep-rows tr").click()
        _until(driver, "document.querySelector('#detail .timeline')")
        assert driver.execute_script("return window.innerWidth") == width
        assert len(driver.find_elements(By.CSS_SELECTOR, "#ep-table th")) == 8
        assert driver.execute_script(_OVERFLOW) == {}
        assert not _errors(driver)
    finally:
        driver.set_window_size(1600, 1300)


def test_chinese_episode_renders_with_a_cjk_font(
    driver: Any, baselines_file: Path, tmp_path: Path
) -> None:
    """A Chinese episode, on screen: its text is drawn with a CJK font (chromium reports the
    platform fonts that drew a node's glyphs), not as tofu boxes; one screenshot of it."""
    driver.set_window_size(1280, 1000)
    try:
        driver.get(baselines_file.as_uri())
        _listed(driver)
        Select(driver.find_element(By.ID, "f-loc")).select_by_value("zh")
        driver.find_element(By.CSS_SELECTOR, "#ep-rows tr").click()
        _until(driver, "document.querySelector('#detail .ev.user .txt')")
        opening = driver.find_element(By.CSS_SELECTOR, "#detail .ev.user .txt").text
        assert re.search(r"[\u4e00-\u9fff]{4}", opening), opening
        assert not _errors(driver)
        fonts = _platform_fonts(driver, "#detail .ev.user .txt")
        cjk = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"])
        assert cjk >= len(re.findall(r"[\u4e00-\u9fff]", opening)), fonts
        driver.execute_script("document.getElementById('viewer').scrollIntoView()")
        shot = tmp_path / "zh-episode.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        driver.set_window_size(1600, 1300)


def _platform_fonts(drv: Any, selector: str) -> list[dict[str, Any]]:
    """The fonts chromium drew the text of `selector` with (DevTools `CSS` domain)."""
    drv.execute_cdp_cmd("DOM.enable", {})
    drv.execute_cdp_cmd("CSS.enable", {})
    root = drv.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = drv.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    fonts = drv.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    drv.execute_cdp_cmd("CSS.disable", {})
    # The CSS agent re-reads the page's inline styles by URL, which chromium refuses for
    # file: pages and logs as an error of the page: drop what the probe itself logged.
    drv.get_log("browser")
    return list(fonts["fonts"])


def _shuffled(run: Run) -> Run:
    return run.model_copy(update={"episodes": list(reversed(run.episodes))})


def test_permalink_survives_a_regenerated_report(driver: Any, tmp_path: Path) -> None:
    """A permalink names run, task and trial: in a report regenerated with one more run
    and the episodes in another order it opens the same episode (at another row)."""
    make_run(tmp_path / "runs", "oracle", style="oracle", trials=2)
    make_run(tmp_path / "runs", "gpt", style="llm", agent="openai:gpt-x", trials=2)
    runs = load_runs([tmp_path / "runs"])
    first = tmp_path / "first.html"
    first.write_text(build_report(runs), encoding="utf-8")
    driver.get(first.as_uri())
    _listed(driver)
    Select(driver.find_element(By.ID, "f-agent")).select_by_visible_text("openai:gpt-x")
    row = driver.find_elements(By.CSS_SELECTOR, "#ep-rows tr")[7]
    old_id = row.get_attribute("data-id")
    row.click()
    title = _title(driver)
    link = driver.execute_script("return location.hash")
    assert link.startswith("#episode=gpt-0/") and title.endswith(" #1"), (link, title)
    chips = driver.find_element(By.CSS_SELECTOR, "#detail .chips").text

    make_run(tmp_path / "more", "navigator", style="navigator", trials=2)
    again = [load_runs([tmp_path / "more"])[0], *(_shuffled(r) for r in reversed(runs))]
    second = tmp_path / "second.html"
    second.write_text(build_report(again), encoding="utf-8")
    driver.get(second.as_uri() + link)
    assert _title(driver) == title
    assert driver.find_element(By.CSS_SELECTOR, "#detail .chips").text == chips
    selected = driver.find_element(By.CSS_SELECTOR, "#ep-rows tr.sel")
    assert selected.get_attribute("data-id") != old_id  # a row index would open another

    driver.get(second.as_uri() + "#episode=gpt-0/dev-nothing-000/0")
    _until(driver, "/not in this report/.test(document.getElementById('detail').textContent)")
    assert not _errors(driver)


def test_ten_thousand_episodes(driver: Any, tmp_path: Path) -> None:
    """10,000 episodes (the baselines replayed as more trials) stay under 15 MB in one file,
    list every episode and open one. How fast: `ticketbench bench report`."""
    runs = synthetic_runs(load_runs([BASELINES]), 10_000)
    keys = {(r.header.run_id, e.task_id, e.trial) for r in runs for e in r.episodes}
    assert len(keys) == sum(len(r.episodes) for r in runs) == 10_000
    html = build_report(runs, replay=False)
    assert len(html.encode()) < MAX_BYTES
    page = tmp_path / "10k.html"
    page.write_text(html, encoding="utf-8")
    open_report(driver, page, 10_000)
    assert _title(driver).startswith("dev-")
    trials = sum(e.task_id == "dev-time-015" for r in runs for e in r.episodes)
    assert trials > 50  # two pages
    driver.find_element(By.ID, "f-q").send_keys("dev-time-015")
    assert driver.find_element(By.ID, "count").text == f"{trials} of 10000 episodes"
    driver.find_element(By.ID, "next").click()
    driver.find_elements(By.CSS_SELECTOR, "#ep-rows tr")[-1].click()
    _until(driver, "/^dev-time-015 #\\d+$/.test(document.querySelector('#detail h3').textContent)")
    assert driver.find_elements(By.CSS_SELECTOR, "#detail .ev.user")
    assert not _errors(driver)


def _full_page_shot(drv: Any, path: Path) -> Path:
    """The whole page, top to bottom: leaderboard, charts, breakdown, the open episode."""
    height = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(1600, min(int(height) + 40, 4000))
    drv.execute_script("window.scrollTo(0, 0)")
    assert drv.save_screenshot(str(path))
    drv.set_window_size(1600, 1300)
    return path


def test_docs_screenshot(driver: Any, baselines_file: Path, tmp_path: Path) -> None:
    """The README's screenshot: the committed baselines."""
    driver.get(baselines_file.as_uri())
    _listed(driver)
    Select(driver.find_element(By.ID, "f-agent")).select_by_visible_text("oracle")
    Select(driver.find_element(By.ID, "f-cat")).select_by_visible_text("seating")
    Select(driver.find_element(By.ID, "f-loc")).select_by_value("en")
    driver.find_element(By.CSS_SELECTOR, "#ep-rows tr").click()
    _until(driver, "document.querySelector('#detail .ev.tool')")
    assert not _errors(driver)
    shot = _full_page_shot(driver, tmp_path / "docs.png")
    assert shot.stat().st_size > 10_000
    if os.environ.get("TICKETBENCH_UPDATE_SCREENSHOT") == "1":  # tests never dirty the tree
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_SHOT)
