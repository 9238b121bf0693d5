"""Sphinx extension that keeps the rendered book self-contained and offline.

* MathJax 3 is served from the site itself: the ``es5`` bundle of the PyPI
  package ``django-static-mathjax`` (MathJax 3.2.2) is copied to
  ``_static/mathjax/`` and ``mathjax_path`` points there, so no page loads
  anything from a CDN.
* ``favicon.ico`` is written at the site root for pages without an icon link.
* Every notebook page gets an ``.ipynb`` entry in the download menu of
  sphinx-book-theme next to the ``.md`` source: the executed notebook is
  copied to ``_sources/<page>.ipynb``.  (The theme offers this only when a
  launch button is configured, which an offline book does not have.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["mathjax_source", "setup"]

MATHJAX_TARGET = "_static/mathjax"
MATHJAX_ENTRY = "tex-chtml-full.js"


def mathjax_source() -> Path:
    """Folder of the bundled MathJax 3 ``es5`` build."""
    import mathjax  # provided by django-static-mathjax

    base = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (base / MATHJAX_ENTRY).is_file():
        raise RuntimeError(
            f"MathJax bundle not found at {base}; install django-static-mathjax"
        )
    return base


def _config_inited(app, config):
    # relative to the _static folder (Sphinx prefixes _static/ for relative paths)
    config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / MATHJAX_TARGET
    if not (target / MATHJAX_ENTRY).is_file():
        shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)


def _write_root_favicon(app, exception):
    """Write ``favicon.ico`` at the site root.

    Pages link the SVG icon of ``html_favicon``, but the root ``index.html`` is a
    bare redirect, for which browsers request ``/favicon.ico``; without this
    file that request is a 404 and a console error.  The icon is drawn with
    Pillow (a matplotlib dependency): two particles, red and blue.
    """
    if exception is not None or app.builder.format != "html":
        return
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((4, 11, 14, 21), fill=(192, 57, 43, 255))
    draw.ellipse((18, 11, 28, 21), fill=(44, 111, 187, 255))
    draw.line((14, 16, 18, 16), fill=(51, 51, 51, 255), width=2)
    img.save(Path(app.outdir) / "favicon.ico", sizes=[(32, 32), (16, 16)])


def _ipynb_download(app, pagename, templatename, context, doctree):
    if doctree is None or not context.get("sourcename", "").endswith(
        (".md", ".md.txt")
    ):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    dest = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, dest)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated ``<script>`` entries.

    jupyter-book registers sphinx-thebe's inline configuration script twice,
    which redeclares a ``const`` and raises a console error in every page.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        attrs = getattr(js, "attributes", {}) or {}
        name = getattr(js, "filename", js) or ""
        key = (str(name), tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # before sphinx-book-theme adds its header buttons (default priority 500)
    app.connect("html-page-context", _ipynb_download, priority=400)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _write_root_favicon)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
