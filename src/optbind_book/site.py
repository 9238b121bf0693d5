"""Render the book's site, and one re-executed chapter as a page of its own.

The site is rendered by jupyter-book (Sphinx, warnings are errors) from the
executed notebooks only after every chapter passed
:func:`optbind_book.execute.publish_problem`; the execution cache is seeded from
those verified notebooks right before rendering, so Sphinx publishes exactly
what was checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .execute import executed_notebook, publish_problem, seed_cache
from .layout import Chapter, ChapterError, build_dir, chapters, find_root

__all__ = ["build_site", "render_page"]

EXTENSION = "optbind_book.sphinxext"


def _jupyter_book() -> Path:
    jb = Path(sys.executable).with_name("jupyter-book")
    if not jb.is_file():
        raise ChapterError(f"jupyter-book is not installed next to {sys.executable}")
    return jb


def _run_quiet(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run a subprocess; on Ctrl-C it is killed (by subprocess.run) and re-raised."""
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def build_site(root: Path | None = None) -> Path:
    """Check every executed chapter, seed the cache and render the HTML site.

    Raises
    ------
    ChapterError
        Naming each chapter that may not be published and why (missing,
        modified or stale executed notebook, error output), before anything
        is rendered; or when the Sphinx build fails.
    """
    import nbformat

    root = find_root(root)
    nbs = [c for c in chapters(root) if c.is_notebook]
    problems = []
    for ch in nbs:
        problem = publish_problem(ch, root)
        if problem:
            problems.append(f"refusing to publish chapter {ch.name!r}: {problem}")
    if problems:
        names = " ".join(
            c.name for c in nbs if any(f"'{c.name}'" in p for p in problems)
        )
        raise ChapterError(
            "\n".join(problems) + "\nnothing was rendered; re-execute with: "
            f"python -m optbind_book execute {names}"
        )
    for ch in nbs:
        seed_cache(ch, nbformat.read(executed_notebook(ch, root), as_version=4), root)
    print(
        "rendering the site with jupyter-book (Sphinx, warnings are errors) ...",
        flush=True,
    )
    t0 = time.perf_counter()
    out = build_dir(root)
    # --all: a fresh Sphinx environment every time.  Rendering takes seconds, and
    # an incremental build would neither re-read a page whose .md is unchanged
    # but whose outputs were re-executed, nor repeat its warnings under -W.
    cmd = [
        str(_jupyter_book()),
        "build",
        str(root),
        "--path-output",
        str(out.parent),
        "--all",
        "-W",
        "-n",
        "--keep-going",
    ]
    try:
        proc = _run_quiet(cmd, root)
    except BaseException:
        shutil.rmtree(out / "html", ignore_errors=True)
        raise
    log = proc.stdout + proc.stderr
    out.mkdir(parents=True, exist_ok=True)
    (out / "sphinx.log").write_text(log, encoding="utf-8")
    if proc.returncode != 0:
        sys.stdout.write(log[-8000:])
        shutil.rmtree(out / "html", ignore_errors=True)
        raise ChapterError(
            f"the site build failed (exit {proc.returncode}); {out / 'html'} removed; "
            f"full log in {out / 'sphinx.log'}"
        )
    if "Executing notebook" in log:
        shutil.rmtree(out / "html", ignore_errors=True)
        raise ChapterError(
            "Sphinx executed a notebook although every chapter was executed by "
            f"papermill (cache miss); see {out / 'sphinx.log'}"
        )
    index = out / "html" / "index.html"
    print(f"site rendered in {time.perf_counter() - t0:.1f} s: {index}", flush=True)
    return index


