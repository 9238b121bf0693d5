"""The whole book as one PDF, printed by Debian's headless Chromium.

``python -m optbind_book pdf`` (after ``build``) serves the built site on
127.0.0.1, opens every page of ``_toc.yml`` in order (the API reference is
left to the site) in headless Chromium through selenium, waits until MathJax
has typeset it, opens the solutions, and prints it with the DevTools command
``Page.printToPDF`` (A4, the theme's print style, a footer with the chapter's
title and page).  The pages are merged with pypdf behind a table of contents
that gives the page where each chapter starts, and the PDF gets an outline
(bookmarks) with one entry per chapter.  The result is
``<build>/pdf/optbind-book.pdf``.
"""

from __future__ import annotations

import base64
import functools
import html
import http.server
import io
import re
import threading
import time
from pathlib import Path

from .layout import ChapterError, build_dir, chapters, find_root

__all__ = ["CHROMEDRIVER", "CHROMIUM", "PDF_NAME", "build_pdf"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PDF_NAME = "optbind-book.pdf"
_A4 = {"paperWidth": 8.27, "paperHeight": 11.69}
_MARGIN_IN = 0.55

_WAIT = """
const done = arguments[arguments.length - 1];
const t0 = Date.now();
(function poll() {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => done('ok')).catch(e => done('error ' + e));
  } else if (!document.querySelector('.math')) { done('no-math'); }
  else if (Date.now() - t0 > 60000) { done('timeout'); }
  else { setTimeout(poll, 100); }
})();
"""

_PREPARE = """
document.querySelectorAll('.solution.dropdown, .solution.toggle').forEach(e => {
  e.classList.add('toggle-shown');
});
document.querySelectorAll('.toggle-hidden').forEach(e => {
  if (e.closest('.solution')) { e.classList.remove('toggle-hidden'); }
});
document.querySelectorAll('details').forEach(d => {
  if (d.closest('.solution')) { d.open = true; }
});
const imgs = Array.from(document.images);
return imgs.every(i => i.complete);
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            raise ChapterError(
                f"{path} is missing: the PDF is printed by Debian's chromium and "
                "chromium-driver (apt-get install chromium chromium-driver)"
            )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-extensions",
        "--window-size=1100,1400",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(120)
    return driver


def _print(driver, footer: str) -> bytes:
    params = {
        **_A4,
        "printBackground": True,
        "marginTop": _MARGIN_IN,
        "marginBottom": _MARGIN_IN + 0.15,
        "marginLeft": _MARGIN_IN,
        "marginRight": _MARGIN_IN,
        "displayHeaderFooter": bool(footer),
        "headerTemplate": "<span></span>",
        "footerTemplate": (
            '<div style="font-size:8px;width:100%;padding:0 1.4cm;color:#555;'
            'display:flex;justify-content:space-between;">'
            f"<span>{html.escape(footer)}</span>"
            '<span><span class="pageNumber"></span> / '
            '<span class="totalPages"></span></span></div>'
        ),
    }
    result = driver.execute_cdp_cmd("Page.printToPDF", params)
    return base64.b64decode(result["data"])


def _title(chapter) -> str:
    m = re.search(r"^# (.+)$", chapter.source.read_text(encoding="utf-8"), re.MULTILINE)
    return m.group(1).strip() if m else chapter.name


def _contents_html(book: str, rows: list[tuple[str, int]]) -> str:
    items = "\n".join(
        f'<tr><td>{html.escape(t)}</td><td class="p">{p}</td></tr>' for t, p in rows
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ font-family: sans-serif; margin: 0; }}
h1 {{ font-size: 22pt; margin: 0 0 0.3em 0; }}
h2 {{ font-size: 15pt; margin: 1.5em 0 0.6em 0; }}
table {{ width: 100%; border-collapse: collapse; font-size: 11pt; }}
td {{ padding: 0.28em 0; border-bottom: 1px dotted #999; }}
td.p {{ text-align: right; width: 4em; }}
</style></head><body><h1>{html.escape(book)}</h1>
<p>Companion to H. Rudolph, U. Delić, K. Hornberger, B. A. Stickler, Phys. Rev. A
110, 063507 (2024). Printed from the book's website; the API reference and the
downloadable notebooks are on the site.</p>
<h2>Contents</h2><table>{items}</table></body></html>"""


def build_pdf(root: Path | None = None, *, include_api: bool = False) -> Path:
    """Print the built site to ``<build>/pdf/optbind-book.pdf``; return its path.

    Parameters
    ----------
    root : Path, optional
        Repository root (default: found from the working folder).
    include_api : bool
        Also print the API reference pages.

    Raises
    ------
    ChapterError
        If the site is not built, the browser is missing, or a page fails.
    """
    import yaml
    from pypdf import PdfReader, PdfWriter

    root = find_root(root)
    out = build_dir(root)
    site = out / "html"
    if not (site / "index.html").is_file():
        raise ChapterError(f"the site is not built ({site}); run 'build' first")
    pages = [
        c
        for c in chapters(root)
        if include_api or not c.docname.startswith("book/api/")
    ]
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    book = str(config.get("title") or "optbind")
    t0 = time.perf_counter()
    httpd, base = _serve(site)
    driver = _browser()
    printed = []
    try:
        for i, ch in enumerate(pages, 1):
            page = site / f"{ch.docname}.html"
            if not page.is_file():
                raise ChapterError(f"{page} is missing: the site is incomplete")
            driver.get(f"{base}/{ch.docname}.html")
            status = driver.execute_async_script(_WAIT)
            if status not in ("ok", "no-math"):
                raise ChapterError(f"MathJax failed on {ch.docname}: {status}")
            for _ in range(100):
                if driver.execute_script(_PREPARE):
                    break
                time.sleep(0.1)
            title = _title(ch)
            data = _print(driver, f"{book} - {title}")
            printed.append((title, data))
            print(f"[{i}/{len(pages)}] printed {ch.docname}", flush=True)
        # the table of contents: once to count its pages, once with the numbers
        counts = [len(PdfReader(io.BytesIO(d)).pages) for _, d in printed]
        rows = [(t, 0) for t, _ in printed]
        toc_pages = 1
        for _ in range(3):
            starts, page_no = [], toc_pages + 1
            for n in counts:
                starts.append(page_no)
                page_no += n
            rows = [(t, s) for (t, _), s in zip(printed, starts, strict=True)]
            driver.get(
                "data:text/html;charset=utf-8," + _quote(_contents_html(book, rows))
            )
            toc = _print(driver, "")
            n_toc = len(PdfReader(io.BytesIO(toc)).pages)
            if n_toc == toc_pages:
                break
            toc_pages = n_toc
    finally:
        driver.quit()
        httpd.shutdown()
        httpd.server_close()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc)))
    writer.add_outline_item("Contents", 0)
    for (title, data), start in zip(printed, starts, strict=True):
        writer.append(PdfReader(io.BytesIO(data)))
        writer.add_outline_item(title, start - 1)
    writer.add_metadata({"/Title": book, "/Creator": "optbind_book (Chromium, pypdf)"})
    target = out / "pdf" / PDF_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial.pdf")
    with partial.open("wb") as fh:
        writer.write(fh)
    partial.replace(target)
    total = len(PdfReader(str(target)).pages)
    print(
        f"PDF: {total} pages, {target.stat().st_size / 1e6:.1f} MB, printed in "
        f"{time.perf_counter() - t0:.0f} s: {target}",
        flush=True,
    )
    return target


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
