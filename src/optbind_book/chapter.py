"""The chapter kit: one figure style, figures with data, glued numbers, tables, checks.

Usage (the hidden set-up cell of every chapter)::

    from optbind_book.chapter import Chapter

    ch = Chapter("classical_binding")   # applies the book's figure style
    fig, ax = ch.subplots()             # full column width; width="half" for narrow
    ax.plot(x, y, label="data")
    ax.set(xlabel=r"$k d$", ylabel=r"force / $F_0$")
    ch.legend(ax)                       # legend above the axes, outside the data
    ch.figure(fig, "green-tensor", data={"kd": x, "F": y}, alt="Force against k d")
    ch.glue("kd-min", kd_min, fmt="{:.3g}")      # prose: {glue:text}`kd-min`
    ch.table("errors", rows, columns=["method", "error"], fmt={"error": "{:.1e}"})
    ch.check(err < 1e-12, "closed form and quadrature agree", detail=f"{err:.1e}")

and in the Markdown, ```` ```{glue:figure} fig-green-tensor ```` with ``:name:
fig-green-tensor``, ``:alt:`` and a caption; a table is ```` ```{glue:md}
tab-errors ```` with ``:format: myst`` (inside a ```` ```{table} caption ````
block for a numbered table).  :meth:`Chapter.figure` refuses a figure whose text
is smaller than the book's minimum, whose labels overlap or leave the canvas,
whose legend covers data, or whose axes lack a label: fix the figure, do not
work around the check.  Figures and CSV files go to ``$OPTBIND_OUTPUT_DIR``
(set by ``python -m optbind_book``), else to ``./_figures/<chapter>/``.

This module is book tooling and never imports ``optbind``; it needs only the
standard library, matplotlib and IPython, because the downloadable notebooks
carry an inlined copy of it (they run wherever ``optbind`` and matplotlib are
installed).  Sizes: a full-width figure is ``FULL_WIDTH_IN`` inches wide and
is shown at most at its true size (96 CSS px per inch), so that a
``FONT_PT``-point text is >= ``MIN_SCREEN_PX`` px on screen both in the
1400 px layout and on a 390 px phone (column ``PHONE_COLUMN_PX`` px); it is
rendered at ``DPI`` dots per inch, i.e. >= 2x its displayed size.
"""

from __future__ import annotations

import csv
import html
import io
import math
import os
import re
from pathlib import Path

__all__ = [
    "CSV_DIGITS",
    "DPI",
    "FONT_PT",
    "FULL_WIDTH_IN",
    "HALF_WIDTH_IN",
    "MIN_SCREEN_PX",
    "OUTPUT_ENV",
    "PHONE_COLUMN_PX",
    "STYLE",
    "Chapter",
    "FigureCheckError",
    "check_figure",
    "minimum_font_pt",
    "sci",
]

#: Significant digits of a figure's CSV data unless a figure asks for more (the
#: data of a plot are read by eye; exact digits would double the site's size).
CSV_DIGITS = 7
#: Set by the runner to the folder where the chapter writes figures and CSV.
OUTPUT_ENV = "OPTBIND_OUTPUT_DIR"
#: Width (in) of a full-column figure and of a narrow one.
FULL_WIDTH_IN = 6.0
HALF_WIDTH_IN = 3.5
#: Font size (pt) of every text on a figure (ticks, labels, legends, titles).
FONT_PT = 13.0
#: Rendering resolution (dots per inch); figures are shown at <= 96 px/in.
DPI = 200
CSS_PX_PER_IN = 96.0
#: Width (CSS px) of the text column on a 390 px phone (measured, sphinx-book-theme).
PHONE_COLUMN_PX = 343.0
#: The smallest text on a figure, in CSS px on screen.
MIN_SCREEN_PX = 10.0
#: The book's matplotlib style (rcParams), applied by :class:`Chapter`.
STYLE = {
    "figure.figsize": (FULL_WIDTH_IN, 3.7),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "figure.constrained_layout.use": True,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "savefig.bbox": None,
    "axes.facecolor": "white",
    "axes.edgecolor": "#222222",
    "axes.labelcolor": "#111111",
    "axes.titlecolor": "#111111",
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "text.color": "#111111",
    "font.size": FONT_PT,
    "axes.titlesize": FONT_PT,
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "legend.fontsize": FONT_PT,
    "legend.title_fontsize": FONT_PT,
    "figure.titlesize": FONT_PT,
    "figure.labelsize": FONT_PT,
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "legend.columnspacing": 1.2,
    "axes.linewidth": 1.0,
    "lines.linewidth": 2.0,
    "lines.markersize": 6.0,
    "xtick.major.width": 1.0,
    "ytick.major.width": 1.0,
    "axes.formatter.use_mathtext": True,
    "axes.formatter.limits": (-3, 4),
    "mathtext.fontset": "dejavusans",
    "image.cmap": "viridis",
}

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_GLUE_PREFIX = "application/papermill.record/"