def _page_config(root: Path, chapter: Chapter, parameters: dict, project: Path) -> dict:
    """The book's ``_config.yml``, adapted to a one-page project in ``project``."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    title = config.get("title", "")
    shown = (
        ", ".join(f"{k}={v!r}" for k, v in parameters.items()) or "default parameters"
    )
    config["title"] = f"{title}: {chapter.name} ({shown})" if title else chapter.name
    config["only_build_toc_files"] = True
    config["exclude_patterns"] = ["_build/*", "**/.ipynb_checkpoints"]
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = "off"
    execute.pop("cache", None)
    html = config.setdefault("html", {})
    html["announcement"] = (
        f"Chapter {chapter.name} re-executed with {shown}; not the published book."
    )
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.setdefault("extra_extensions", []) or []
    if EXTENSION not in extensions:
        extensions.append(EXTENSION)
    sphinx["extra_extensions"] = extensions
    # files the configuration points to (bibliography, favicon, logo)
    referenced = list(config.get("bibtex_bibfiles", []) or [])
    referenced += [
        config.get("logo") or "",
        sphinx.get("config", {}).get("html_favicon", ""),
    ]
    for rel in referenced:
        src = root / rel if rel else None
        if src and src.is_file():
            dest = project / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    return config


def render_page(
    chapter: Chapter,
    notebook: Path,
    out: Path,
    root: Path,
    parameters: dict | None = None,
) -> Path:
    """Render an executed notebook as an HTML page of its own in ``out/html``.

    A one-page jupyter-book project is made in ``out/.html-project`` from the
    notebook, the book's configuration (theme, the offline extension
    :mod:`optbind_book.sphinxext`, bibliography and the page that prints it)
    and the chapter folder's assets; execution is off.  Links to other
    chapters degrade to plain text (Sphinx warns, and the warnings do not fail
    this build).

    Returns
    -------
    Path
        The page ``out/html/<docname>.html``.
    """
    import yaml

    root = find_root(root)
    out = Path(out)
    project = out / ".html-project"
    shutil.rmtree(project, ignore_errors=True)
    target = project / f"{chapter.docname}.ipynb"
    target.parent.mkdir(parents=True)
    # the chapter folder's assets (images, bibliography), never the sources
    folder = chapter.source.parent
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if (
            p.is_file()
            and p.suffix not in (".md", ".ipynb")
            and not any(part.startswith(("_build", ".")) for part in rel.parts)
        ):
            dest = target.parent / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, dest)
    shutil.copy2(notebook, target)
    config = _page_config(root, chapter, dict(parameters or {}), project)
    (project / "_config.yml").write_text(
        yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
    )
    # text pages holding the bibliography, so that citations still resolve
    toc = {"format": "jb-book", "root": chapter.docname}
    extra = [
        c
        for c in chapters(root)
        if not c.is_notebook
        and c.docname != chapter.docname
        and "{bibliography}" in c.source.read_text(encoding="utf-8")
    ]
    for page in extra:
        dest = project / f"{page.docname}.md"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page.source, dest)
    if extra:
        toc["chapters"] = [{"file": page.docname} for page in extra]
    (project / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    html = out / "html"
    shutil.rmtree(html, ignore_errors=True)
    cmd = [
        str(_jupyter_book()),
        "build",
        str(project),
        "--path-output",
        str(project),
        "--all",
        "--keep-going",
    ]
    proc = _run_quiet(cmd, project)
    log = proc.stdout + proc.stderr
    (out / "html.log").write_text(log, encoding="utf-8")
    built = project / "_build" / "html"
    page = built / f"{chapter.docname}.html"
    if proc.returncode != 0 or not page.is_file():
        raise ChapterError(
            f"rendering {chapter.name} as HTML failed (exit {proc.returncode}); "
            f"log in {out / 'html.log'}"
        )
    shutil.move(str(built), str(html))
    shutil.rmtree(project, ignore_errors=True)
    warnings = sum("WARNING" in line for line in log.splitlines())
    if warnings:
        print(
            f"html: {warnings} Sphinx warning(s) (links to other chapters become "
            f"plain text); see {out / 'html.log'}",
            flush=True,
        )
    return html / f"{chapter.docname}.html"
