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

__all__ = ["STUDENT_NOTE", "build_site", "build_student", "render_page"]

EXTENSION = "optbind_book.sphinxext"
#: the banner of every page of the student edition
STUDENT_NOTE = "Student edition: the exercises are printed without their solutions."


def _jupyter_book() -> Path:
    jb = Path(sys.executable).with_name("jupyter-book")
    if not jb.is_file():
        raise ChapterError(f"jupyter-book is not installed next to {sys.executable}")
    return jb


def _run_quiet(
    cmd: list[str], cwd: Path, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run a subprocess; on Ctrl-C it is killed (by subprocess.run) and re-raised."""
    return subprocess.run(
        cmd,
        check=False,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def _publishable(root: Path) -> None:
    """Refuse unless every chapter may be published; seed the execution cache."""
    import nbformat

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


def _render(root: Path, path_output: Path, log: Path, extra: list[str]) -> Path:
    """``jupyter-book build`` of the whole book; return its ``html`` folder."""
    html = path_output / "_build" / "html"
    # --all: a fresh Sphinx environment every time.  Rendering takes seconds, and
    # an incremental build would neither re-read a page whose .md is unchanged
    # but whose outputs were re-executed, nor repeat its warnings under -W.
    cmd = [
        str(_jupyter_book()),
        "build",
        str(root),
        *extra,
        "--path-output",
        str(path_output),
        "--all",
        "-W",
        "-n",
        "--keep-going",
    ]
    try:
        proc = _run_quiet(cmd, root)
    except BaseException:
        shutil.rmtree(html, ignore_errors=True)
        raise
    text = proc.stdout + proc.stderr
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(text, encoding="utf-8")
    if proc.returncode != 0:
        sys.stdout.write(text[-8000:])
        shutil.rmtree(html, ignore_errors=True)
        raise ChapterError(
            f"the site build failed (exit {proc.returncode}); {html} removed; "
            f"full log in {log}"
        )
    if "Executing notebook" in text:
        shutil.rmtree(html, ignore_errors=True)
        raise ChapterError(
            "Sphinx executed a notebook although every chapter was executed by "
            f"papermill (cache miss); see {log}"
        )
    return html


def build_site(root: Path | None = None) -> Path:
    """Check every executed chapter, seed the cache and render the HTML site.

    Raises
    ------
    ChapterError
        Naming each chapter that may not be published and why (missing,
        modified or stale executed notebook, error output), before anything
        is rendered; or when the Sphinx build fails.
    """
    root = find_root(root)
    _publishable(root)
    print(
        "rendering the site with jupyter-book (Sphinx, warnings are errors) ...",
        flush=True,
    )
    t0 = time.perf_counter()
    out = build_dir(root)
    _render(root, out.parent, out / "sphinx.log", [])
    index = out / "html" / "index.html"
    print(f"site rendered in {time.perf_counter() - t0:.1f} s: {index}", flush=True)
    return index


def build_student(root: Path | None = None) -> Path:
    """Render the student edition, without solutions, to ``<build>/student/html``.

    The same executed chapters as the site (same checks), rendered with
    sphinx-exercise's ``hide_solutions`` and a banner on every page; the
    extension also removes the solutions from the downloadable ``.md`` and
    ``.ipynb`` files.  Returns the edition's ``index.html``.
    """
    import yaml

    root = find_root(root)
    _publishable(root)
    out = build_dir(root)
    folder = out / "student"
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    config["title"] = f"{config.get('title', 'optbind')} (student edition)"
    html_cfg = config.setdefault("html", {}) or {}
    html_cfg["announcement"] = STUDENT_NOTE
    config["html"] = html_cfg
    execute = config.setdefault("execute", {}) or {}
    execute["cache"] = str(out / ".jupyter_cache")  # the site's cache: no execution
    config["execute"] = execute
    sphinx_cfg = config.setdefault("sphinx", {}) or {}
    sphinx_cfg.setdefault("config", {})["hide_solutions"] = True
    config["sphinx"] = sphinx_cfg
    folder.mkdir(parents=True, exist_ok=True)
    cfg_path = folder / "_config.student.yml"
    cfg_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    print("rendering the student edition (no solutions) ...", flush=True)
    t0 = time.perf_counter()
    html = _render(root, folder, folder / "sphinx.log", ["--config", str(cfg_path)])
    target = folder / "html"
    shutil.rmtree(target, ignore_errors=True)
    shutil.move(str(html), str(target))
    index = target / "index.html"
    print(
        f"student edition rendered in {time.perf_counter() - t0:.1f} s: {index}",
        flush=True,
    )
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
    # the figures of this run, for the "data (CSV)" links of its page
    proc = _run_quiet(cmd, project, env={"OPTBIND_FIGURE_DIRS": str(out / "figures")})
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
