"""Command line: ``python -m optbind_book {list,run,execute,site,build,student,pdf}``.

``student`` renders the student edition (no solutions) to
``<build>/student/html``; ``pdf`` prints the built site to
``<build>/pdf/optbind-book.pdf`` with headless Chromium.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from .layout import (
    ChapterError,
    build_dir,
    chapter_by_name,
    chapters,
    check_output_dir,
    coerce_parameters,
    find_root,
    write_run_marker,
)

__all__ = ["main"]


def _slug(params: dict) -> str:
    import hashlib
    import re

    if not params:
        return "defaults"
    text = "_".join(f"{k}={params[k]}" for k in sorted(params))
    safe = re.sub(r"[^A-Za-z0-9=._-]+", "-", text)[:80]
    digest = hashlib.sha1(repr(sorted(params.items())).encode()).hexdigest()[:8]
    return f"{safe}-{digest}"


def _list(root: Path, names: list[str]) -> None:
    selected = [chapter_by_name(n, root) for n in names] if names else chapters(root)
    for ch in selected:
        if not ch.is_notebook:
            print(f"{ch.name}  (text page)")
            continue
        table = ch.parameter_table()
        print(
            f"{ch.name}  ({ch.source.relative_to(root)}; "
            f"{len(table) or 'no'} parameter{'s' if len(table) != 1 else ''})"
        )
        if not table:
            continue
        w_name = max(len(p.name) for p in table)
        w_def = min(max(len(p.default_text) for p in table), 32)
        w_unit = max([len(p.unit) for p in table] + [4])
        print(
            f"    {'name':<{w_name}}  {'default':<{w_def}}  {'unit':<{w_unit}}  meaning"
        )
        section = ""
        for p in table:
            if p.section and p.section != section:
                print(f"    # {p.section}")
                section = p.section
            print(
                f"    {p.name:<{w_name}}  {p.default_text:<{w_def}}  "
                f"{p.unit or '-':<{w_unit}}  {p.meaning}".rstrip()
            )
        print()


def _run(root: Path, args) -> None:
    from .execute import execute_chapter

    ch = chapter_by_name(args.chapter, root)
    params = coerce_parameters(ch, args.parameter)
    out = args.output or (build_dir(root) / "runs" / ch.name / _slug(params))
    out = check_output_dir(out, root)
    write_run_marker(out, ch, params)
    t0 = time.perf_counter()
    print(f"executing {ch.name} with {params or 'default parameters'} ...", flush=True)
    notebook = out / f"{ch.name}.ipynb"
    execute_chapter(ch, notebook, out / "figures", params, timeout=args.timeout)
    print(
        f"done in {time.perf_counter() - t0:.1f} s; notebook {notebook}, "
        f"figures and CSV data in {out / 'figures'}",
        flush=True,
    )
    if args.html:
        from .site import render_page

        t0 = time.perf_counter()
        page = render_page(ch, notebook, out, root, params)
        print(
            f"html page rendered in {time.perf_counter() - t0:.1f} s: {page}",
            flush=True,
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m optbind_book",
        description="Execute the book's chapters with papermill and render the site.",
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_list = sub.add_parser("list", help="list the chapters and their parameters")
    p_list.add_argument("chapters", nargs="*", help="only these chapters")
    p_run = sub.add_parser("run", help="re-execute one chapter with other parameters")
    p_run.add_argument("chapter", help="chapter name (file stem), see 'list'")
    p_run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="parameter value, checked against the type of its default; repeatable",
    )
    p_run.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output folder: under _build/runs/ (default _build/runs/<chapter>/"
        "<parameters>), a new folder under _build/, or outside the repository",
    )
    p_run.add_argument(
        "--html",
        action="store_true",
        help="also render the executed chapter as an HTML page of its own",
    )
    p_run.add_argument(
        "--timeout",
        type=int,
        default=1800,
        help="seconds a single cell may run (default 1800)",
    )
    p_ex = sub.add_parser(
        "execute", help="execute the chapters whose results are not valid"
    )
    p_ex.add_argument("chapters", nargs="*", help="only these chapters")
    p_ex.add_argument(
        "--force", action="store_true", help="execute even if the inputs are unchanged"
    )
    p_build = sub.add_parser(
        "build", help="execute what is needed, then render the site"
    )
    p_build.add_argument(
        "--force", action="store_true", help="execute even if the inputs are unchanged"
    )
    sub.add_parser("site", help="check the executed chapters and render the site")
    sub.add_parser(
        "student",
        help="render the student edition without solutions to <build>/student/html",
    )
    p_pdf = sub.add_parser(
        "pdf", help="print the built site to <build>/pdf/optbind-book.pdf (Chromium)"
    )
    p_pdf.add_argument(
        "--api", action="store_true", help="also print the API reference pages"
    )
    return parser


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    from .execute import Interrupted

    try:
        root = find_root()
        if args.cmd == "list":
            _list(root, args.chapters)
        elif args.cmd == "run":
            _run(root, args)
        elif args.cmd == "execute":
            from .execute import execute_all

            execute_all(root, args.chapters or None, force=args.force)
        elif args.cmd == "site":
            from .site import build_site

            build_site(root)
        elif args.cmd == "student":
            from .site import build_student

            build_student(root)
        elif args.cmd == "pdf":
            from .pdf import build_pdf

            build_pdf(root, include_api=args.api)
        elif args.cmd == "build":
            from .execute import execute_all
            from .site import build_site

            t0 = time.perf_counter()
            execute_all(root, force=args.force)
            build_site(root)
            print(f"book built in {time.perf_counter() - t0:.1f} s", flush=True)
    except ChapterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(
            f"interrupted during '{args.cmd}'; nothing half-written was left under "
            "a valid name",
            file=sys.stderr,
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
