"""Sphinx extension of the optbind book: offline, figures with data, clean downloads.

* **MathJax** 3 is served from the site itself, from the ``es5`` bundle of the
  PyPI package ``django-static-mathjax`` (MathJax 3.2.2): only the files the
  pages load are copied to ``_static/mathjax/`` (the ``tex-chtml-full.js``
  component and the CHTML fonts), and ``mathjax_path`` points there.
* **Theme settings** that must survive jupyter-book's handling of the
  ``html:`` section (footer, home link) are merged here instead of being set
  as a whole ``html_theme_options``: the download and full-screen buttons,
  the table-of-contents depth, and the repository buttons, which are shown
  only when ``repository: url:`` of ``_config.yml`` is set (one setting).
* **Style**: ``book/_static/optbind.css`` (equations that scroll instead of
  being cut, figure sizes, dark mode) is added to every page.
* **Figures**: every image whose PNG the chapter kit wrote (matched by
  content hash against the figure folders of the build) gets a "data (CSV)"
  link in its figure caption, and its alt text if the page gave none; the CSV
  files are copied to ``_static/data/<chapter>/``.  Set
  ``OPTBIND_FIGURE_DIRS`` (``os.pathsep``-separated folders) to look
  elsewhere than ``<build>/figures``.
* **Downloads**: every notebook page offers its executed notebook, with
  outputs, made standalone by :func:`optbind_book.download.standalone_notebook`
  (the kit inlined), as ``_sources/<page>.ipynb`` next to the ``.md`` source.
* **Bibliography**: the pybtex style ``optbind`` (author-year labels in the
  list, ``2024a``/``2024b`` for the same first author and year, sorted by
  author and year) and a matching in-text style ``optbind_author_year``.
* **Course plan**: the ``{course-plan}`` directive of the teaching page
  (:mod:`optbind_book.courseplan`), built from the chapters' overviews.
* **Student edition** (``hide_solutions``): the downloadable ``.md`` and
  ``.ipynb`` files lose their solutions too.
* ``favicon.ico`` is written at the site root; source maps, the theme's
  translations, TrueType copies of the icon fonts and Font Awesome's SVG script
  (the CSS webfonts draw the same icons) are removed to keep the site small.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
from pathlib import Path

__all__ = ["FIGURE_DIRS_ENV", "figure_index", "mathjax_source", "setup"]

MATHJAX_TARGET = "_static/mathjax"
MATHJAX_ENTRY = "tex-chtml-full.js"
#: the MathJax files a page loads: the component and the CHTML fonts
MATHJAX_FILES = (MATHJAX_ENTRY, "output/chtml/fonts/woff-v2")
FIGURE_DIRS_ENV = "OPTBIND_FIGURE_DIRS"
DATA_TARGET = "_static/data"
CSS_FILE = "optbind.css"
#: theme options of the book (merged into what jupyter-book derives from html:)
THEME_DEFAULTS = {
    "use_download_button": True,
    "use_fullscreen_button": True,
    "show_toc_level": 2,
}
REPOSITORY_BUTTONS = (
    "use_repository_button",
    "use_issues_button",
    "use_edit_page_button",
)


def mathjax_source() -> Path:
    """Folder of the bundled MathJax 3 ``es5`` build."""
    import mathjax  # provided by django-static-mathjax

    base = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (base / MATHJAX_ENTRY).is_file():
        raise RuntimeError(
            f"MathJax bundle not found at {base}; install django-static-mathjax"
        )
    return base


# ----------------------------------------------------------------------------
# configuration
# ----------------------------------------------------------------------------
def _config_inited(app, config):
    # relative to the _static folder (Sphinx prefixes _static/ for relative paths)
    config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    options = dict(config.html_theme_options or {})
    for key, value in THEME_DEFAULTS.items():
        options.setdefault(key, value)
    url = (options.get("repository_url") or "").strip()
    if url:
        options.setdefault("use_repository_button", True)
    else:  # no address: no button may point anywhere
        options.pop("repository_url", None)
        for key in REPOSITORY_BUTTONS:
            options[key] = False
    config.html_theme_options = options
    static = Path(app.srcdir) / "book" / "_static"
    if (static / CSS_FILE).is_file():
        paths = list(config.html_static_path or [])
        if str(static) not in paths:
            paths.append(str(static))
        config.html_static_path = paths


def _builder_inited(app):
    if app.builder.format == "html":
        app.add_css_file(CSS_FILE)
    app.env.optbind_figures = figure_index(_figure_dirs(app))


# ----------------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------------
def _figure_dirs(app) -> list[Path]:
    env = os.environ.get(FIGURE_DIRS_ENV)
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    from .layout import ChapterError, build_dir, find_root

    try:
        return [build_dir(find_root(Path(app.srcdir))) / "figures"]
    except ChapterError:
        return []


def figure_index(folders) -> dict[str, dict]:
    """``{sha256 of a PNG: {"csv": path, "alt": text, "chapter": name}}``.

    Every PNG under ``folders`` that has a CSV file of the same stem next to it.
    """
    index = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for png in sorted(folder.rglob("*.png")):
            csv = png.with_suffix(".csv")
            if not csv.is_file() or any(
                part.endswith((".partial", ".failed", ".interrupted"))
                for part in png.parts
            ):
                continue
            data = png.read_bytes()
            index[hashlib.sha256(data).hexdigest()] = {
                "csv": str(csv),
                "alt": _png_text(png).get("Description", ""),
                "chapter": png.parent.name,
            }
    return index


def _png_text(path: Path) -> dict:
    try:
        from PIL import Image

        with Image.open(path) as im:
            return dict(getattr(im, "text", {}) or {})
    except (OSError, ValueError):
        return {}


def _doctree_resolved(app, doctree, docname):
    from docutils import nodes

    index = getattr(app.env, "optbind_figures", {}) or {}
    copies = getattr(app.env, "optbind_csv", None)
    if copies is None:
        copies = app.env.optbind_csv = {}
    chapter = posixpath.basename(docname)
    for figure in doctree.findall(nodes.figure):
        images = list(figure.findall(nodes.image))
        if len(images) != 1:
            continue
        image = images[0]
        stem = Path(image.get("uri", "")).stem
        entry = index.get(stem)
        if entry is None:
            continue
        if not image.get("alt") or image.get("alt") == image.get("uri"):
            image["alt"] = entry["alt"]
        csv = Path(entry["csv"])
        target = f"{DATA_TARGET}/{chapter}/{csv.name}"
        copies[target] = str(csv)
        captions = list(figure.findall(nodes.caption))
        if not captions:
            continue
        caption = captions[0]
        refuri = posixpath.relpath(target, posixpath.dirname(docname) or ".")
        link = nodes.reference(
            "", "data (CSV)", refuri=refuri, classes=["optbind-csv"], internal=False
        )
        link["download"] = csv.name
        caption += nodes.Text(" ")
        caption += nodes.inline(
            "", "", nodes.Text("["), link, nodes.Text("]"), classes=["optbind-data"]
        )


def _copy_csv(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for target, source in (getattr(app.env, "optbind_csv", {}) or {}).items():
        dest = Path(app.outdir) / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)


# ----------------------------------------------------------------------------
# downloads
# ----------------------------------------------------------------------------
def _executed_notebook(app, pagename: str) -> Path | None:
    """The executed notebook behind a page: the runner's, or the page's source."""
    source = Path(app.srcdir) / f"{pagename}.ipynb"
    if source.is_file():  # a one-page project made from an executed notebook
        return source
    from .layout import ChapterError, build_dir, find_root

    try:
        root = find_root(Path(app.srcdir))
    except ChapterError:
        return None
    executed = build_dir(root) / "executed" / f"{posixpath.basename(pagename)}.ipynb"
    return executed if executed.is_file() else None


def _ipynb_download(app, pagename, templatename, context, doctree):
    if doctree is None or not context.get("sourcename", "").endswith(
        (".md", ".md.txt", ".ipynb", ".ipynb.txt")
    ):
        return
    executed = _executed_notebook(app, pagename)
    if executed is None:
        return
    import nbformat

    from .download import standalone_notebook

    nb = standalone_notebook(
        nbformat.read(executed, as_version=4), solutions=not _student(app)
    )
    dest = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _student(app) -> bool:
    return bool(getattr(app.config, "hide_solutions", False))


def _strip_source_solutions(app, exception):
    """In the student edition, the downloadable sources lose their solutions."""
    if exception is not None or app.builder.format != "html" or not _student(app):
        return
    from .download import strip_solutions

    for path in (Path(app.outdir) / "_sources").rglob("*"):
        if path.is_file() and path.name.endswith((".md", ".md.txt")):
            text = path.read_text(encoding="utf-8")
            stripped = strip_solutions(text)
            if stripped != text:
                path.write_text(stripped, encoding="utf-8")


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


# ----------------------------------------------------------------------------
# site files: MathJax, favicon, source maps
# ----------------------------------------------------------------------------
def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / MATHJAX_TARGET
    for rel in MATHJAX_FILES:
        src, dest = source / rel, target / rel
        if src.is_dir():
            shutil.copytree(src, dest, dirs_exist_ok=True)
        elif not dest.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)


_SOURCE_MAP_COMMENT = re.compile(
    rb"\n?(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$"
)


def _drop_source_maps(app, exception):
    """Remove ``*.map`` files and the comments that point to them."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for path in static.rglob("*.map"):
        path.unlink()
    for path in list(static.rglob("*.js")) + list(static.rglob("*.css")):
        data = path.read_bytes()
        stripped = _SOURCE_MAP_COMMENT.sub(b"\n", data)
        if stripped != data:
            path.write_bytes(stripped)


