"""The rendered website works offline, checked in a real headless browser.

Needs the built site (``python3 compendium.py book``, which ``compendium.py
test`` runs first) and Debian's ``chromium`` + ``chromium-driver``.  The site is
served on 127.0.0.1; every page is opened and we assert that

* MathJax (served by the site itself) typeset every equation: each ``.math``
  element holds an ``mjx-container`` and no raw ``$$`` / ``\\[`` is left;
* every image loaded (``naturalWidth > 0``);
* no request left 127.0.0.1 (Chrome's performance log lists every request);
* the browser console has no errors.

A screenshot of every chapter page is saved to ``_build/screenshots/``.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from optbind_book import build_dir, chapters, find_root

pytestmark = pytest.mark.site

ROOT = find_root(Path(__file__).parent)
BUILD = build_dir(ROOT)
HTML = BUILD / "html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


NOTEBOOK_PAGES = {f"{c.docname}.html" for c in chapters(ROOT) if c.is_notebook}


def _pages():
    return [f"{c.docname}.html" for c in chapters(ROOT)] + ["index.html", "genindex.html", "search.html"]


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").is_file():
        pytest.fail(f"the site is not built ({HTML}/index.html missing): run `python3 compendium.py book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="module")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            pytest.fail(f"{path} is missing: install Debian's chromium and chromium-driver (compendium.py test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps",
        "--disable-extensions", "--window-size=1280,1600",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _requests(driver):
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


WAIT_MATHJAX = """
const done = arguments[arguments.length - 1];
const t0 = Date.now();
(function poll() {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => done('ok')).catch(e => done('error: ' + e));
  } else if (!document.querySelector('.math')) {
    done('no-math');
  } else if (Date.now() - t0 > 30000) {
    done('timeout: MathJax never started');
  } else { setTimeout(poll, 100); }
})();
"""

WAIT_IMAGES = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images);
Promise.all(imgs.map(img => img.complete ? null : new Promise(r => { img.onload = r; img.onerror = r; })))
  .then(() => done(imgs.map(img => [img.getAttribute('src'), img.naturalWidth])));
"""


@pytest.mark.parametrize("page", _pages())
def test_page_renders_offline(page, server, browser):
    browser.get_log("performance")  # drop entries of earlier pages
    browser.get_log("browser")
    browser.set_script_timeout(60)
    browser.get(f"{server}/{page}")

    status = browser.execute_async_script(WAIT_MATHJAX)
    assert status in ("ok", "no-math"), f"{page}: MathJax failed: {status}"
    n_math = browser.execute_script("return document.querySelectorAll('.math').length")
    untypeset = browser.execute_script(
        "return Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container')).length"
    )
    assert untypeset == 0, f"{page}: {untypeset} of {n_math} equations were not typeset by MathJax"
    text = browser.execute_script("return document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText")
    assert "$$" not in text, f"{page}: raw $$ left in the rendered text"
    assert "\\begin{" not in text and "\\[" not in text, f"{page}: raw LaTeX left in the rendered text"

    images = browser.execute_async_script(WAIT_IMAGES)
    broken = [src for src, width in images if not width]
    assert not broken, f"{page}: images that did not load: {broken}"
    if page in NOTEBOOK_PAGES:
        figures = [src for src, _ in images if "_images/" in (src or "")]
        assert figures, f"{page}: a chapter page shows no figure"

    external = [u for u in _requests(browser) if urlparse(u).scheme not in LOCAL_SCHEMES
                and urlparse(u).hostname not in ("127.0.0.1",)]
    assert external == [], f"{page}: requests left 127.0.0.1: {external}"

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], f"{page}: console errors: {errors}"

    if page.startswith("book/"):
        shots = BUILD / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return Math.min(document.body.scrollHeight, 12000)")
        browser.set_window_size(1280, max(900, height))
        browser.save_screenshot(str(shots / (Path(page).stem + ".png")))
        browser.set_window_size(1280, 1600)


def test_site_has_every_chapter_and_downloads():
    """Every toc entry is rendered; notebook pages offer .md and .ipynb downloads."""
    for ch in chapters(ROOT):
        html = HTML / f"{ch.docname}.html"
        assert html.is_file(), f"{html} missing"
        if ch.is_notebook:
            text = html.read_text(encoding="utf-8")
            assert f"_sources/{ch.docname}.md" in text
            assert f"_sources/{ch.docname}.ipynb" in text
            assert (HTML / "_sources" / f"{ch.docname}.ipynb").is_file()
            # teachers: every chapter ends with exercises, each with a hidden solution
            exercises = len(re.findall(r'class="[^"]*exercise[^"]*admonition', text))
            solutions = len(re.findall(r'class="[^"]*solution[^"]*admonition', text))
            assert exercises >= 2, f"{ch.name}: {exercises} exercises (need at least 2)"
            assert solutions == exercises, f"{ch.name}: {exercises} exercises but {solutions} solutions"
            assert "dropdown" in text, f"{ch.name}: solutions are not hidden in a dropdown"
    assert (HTML / "_static" / "mathjax" / "tex-chtml-full.js").is_file()