class FigureCheckError(ValueError):
    """A figure breaks the book's figure rules (the message says which and where)."""


# ----------------------------------------------------------------------------
# small validation helpers
# ----------------------------------------------------------------------------
def _check_name(name, what: str = "name") -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            f"{what} must be letters, digits, '-' and '_' (starting with a letter "
            f"or digit); got {name!r}"
        )
    return name


def _check_text(text, what: str, min_len: int = 1) -> str:
    if not isinstance(text, str) or len(text.strip()) < min_len:
        raise ValueError(f"{what} must be a text of at least {min_len} characters")
    return text.strip()


# ----------------------------------------------------------------------------
# glue without myst-nb (the same output format as myst_nb.glue)
# ----------------------------------------------------------------------------
def _glue(key: str, mimebundle: dict, display: bool = False) -> None:
    """Display ``mimebundle`` as the glued variable ``key`` (myst-nb format)."""
    from IPython.display import display as ipy_display

    prefix = "" if display else _GLUE_PREFIX
    metadata = {"scrapbook": {"name": key, "mime_prefix": prefix}}
    ipy_display(
        {prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata
    )


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def sci(digits: int = 3):
    """A formatter for :meth:`Chapter.glue`: ``sci(2)(8.1e-33) == '8.1 × 10⁻³³'``.

    ``digits`` significant digits; numbers between 0.01 and 1000 are written
    without a power of ten (``'0.25'``, ``'12.5'``).
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer; got {digits!r}")

    def fmt(value) -> str:
        x = float(value)
        if not math.isfinite(x) or x == 0:
            return f"{x:g}"
        if not (1e-2 <= abs(x) < 1e3):
            mant, exp = f"{x:.{digits - 1}e}".split("e")
            out = f"{mant} \u00d7 10{str(int(exp)).translate(_SUPERSCRIPT)}"
        else:
            out = f"{x:.{digits}g}"
        return "\u2212" + out[1:] if out.startswith("-") else out

    return fmt


def _format(value, fmt) -> str:
    if fmt is None:
        return str(value)
    if callable(fmt):
        return str(fmt(value))
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string like '{{:.3g}}'; got {fmt!r}")
    return fmt.format(value) if "{" in fmt else format(value, fmt)


# ----------------------------------------------------------------------------
# figure rules
# ----------------------------------------------------------------------------
def _bbox_overlap(a, b, pad: float = 0.5) -> bool:
    return (
        a.x0 + pad < b.x1 - pad
        and b.x0 + pad < a.x1 - pad
        and a.y0 + pad < b.y1 - pad
        and b.y0 + pad < a.y1 - pad
    )


def _axis_texts(axis):
    """The texts an Axis draws: tick labels inside the view, label, offset."""
    try:
        ticks = axis._update_ticks()  # the ticks matplotlib actually draws
    except AttributeError:  # pragma: no cover - private API changed
        ticks = axis.get_major_ticks()
    out = []
    for tick in ticks:
        for lab in (tick.label1, tick.label2):
            if tick.get_visible() and lab.get_visible():
                out.append(lab)
    return out + [axis.label, axis.offsetText]


def _legend_texts(leg):
    if leg is None or not leg.get_visible():
        return []
    return list(leg.get_texts()) + [leg.get_title()]


def _visible_texts(fig, renderer):
    """(text artist, window extent) of every drawn, non-empty text of ``fig``."""
    candidates = list(fig.texts) + [
        getattr(fig, attr, None) for attr in ("_suptitle", "_supxlabel", "_supylabel")
    ]
    for leg in fig.legends:
        candidates += _legend_texts(leg)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        if ax.axison:
            for axis in ax._axis_map.values():
                if axis.get_visible():
                    candidates += _axis_texts(axis)
        candidates += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        candidates += _legend_texts(ax.get_legend())
    found, seen = [], set()
    for t in candidates:
        if t is None or id(t) in seen:
            continue
        seen.add(id(t))
        if not t.get_visible() or not t.get_text().strip():
            continue
        try:
            box = t.get_window_extent(renderer)
        except (RuntimeError, ValueError):
            continue
        if box.width <= 0 or box.height <= 0:
            continue
        found.append((t, box))
    return found


def _tick_label_visible(axis, renderer) -> bool:
    return any(lab.get_text().strip() for lab in _axis_texts(axis)[:-2])


def _data_points(ax):
    """Display coordinates of the data drawn in ``ax`` (lines, markers, fills)."""
    import matplotlib.collections as mcoll
    import numpy as np

    pts = []
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        if len(xy) == 0:
            continue
        if len(xy) > 1:  # densify segments, so a sparse line still counts
            t = np.linspace(0.0, 1.0, 12)[:-1, None, None]
            seg = xy[:-1] + t * (xy[1:] - xy[:-1])
            xy = np.concatenate([seg.reshape(-1, 2), xy[-1:]])
        pts.append(line.get_transform().transform(xy))
    for coll in ax.collections:
        if not coll.get_visible():
            continue
        if isinstance(coll, mcoll.QuadMesh):
            return None  # a map fills the axes: any legend inside covers data
        offsets = coll.get_offsets()
        if len(offsets) and not isinstance(coll, mcoll.PolyCollection):
            pts.append(coll.get_offset_transform().transform(offsets))
        for path in coll.get_paths():
            if len(path.vertices):
                pts.append(coll.get_transform().transform(path.vertices))
    if ax.images:
        return None
    if not pts:
        return np.zeros((0, 2))
    xy = np.concatenate(pts)
    return xy[np.all(np.isfinite(xy), axis=1)]


def check_figure(fig, *, min_font_pt: float | None = None) -> list[str]:
    """The book's figure rules that ``fig`` breaks (empty list: none).

    Rules: every text at least ``min_font_pt`` (default: what makes
    ``MIN_SCREEN_PX`` px on a phone for this figure width), no two texts
    overlapping, every text inside the canvas, no legend covering drawn data
    (lines, markers, fills, maps), every axis with tick labels has a label
    (colorbars too); polar axes need no axis labels.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width_in = fig.get_figwidth()
    if min_font_pt is None:
        min_font_pt = minimum_font_pt(width_in)
    problems = []
    texts = _visible_texts(fig, renderer)
    fig_box = fig.bbox
    for t, box in texts:
        size = t.get_fontsize()
        if size < min_font_pt - 1e-6:
            problems.append(
                f"text '{_plain(t.get_text())}' is {size:.1f} pt; the minimum for a "
                f"{width_in:.2f} in wide figure is {min_font_pt:.1f} pt"
            )
        if (
            box.x0 < fig_box.x0 - 1
            or box.y0 < fig_box.y0 - 1
            or box.x1 > fig_box.x1 + 1
            or box.y1 > fig_box.y1 + 1
        ):
            problems.append(
                f"text '{_plain(t.get_text())}' is cut off by the figure edge"
            )
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1 :]:
            if _bbox_overlap(box_a, box_b, pad=1.0):
                first, second = _plain(a.get_text()), _plain(b.get_text())
                problems.append(f"texts '{first}' and '{second}' overlap")
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for leg in legends:
        if leg is None or not leg.get_visible():
            continue
        lbox = leg.get_window_extent(renderer)
        for ax in fig.axes:
            if not ax.get_visible() or not _bbox_overlap(lbox, ax.bbox, pad=0.0):
                continue
            pts = _data_points(ax)
            if pts is None:
                problems.append(
                    "a legend lies on a map or image: put it outside the axes "
                    "(ch.legend)"
                )
                continue
            inside = (
                (pts[:, 0] >= lbox.x0)
                & (pts[:, 0] <= lbox.x1)
                & (pts[:, 1] >= lbox.y0)
                & (pts[:, 1] <= lbox.y1)
            )
            if inside.any():
                problems.append(
                    "a legend covers data points: put it outside the data (ch.legend)"
                )
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison or ax.name != "rectilinear":
            continue
        cbar = getattr(ax, "_colorbar", None)
        if cbar is not None:
            long_axis = cbar.long_axis
            if not long_axis.get_label_text().strip():
                problems.append("a colorbar has no label")
            continue
        for axis, which in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if _tick_label_visible(axis, renderer) and not (
                axis.get_label_text().strip() and axis.label.get_visible()
            ):
                problems.append(f"an axes has {which} tick labels but no {which} label")
    return _summarise(problems)