#: theme files no page needs: translations (used at build time only), TrueType
#: copies of the icon fonts (every browser that runs the site takes the woff2
#: ones first) and Font Awesome's SVG-replacement script (the same icons are
#: drawn by the theme's CSS webfonts); the script is kept as an empty stub
_UNUSED_STATIC = ("locales", "vendor/fontawesome/webfonts/*.ttf")
_STUBBED_STATIC = ("scripts/fontawesome.js",)


def _trim_static(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for pattern in _UNUSED_STATIC:
        for path in static.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    for rel in _STUBBED_STATIC:
        path = static / rel
        if path.is_file():
            path.write_text(
                "/* optbind_book: icons come from the theme's CSS webfonts */\n",
                encoding="utf-8",
            )


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


def _write_manifest(app, exception):
    """``_static/data/figures.json``: every figure's page, image, CSV and alt."""
    if exception is not None or app.builder.format != "html":
        return
    copies = getattr(app.env, "optbind_csv", {}) or {}
    path = Path(app.outdir) / DATA_TARGET / "figures.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(copies), indent=1) + "\n", encoding="utf-8")


def _merge_env(app, env, docnames, other):
    for name in ("optbind_csv",):
        mine = getattr(env, name, None) or {}
        mine.update(getattr(other, name, None) or {})
        setattr(env, name, mine)


def setup(app):
    from .bibstyle import register as register_bibliography_styles
    from .courseplan import setup as setup_course_plan

    register_bibliography_styles()
    setup_course_plan(app)
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("env-merge-info", _merge_env)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # before sphinx-book-theme adds its header buttons (default priority 500)
    app.connect("html-page-context", _ipynb_download, priority=400)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _copy_csv)
    app.connect("build-finished", _write_manifest)
    app.connect("build-finished", _drop_source_maps)
    app.connect("build-finished", _trim_static)
    app.connect("build-finished", _strip_source_solutions)
    app.connect("build-finished", _write_root_favicon)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
