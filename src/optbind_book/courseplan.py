"""The ``{course-plan}`` directive: a course plan built from the chapters' overviews.

Every chapter opens with an ``{admonition} Overview`` block that lists **What
you will learn**, **Prerequisites** and **Estimated time**, and ends with
``{exercise}`` blocks.  The directive reads those from the chapters' sources at
build time, so that the plan on the teaching page is always the one the
chapters state.  Its content groups chapters into sessions, one line each::

    ```{course-plan}
    Light and force: classical_binding
    Quantising optical binding: lagrangian, master_equation
    ```

A chapter of ``_toc.yml`` that no line names is appended as a last session, so
that the plan never silently misses a chapter; a chapter without an overview
is shown with "(no overview yet)".
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["CoursePlan", "parse_overview", "setup"]

_FIELD = re.compile(r"^\*\*(?P<name>[^*]+?)\*\*\s*:?\s*(?P<rest>.*)$")


def _overview_block(text: str) -> str:
    m = re.search(
        r"^(?P<fence>`{3,}|:{3,})\{admonition\}\s*Overview[^\n]*\n(?P<body>.*?)"
        r"^(?P=fence)\s*$",
        text,
        re.MULTILINE | re.DOTALL,
    )
    return m.group("body") if m else ""


def parse_overview(text: str) -> dict:
    """Title, learning goals, prerequisites, time and exercises of a chapter.

    Parameters
    ----------
    text : str
        The chapter's MyST source.

    Returns
    -------
    dict
        ``title`` (str), ``goals`` (list of str), ``prerequisites`` (str),
        ``time`` (str), ``minutes`` (int or None: the first "N min"),
        ``exercises`` (list of ``(label, title)``).
    """
    title = re.search(r"^# (.+)$", text, re.MULTILINE)
    body = _overview_block(text)
    out = {
        "title": title.group(1).strip() if title else "",
        "goals": [],
        "prerequisites": "",
        "time": "",
        "minutes": None,
        "exercises": [],
    }
    field, goals = None, []
    for line in body.splitlines():
        stripped = line.strip()
        m = _FIELD.match(stripped)
        if m:
            field = m.group("name").strip().rstrip(":").lower()
            rest = m.group("rest").strip()
            if field.startswith("prerequisite"):
                out["prerequisites"] = rest
            elif field.startswith("estimated time"):
                out["time"] = rest
            continue
        if field and field.startswith("what you will learn"):
            if stripped.startswith(("- ", "* ")):
                goals.append(stripped[2:].strip())
            elif stripped and goals:
                goals[-1] += " " + stripped
        elif field and field.startswith("prerequisite") and stripped:
            out["prerequisites"] += " " + stripped
        elif field and field.startswith("estimated time") and stripped:
            out["time"] += " " + stripped
    out["goals"] = [g.rstrip(";.") for g in goals]
    out["time"] = out["time"].strip().rstrip(".")
    out["prerequisites"] = out["prerequisites"].strip()
    minutes = re.search(r"(\d+)\s*min", out["time"])
    out["minutes"] = int(minutes.group(1)) if minutes else None
    for m in re.finditer(
        r"^(`{3,}|:{3,})\{exercise\}\s*(?P<title>[^\n]*)\n(?P<opts>(?::[^\n]*\n)*)",
        text,
        re.MULTILINE,
    ):
        label = re.search(r"^:label:\s*(\S+)", m.group("opts"), re.MULTILINE)
        if label:
            out["exercises"].append((label.group(1), m.group("title").strip()))
    return out


_GLUE = re.compile(r"\{glue(?P<kind>:[a-z]+)?\}`(?P<body>[^`]+)`")


def _qualified(match, docpath):
    kind, body = match.group("kind") or "", match.group("body")
    if "::" in body:
        return match.group(0)
    if kind == ":text" and ":" not in body:
        body += ":s"  # the text role splits a format at the last colon
    return f"{{glue{kind}}}`{docpath}::{body}`"


def _qualify_glue(overview: dict, docpath: str) -> dict:
    """Point glue roles copied out of a chapter at that chapter (``path::key``)."""

    def fix(value):
        if isinstance(value, str):
            return _GLUE.sub(lambda m: _qualified(m, docpath), value)
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    return {key: fix(value) for key, value in overview.items()}


def _plan_lines(sessions, overviews) -> list[str]:
    lines = [
        "| session | chapters | reading time |",
        "| --- | --- | --- |",
    ]
    for i, (name, docs) in enumerate(sessions, 1):
        minutes = [overviews[d]["minutes"] for d in docs]
        total = (
            f"about {sum(minutes)} min" if all(m is not None for m in minutes) else "-"
        )
        chapters = ", ".join(f"{{doc}}`/{d}`" for d in docs)
        lines.append(f"| {i}. {name} | {chapters} | {total} |")
    lines.append("")
    for i, (name, docs) in enumerate(sessions, 1):
        lines += [f"**Session {i}: {name}**", ""]
        for d in docs:
            ov = overviews[d]
            lines.append(f"- {{doc}}`/{d}`")
            if not ov["goals"] and not ov["time"]:
                lines += ["  (no overview yet)", ""]
                continue
            lines.append(f"  - *Prerequisites*: {ov['prerequisites'] or '-'}")
            lines.append(f"  - *Time*: {ov['time'] or '-'}")
            lines.append("  - *Learning goals*:")
            lines += [f"    - {g}" for g in ov["goals"]]
            refs = ", ".join(f"{{numref}}`{label}`" for label, _ in ov["exercises"])
            lines.append(f"  - *Exercises*: {refs or '-'}")
        lines.append("")
    return lines


def _directive():
    from docutils import nodes
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

    class CoursePlan(SphinxDirective):
        """Sessions of chapters with their goals, prerequisites, time, exercises."""

        has_content = True

        def run(self):
            env = self.env
            known = [d for d in env.found_docs if d.startswith("book/")]
            sessions, named = [], set()
            for line in self.content:
                if not line.strip():
                    continue
                name, _, rest = line.partition(":")
                docs = [f"book/{c.strip()}" for c in rest.split(",") if c.strip()]
                # a chapter that is not (yet) in the book is left out; the
                # teaching test checks that every chapter of _toc.yml is planned
                docs = [d for d in docs if d in known]
                if docs:
                    sessions.append((name.strip(), docs))
                named.update(docs)
            toc = _toc_chapters(Path(env.srcdir))
            rest = [d for d in toc if d not in named and d in known]
            if rest:
                sessions.append(("Further chapters", rest))
            overviews = {}
            for _, docs in sessions:
                for d in docs:
                    path = Path(env.doc2path(d))
                    env.note_dependency(str(path))
                    overview = parse_overview(path.read_text(encoding="utf-8"))
                    rel = "/" + path.relative_to(Path(env.srcdir)).as_posix()
                    overviews[d] = _qualify_glue(overview, rel)
            container = nodes.container(classes=["optbind-course-plan"])
            lines = StringList(
                _plan_lines(sessions, overviews), source=self.get_source_info()[0]
            )
            self.state.nested_parse(lines, self.content_offset, container)
            return [container]

    return CoursePlan


def _toc_chapters(root: Path) -> list[str]:
    """Notebook chapters of ``_toc.yml`` (not the reference pages) in order."""
    from .layout import ChapterError, chapters

    reference = {"book/intro", "book/notation", "book/teaching", "book/bibliography"}
    try:
        return [
            c.docname
            for c in chapters(root)
            if c.is_notebook
            and c.docname not in reference
            and not c.docname.startswith("book/api/")
        ]
    except ChapterError:
        return []


CoursePlan = None  # the directive class, made when Sphinx is imported


def setup(app):
    global CoursePlan
    CoursePlan = _directive()
    app.add_directive("course-plan", CoursePlan)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