def _plain(text: str) -> str:
    return re.sub(r"\\mathdefault\{([^}]*)\}", r"\1", text).replace("$", "")


def _summarise(problems: list[str], limit: int = 8) -> list[str]:
    """One message per problem, in order; at most ``limit`` plus a count."""
    seen, unique = set(), []
    for p in problems:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    if len(unique) > limit:
        unique = unique[:limit] + [f"... and {len(unique) - limit} more"]
    return unique


def minimum_font_pt(width_in: float) -> float:
    """The smallest font (pt) that is ``MIN_SCREEN_PX`` px on screen.

    A figure ``width_in`` inches wide is shown at ``min(96, PHONE_COLUMN_PX /
    width_in)`` CSS px per inch on a phone (never enlarged beyond its true
    size), so a text of ``s`` pt is ``s / 72 * px_per_in`` px.
    """
    px_per_in = min(CSS_PX_PER_IN, PHONE_COLUMN_PX / float(width_in))
    return MIN_SCREEN_PX * 72.0 / px_per_in


def _render_png(fig, metadata: dict) -> bytes:
    """PNG bytes of ``fig`` at ``DPI``: white RGB reduced to 256 colours.

    The palette (median cut, no dithering) is visually identical for line
    plots and colour maps and makes the files about three times smaller; the
    ``metadata`` goes into the PNG's text chunks.
    """
    from PIL import Image, PngImagePlugin

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    buf.seek(0)
    with Image.open(buf) as im:
        rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    rgb = Image.alpha_composite(white, rgba).convert("RGB")
    quantized = rgb.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        info.add_text(key, str(value))
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True, pnginfo=info, dpi=(DPI, DPI))
    return out.getvalue()


