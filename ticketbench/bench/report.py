"""`ticketbench bench report`: the HTML report at scale, its size and how fast it opens.

`synthetic_runs` replays the records of real runs (by default the committed dev baselines)
as further trials until they hold the number of episodes asked for: every (run, task,
trial) key is distinct, and the copies are laid out trial after trial, so that a compressed
block of the report holds distinct episodes, as a real run's would. The report is built
without replaying trajectories (a replayed state diff costs ~7 ms an episode: over a minute
at 10,000) and opened in Debian's headless chromium through selenium. Measured: the file's
size, the time from navigation to the episode list showing every episode (the viewer's
`episodes-listed` performance mark: parsing the page, inflating the index, the first page
of rows), and from a click on a row to its conversation on screen.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ticketbench.records import Run
from ticketbench.report.build import build_report
from ticketbench.results.board import load_runs

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MAX_BYTES = 15_000_000  # a 10,000-episode report
MAX_OPEN_MS = 2000.0


class BrowserMissing(RuntimeError):
    """Headless chromium or selenium is not installed."""


def synthetic_runs(runs: Sequence[Run], episodes: int) -> list[Run]:
    """`runs` replayed as further trials until they hold `episodes` episodes in all."""
    base = sum(len(r.episodes) for r in runs)
    if base == 0:
        raise ValueError("the runs hold no episode to replay")
    copies = -(-episodes // base)
    left = episodes
    out: list[Run] = []
    for run in runs:
        trials = run.header.settings.trials
        records = [
            rec.model_copy(update={"trial": rec.trial + k * trials})
            for k in range(copies)
            for rec in run.episodes
        ][:left]
        left -= len(records)
        settings = run.header.settings.model_copy(update={"trials": trials * copies})
        header = run.header.model_copy(update={"settings": settings})
        out.append(run.model_copy(update={"header": header, "episodes": records}))
    return out


def headless_chromium(profile: Path, width: int = 1600, height: int = 1300) -> Chrome:
    """Debian's chromium, headless, driven by selenium, with the browser log kept."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        raise BrowserMissing(
            f"headless chromium not installed ({CHROMIUM} and {CHROMEDRIVER} are needed: "
            "apt-get install chromium chromium-driver)"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as err:
        raise BrowserMissing("selenium is not installed (pip install selenium)") from err
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
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
        f"--window-size={width},{height}",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)


# Resolves with the ms from the click on the first row to its conversation on screen.
_OPEN_FIRST = """
const done = arguments[arguments.length - 1];
const row = document.querySelector("#ep-rows tr");
const t0 = performance.now();
row.click();
(function poll() {
  if (document.querySelector("#detail .timeline")) done(performance.now() - t0);
  else requestAnimationFrame(poll);
})();
"""


def open_report(
    driver: Chrome, page: Path, episodes: int, timeout_s: float = 60
) -> dict[str, float]:
    """Open `page` and one episode; the ms to the full episode list and to the episode."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.as_uri())
    want = f"{episodes} of {episodes} episodes"
    WebDriverWait(driver, timeout_s, poll_frequency=0.02).until(
        lambda d: d.execute_script("return document.getElementById('count').textContent") == want
    )
    listed = driver.execute_script(
        "return performance.getEntriesByName('episodes-listed')[0].startTime"
    )
    driver.set_script_timeout(timeout_s)
    shown = driver.execute_async_script(_OPEN_FIRST)
    return {"listed_ms": round(float(listed), 1), "episode_ms": round(float(shown), 1)}


def run_bench(runs_dir: Path, episodes: int = 10_000, loads: int = 3) -> dict[str, Any]:
    """Build a report of `episodes` episodes replayed from the runs under `runs_dir`, and
    open it `loads` times in headless chromium (the median counts)."""
    runs = load_runs([runs_dir])
    base_html = build_report(runs, replay=False)
    base_eps = sum(len(r.episodes) for r in runs)
    started = time.perf_counter()
    html = build_report(synthetic_runs(runs, episodes), title="synthetic runs", replay=False)
    build_s = time.perf_counter() - started
    size = len(html.encode())
    with tempfile.TemporaryDirectory(prefix="ticketbench-bench-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        driver = headless_chromium(Path(tmp) / "profile")
        try:
            times = [open_report(driver, page, episodes) for _ in range(loads)]
        finally:
            driver.quit()
    listed = statistics.median(t["listed_ms"] for t in times)
    shown = statistics.median(t["episode_ms"] for t in times)
    return {
        "episodes": episodes,
        "html_bytes": size,
        "bytes_per_episode": round(size / episodes),
        "build_s": round(build_s, 2),
        "listed_ms": listed,
        "episode_ms": shown,
        "loads": times,
        "base": {
            "runs": str(runs_dir),
            "episodes": base_eps,
            "html_bytes": len(base_html.encode()),
            "bytes_per_episode": round(len(base_html.encode()) / max(base_eps, 1)),
        },
        "targets": {"html_bytes_max": MAX_BYTES, "listed_ms_max": MAX_OPEN_MS},
        "ok": size <= MAX_BYTES and listed <= MAX_OPEN_MS,
    }
