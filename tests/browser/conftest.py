"""
Browser tests: a workbench demo server started by the test, driven by Playwright in Debian's Chromium.

Screenshots go to ``test-artifacts/screenshots/<test>/`` (desktop 1280 px and phone 375 px wide).
Every page state is checked with axe-core (WCAG 2.1 A/AA rules) inside the block.
"""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
WIDTHS = {"desktop": 1280, "phone": 320}
PHONE_WIDTHS = (375, 320)  # nothing may reach past the right edge of the screen at these widths
# The visible elements inside the selector whose right edge is past the screen's, unless a scrolling container
# of their own holds them (a textarea's text, for one, is not cut off).
OFF_SCREEN = """selector => {
  const root = document.querySelector(selector);
  if (!root) { return []; }
  const width = document.documentElement.clientWidth;
  const out = [];
  root.querySelectorAll('*').forEach(el => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= width + 1) { return; }
    for (let up = el.parentElement; up && up !== root; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && up.getBoundingClientRect().right <= width + 1) {
        return;
      }
    }
    out.push(el.outerHTML.slice(0, 120) + ' (right edge ' + Math.round(box.right) + ' px)');
  });
  // A box that fits but scrolls sideways hides its content as surely (tables did, in a 311 px column).
  root.querySelectorAll('*').forEach(el => {
    if (['TEXTAREA', 'INPUT', 'SELECT'].includes(el.tagName)) { return; }
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      out.push(el.outerHTML.slice(0, 120) + ' (scrolls sideways: ' + el.scrollWidth + ' > ' + el.clientWidth + ' px)');
    }
  });
  return out.slice(0, 5);
}"""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path():
    """Debian's Chromium; never a downloaded browser."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items):
    """Mark every test here as a browser test; skip them locally (never in CI) when Chromium is missing."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not chromium_path() and not os.environ.get("CI"):
                reason = "Debian's chromium is not installed (apt-get install chromium)"
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """The demo (migrated, seeded) served by runserver in a child process, on its own SQLite file."""

    def __init__(self, tmp_path, story=False):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = tmp_path / "browser.sqlite3"
        env = dict(os.environ, MENTORING_DB="sqlite", MENTORING_SQLITE=str(self.database),
                   MENTORING_VAR_DIR=str(tmp_path / "var"),
                   DJANGO_SETTINGS_MODULE="mentoring_xblock.workbench.settings",
                   PYTHONPATH=str(ROOT))
        self.log = open(tmp_path / "server.log", "w", encoding="utf-8")  # noqa: SIM115  pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "mentoring_xblock.workbench.serve", "--port", str(self.port)]
            + ([] if story else ["--empty"]),
            cwd=tmp_path, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"demo server exited: {(tmp_path / 'server.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("demo server did not start in 90 s")

    def query(self, sql, *params):
        """Read the demo database (to find who is who)."""
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def execute(self, sql, *params):
        """Change the demo database directly (to simulate time passing)."""
        with sqlite3.connect(self.database) as connection:
            connection.execute(sql, params)

    def stop(self):
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo with its people only: each test walks a program from its start."""
    server = DemoServer(tmp_path_factory.mktemp("demo"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def lived_in_server(tmp_path_factory):
    """The demo as ``make demo`` serves it: people, pairs at every stage, runs and check-ins."""
    server = DemoServer(tmp_path_factory.mktemp("lived-in"), story=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if not path:
        pytest.fail("Debian's chromium is needed for the browser tests in CI (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Shots:
    """Screenshots of one test, at desktop and phone widths, with an axe check of each state."""

    def __init__(self, name, browser_instance):
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.browser = browser_instance
        self.count = 0
        self.violations = []

    def take(self, page, step, selector=".mentoring-block"):
        """Screenshot the page at both widths and collect axe violations inside ``selector``."""
        from axe_playwright_python.sync_playwright import Axe
        self.count += 1
        # The SDK's fixed banner would cover part of an element screenshot; let it scroll away.
        page.add_style_tag(content=".view-workbench .banner { position: static !important; }")
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.locator(selector).first.screenshot(path=str(self.folder / f"{self.count:02d}-{step}-{label}.png"))
            for narrow in PHONE_WIDTHS if label == "phone" else ():
                page.set_viewport_size({"width": narrow, "height": 900})
                cut = page.evaluate(OFF_SCREEN, selector)
                if cut:
                    self.violations.append((step, f"off-screen at {narrow} px", "content wider than the screen", cut))
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        result = Axe().run(page, context={"include": [[selector]]},
                           options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        for violation in result.response["violations"]:
            self.violations.append((step, violation["id"], violation["help"],
                                    [node["html"][:200] for node in violation["nodes"][:3]]))


@pytest.fixture
def shots(request, browser):
    recorder = Shots(request.node.name, browser)
    yield recorder
    print(f"\nscreenshots: {recorder.folder} ({recorder.count} steps x {len(WIDTHS)} widths)")
