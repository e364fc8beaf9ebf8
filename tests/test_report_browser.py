"""The HTML report in a real headless chromium: loads cleanly, filters, opens an episode.

Skips only when Debian's chromium / chromedriver are not installed (CI installs them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from runkit import EVIL, make_run

from ticketbench.report import build_report
from ticketbench.results.board import load_runs

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[1]
DOCS_SHOT = ROOT / "docs" / "report-screenshot.png"
BASELINES = ROOT / "results" / "baselines"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason=f"headless chromium not installed ({CHROMIUM} and {CHROMEDRIVER} are needed)",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


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
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    profile = tmp_path_factory.mktemp("chrome-profile")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1600,1300",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


def _errors(drv: webdriver.Chrome) -> list[str]:
    return [str(e["message"]) for e in drv.get_log("browser") if e["level"] == "SEVERE"]


def test_report_loads_filters_and_opens_an_episode(
    driver: webdriver.Chrome, report_file: Path, tmp_path: Path
) -> None:
    driver.get(report_file.as_uri())
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
    first.click()
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
    title = detail.find_element(By.TAG_NAME, "h3").text
    driver.find_element(By.TAG_NAME, "body").send_keys("j")
    assert driver.find_element(By.CSS_SELECTOR, "#detail h3").text != title

    errors = _errors(driver)
    assert not errors, errors

    shot = _full_page_shot(driver, tmp_path / "report.png")
    assert shot.stat().st_size > 10_000
    assert not _errors(driver)


def _full_page_shot(drv: webdriver.Chrome, path: Path) -> Path:
    """The whole page, top to bottom: leaderboard, charts, breakdown, the open episode."""
    height = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(1600, min(int(height) + 40, 4000))
    drv.execute_script("window.scrollTo(0, 0)")
    assert drv.save_screenshot(str(path))
    drv.set_window_size(1600, 1300)
    return path


def test_docs_screenshot(driver: webdriver.Chrome, report_file: Path, tmp_path: Path) -> None:
    """The README's screenshot: the committed baselines if present, else the synthetic runs."""
    page, agent, category = report_file, "openai:gpt-x", "seating"
    if list(BASELINES.glob("*/header.json")):
        page = tmp_path / "baselines.html"
        page.write_text(build_report(load_runs([BASELINES]), title="ticketbench: dev baselines"))
        agent, category = "oracle", "seating"
    driver.get(page.as_uri())
    Select(driver.find_element(By.ID, "f-agent")).select_by_visible_text(agent)
    Select(driver.find_element(By.ID, "f-cat")).select_by_visible_text(category)
    Select(driver.find_element(By.ID, "f-loc")).select_by_value("en")
    driver.find_element(By.CSS_SELECTOR, "#ep-rows tr").click()
    assert driver.find_elements(By.CSS_SELECTOR, "#detail .ev.tool")
    assert not _errors(driver)
    shot = _full_page_shot(driver, tmp_path / "docs.png")
    assert shot.stat().st_size > 10_000
    if os.environ.get("TICKETBENCH_UPDATE_SCREENSHOT") == "1":  # tests never dirty the tree
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_SHOT)