# ----------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------
class _Glued:
    """A glued text: ``repr`` is the text itself (no quotes in the prose)."""

    def __init__(self, text: str, markdown: str | None = None, html_: str = ""):
        self.text, self.markdown, self.html = text, markdown, html_

    def __repr__(self) -> str:
        return self.text

    def bundle(self) -> dict:
        out = {"text/plain": self.text}
        if self.markdown is not None:
            out["text/markdown"] = self.markdown
        if self.html:
            out["text/html"] = self.html
        return out


def _rows_of(data, columns):
    """(columns, rows of cells) from a DataFrame, a dict of columns or row tuples."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas.DataFrame
        cols = [str(c) for c in data.columns] if columns is None else list(columns)
        rows = [list(r) for r in data[list(data.columns)].itertuples(index=False)]
        if columns is not None and len(columns) != len(data.columns):
            raise ValueError(
                f"columns has {len(columns)} names for {len(data.columns)} columns"
            )
        return cols, rows
    if isinstance(data, dict):
        cols = list(data) if columns is None else list(columns)
        values = [list(v) for v in data.values()]
        lengths = {len(v) for v in values}
        if len(lengths) > 1:
            raise ValueError(f"table columns must have equal lengths; got {lengths}")
        return cols, [list(r) for r in zip(*values, strict=True)]
    rows = [list(r) for r in data]
    if columns is None:
        raise ValueError("columns is required when the table is given as rows")
    for i, r in enumerate(rows):
        if len(r) != len(columns):
            raise ValueError(
                f"row {i} has {len(r)} cells but there are {len(columns)} columns"
            )
    return list(columns), rows


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ----------------------------------------------------------------------------
# the chapter
# ----------------------------------------------------------------------------
class Chapter:
    """The kit of one chapter: figure style, output folder, glue, tables, checks.

    Parameters
    ----------
    name : str
        The chapter's short name (its file stem, e.g. ``"classical_binding"``).
    output_dir : str or Path, optional
        Where figures and CSV files go; default ``$OPTBIND_OUTPUT_DIR`` if set
        (the runner sets it), else ``./_figures/<name>``.

    Examples
    --------
    >>> ch = Chapter("toy", output_dir=tmp)            # doctest: +SKIP
    >>> fig, ax = ch.subplots()                        # doctest: +SKIP
    """

    def __init__(self, name: str, *, output_dir=None):
        import matplotlib as mpl

        self.name = _check_name(name, "chapter name")
        if output_dir is None:
            env = os.environ.get(OUTPUT_ENV)
            output_dir = Path(env) if env else Path.cwd() / "_figures" / name
        self.folder = Path(output_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        mpl.rcParams.update(STYLE)
        # the runner glues hidden outputs that the book places as figures; an
        # interactive session also shows each figure where it is made
        self.display = not os.environ.get(OUTPUT_ENV)
        self.checks: list[tuple[str, str]] = []
        self.glued: dict[str, str] = {}
        self.figures: dict[str, Path] = {}
        self._keys: set[str] = set()

    # -- figures ---------------------------------------------------------------
    def subplots(
        self, nrows: int = 1, ncols: int = 1, *, width="full", height=None, **kwargs
    ):
        """``plt.subplots`` with the book's sizes and constrained layout.

        Parameters
        ----------
        nrows, ncols : int
            Grid of axes (positive integers).
        width : {"full", "half"} or float
            Full column width (``FULL_WIDTH_IN`` in), a narrow figure
            (``HALF_WIDTH_IN`` in), or a width in inches (at most the full width).
        height : float, optional
            Height in inches (default: 3.7 in for one row, 2.8 in per row else;
            ``0.85 * width`` for a narrow single panel).
        **kwargs
            Passed to ``plt.subplots`` (``sharex``, ``subplot_kw``, ...).
        """
        import matplotlib.pyplot as plt

        for value, what in ((nrows, "nrows"), (ncols, "ncols")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{what} must be a positive integer; got {value!r}")
        if width == "full":
            w = FULL_WIDTH_IN
        elif width == "half":
            w = HALF_WIDTH_IN
        elif isinstance(width, (int, float)) and not isinstance(width, bool):
            w = float(width)
            if not (1.0 <= w <= FULL_WIDTH_IN):
                raise ValueError(
                    f"width must be 'full', 'half' or inches in [1, {FULL_WIDTH_IN}]; "
                    f"got {width!r}"
                )
        else:
            raise ValueError(f"width must be 'full', 'half' or inches; got {width!r}")
        if height is None:
            if nrows == 1:
                height = 0.85 * w if w <= HALF_WIDTH_IN else 3.7
            else:
                height = 2.8 * nrows
        if isinstance(height, bool) or not (
            isinstance(height, (int, float)) and 1.0 <= height <= 12.0
        ):
            raise ValueError(f"height must be inches in [1, 12]; got {height!r}")
        kwargs.setdefault("layout", "constrained")
        return plt.subplots(nrows, ncols, figsize=(w, float(height)), **kwargs)

    def legend(self, target, *, where: str = "top", ncols: int | None = None, **kwargs):
        """A legend outside the data: above (``where="top"``) or right of it.

        ``target`` is an Axes (its own handles) or a Figure (the handles of all
        its axes, one legend above the panels).  Returns the Legend.
        """
        import matplotlib.figure as mfig

        if where not in ("top", "right"):
            raise ValueError(f"where must be 'top' or 'right'; got {where!r}")
        if isinstance(target, mfig.Figure):
            handles, labels, seen = [], [], set()
            for ax in target.axes:
                for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                    if lab not in seen:
                        seen.add(lab)
                        handles.append(h)
                        labels.append(lab)
            n = ncols or min(len(labels), 3) or 1
            loc = "outside upper center" if where == "top" else "outside right upper"
            return target.legend(handles, labels, loc=loc, ncols=n, **kwargs)
        handles, labels = target.get_legend_handles_labels()
        if where == "top":
            n = ncols or min(len(labels), 2) or 1
            return target.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.02),
                borderaxespad=0.0,
                ncols=n,
                **kwargs,
            )
        return target.legend(
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0.0,
            ncols=ncols or 1,
            **kwargs,
        )

    def figure(
        self, fig, name: str, *, data: dict, alt: str, digits: int | None = CSV_DIGITS
    ) -> None:
        """Check, save and glue a figure; write its data; close it.

        Writes ``<name>.png`` (``DPI`` dots per inch, the figure's exact size,
        white background; the alt text and the figure's sizes in the PNG's
        text chunks) and ``<name>.csv`` (columns of ``data``, header = keys,
        ``digits`` significant digits), glues the PNG under
        ``"fig-<name>"`` and closes the figure.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
        name : str
            File stem and glue key suffix (letters, digits, ``-``, ``_``).
        data : dict
            Equal-length columns (arrays are flattened), at least one.
        alt : str
            What the figure shows, for readers who cannot see it (>= 15 chars).
        digits : int or None, optional
            Significant digits in the CSV (1-17; default ``CSV_DIGITS``, more
            than a plot can show); ``None``: the shortest text that reads back
            to the same float (exact, for reference data compared digit by
            digit).

        Raises
        ------
        FigureCheckError
            If the figure breaks a rule of :func:`check_figure`.
        """
        import matplotlib.figure as mfig
        import matplotlib.pyplot as plt

        if not isinstance(fig, mfig.Figure):
            raise TypeError(
                f"fig must be a matplotlib Figure; got {type(fig).__name__}"
            )
        name = _check_name(name)
        alt = _check_text(alt, "alt", min_len=15)
        if not isinstance(data, dict) or not data:
            raise ValueError("data must be a non-empty dict of columns")
        if digits is not None and (
            isinstance(digits, bool)
            or not isinstance(digits, int)
            or not (1 <= digits <= 17)
        ):
            raise ValueError(f"digits must be an integer in [1, 17]; got {digits!r}")
        key = self._new_key(f"fig-{name}")
        problems = check_figure(fig)
        if problems:
            plt.close(fig)
            raise FigureCheckError(
                f"figure {name!r} of chapter {self.name!r} breaks the book's figure "
                "rules:\n  - " + "\n  - ".join(problems)
            )
        csv_path = self._write_csv(name, data, digits)
        min_pt = min(
            (
                t.get_fontsize()
                for t, _ in _visible_texts(fig, fig.canvas.get_renderer())
            ),
            default=FONT_PT,
        )
        metadata = {
            "Title": f"{self.name}: {name}",
            "Description": alt,
            "Software": "optbind_book.chapter (matplotlib)",
            "optbind:width_in": f"{fig.get_figwidth():.4f}",
            "optbind:height_in": f"{fig.get_figheight():.4f}",
            "optbind:dpi": str(DPI),
            "optbind:min_font_pt": f"{min_pt:.3f}",
            "optbind:csv": csv_path.name,
        }
        png = _render_png(fig, metadata)
        path = self.folder / f"{name}.png"
        path.write_bytes(png)
        plt.close(fig)
        from base64 import b64encode

        width_px = round(fig.get_figwidth() * CSS_PX_PER_IN)
        bundle = {"image/png": b64encode(png).decode("ascii"), "text/plain": alt}
        from IPython.display import display as ipy_display

        prefix = "" if self.display else _GLUE_PREFIX
        ipy_display(
            {prefix + k: v for k, v in bundle.items()},
            raw=True,
            metadata={
                # myst-nb reads the display width from the unprefixed key
                "image/png": {"width": width_px},
                prefix + "image/png": {"width": width_px},
                "scrapbook": {"name": key, "mime_prefix": prefix},
            },
        )
        self.figures[name] = path

    def _write_csv(self, name: str, data: dict, digits: int) -> Path:
        import numpy as np

        cols = {}
        for k, v in data.items():
            _check_text(str(k), "a data column name")
            arr = np.ravel(np.asarray(v))
            if arr.dtype.kind not in "biufc":
                raise TypeError(f"data column {k!r} is not numeric ({arr.dtype})")
            cols[str(k)] = arr
        lengths = {len(v) for v in cols.values()}
        if len(lengths) != 1:
            sizes = {k: len(v) for k, v in cols.items()}
            raise ValueError(f"data columns must have equal lengths; got {sizes}")

        def cell(x):
            if digits is None:
                return repr(complex(x)) if np.iscomplexobj(x) else repr(float(x))
            if np.iscomplexobj(x):
                z = complex(x)
                return f"{z.real:.{digits}g}{z.imag:+.{digits}g}j"
            return f"{float(x):.{digits}g}"

        path = self.folder / f"{name}.csv"
        with path.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(cols))
            for row in zip(*cols.values(), strict=True):
                w.writerow([cell(x) for x in row])
        return path

    # -- numbers, tables, checks -------------------------------------------------
    def glue(self, key: str, value, fmt=None) -> None:
        """Glue ``value`` formatted with ``fmt`` (e.g. ``"{:.3g}"``) as ``key``.

        In the prose: ``{glue:text}`key```.  The formatted text is kept in
        ``self.glued[key]`` (nothing is returned, so that nothing is echoed).
        """
        key = self._new_key(_check_name(key, "key"))
        text = _format(value, fmt)
        _glue(key, _Glued(text).bundle())
        self.glued[key] = text

    def table(self, key: str, data, *, columns=None, fmt=None) -> None:
        """Glue a table as ``"tab-<key>"`` (Markdown and HTML).

        The Markdown is kept in ``self.glued["tab-<key>"]``.

        Parameters
        ----------
        key : str
            Glue key suffix.
        data : pandas.DataFrame, dict of columns, or sequence of rows
        columns : list of str, optional
            Column headers (required for rows; renames a DataFrame's columns).
        fmt : dict, optional
            ``{column: format}`` for the cells of a column (``"{:.3g}"`` or a
            callable); other cells are shown with ``str``.

        In the Markdown: ```` ```{glue:md} tab-<key> ```` with ``:format: myst``.
        """
        key = self._new_key(f"tab-{_check_name(key, 'key')}")
        cols, rows = _rows_of(data, columns)
        fmt = dict(fmt or {})
        unknown = set(fmt) - set(cols)
        if unknown:
            raise ValueError(
                f"fmt names unknown columns {sorted(unknown)}; columns are {cols}"
            )
        cells = [
            [_format(v, fmt.get(c)) for c, v in zip(cols, r, strict=True)] for r in rows
        ]
        md = "\n".join(
            [
                "| " + " | ".join(_md_cell(c) for c in cols) + " |",
                "|" + "|".join(" --- " for _ in cols) + "|",
            ]
            + ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in cells]
        )
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
            for r in cells
        )
        table_html = (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
        text = "\n".join(
            "  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)).rstrip()
            for line in [cols, *cells]
        )
        _glue(key, _Glued(text, md, table_html).bundle())
        self.glued[key] = md

    def check(self, condition, text: str, *, detail: str = "") -> None:
        """A visible check: prints ``check: <text> - passed`` or raises.

        ``condition`` must be a bool (or numpy bool); ``detail`` (e.g. the
        measured error and the tolerance) is printed after the verdict.
        """
        text = _check_text(text, "text")
        try:
            ok = bool(condition)
        except (TypeError, ValueError) as exc:  # e.g. an array of several values
            raise TypeError(
                f"condition of the check {text!r} must be one truth value: {exc}"
            ) from None
        if not ok:
            self.checks.append((text, "FAILED"))
            raise AssertionError(
                f"check failed: {text}" + (f" ({detail})" if detail else "")
            )
        self.checks.append((text, "passed"))
        print(f"check: {text} - passed" + (f" ({detail})" if detail else ""))

    def _new_key(self, key: str) -> str:
        if key in self._keys:
            raise ValueError(f"the glue key {key!r} is used twice in this chapter")
        self._keys.add(key)
        return key
