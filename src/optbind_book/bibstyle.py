"""One citation style for the book's text and its bibliography: author-year.

* Label style ``optbind_author_year`` (pybtex): ``Rudolph et al., 2024a``,
  ``Dholakia and Zemánek, 2010``, ``Jackson, 1999``; works with the same
  authors-as-cited and year get ``a``, ``b``, ... in the order of the list.
* Formatting style ``optbind`` (pybtex): pybtex's ``plain`` (which prints the
  DOI as a link) with these labels, sorted by author, year and title.
* Referencing style ``optbind_author_year`` (sphinxcontrib-bibtex): the
  author-year style whose year is the one of the label, so that the text
  reads ``(Rudolph et al., 2024a)`` exactly as the list.

:func:`register` makes the three known to pybtex and sphinxcontrib-bibtex; the
book's ``_config.yml`` selects them (``bibtex_default_style: optbind``,
``bibtex_reference_style: optbind_author_year``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

__all__ = ["author_year_base", "register"]

LABEL_STYLE = "optbind_author_year"
FORMAT_STYLE = "optbind"
REFERENCE_STYLE = "optbind_author_year"


def _last_name(person) -> str:
    from pybtex.richtext import Text

    text = " ".join(person.prelast_names + person.last_names)
    try:
        return Text.from_latex(text).render_as("text")
    except Exception:  # noqa: BLE001 - malformed LaTeX: show it as typed
        return text.replace("{", "").replace("}", "")


def author_year_base(entry) -> tuple[str, str]:
    """``("Rudolph et al.", "2024")`` for an entry: cited names and year."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(p) for p in persons]
    if not names:
        who = re.sub(r"[{}]", "", entry.fields.get("title", "Anonymous"))[:40]
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    year = re.sub(r"[{}]", "", entry.fields.get("year", "")).strip() or "n.d."
    return who, year


def _label_style():
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabelStyle(BaseLabelStyle):
        """``Author et al., 2024a`` labels, unique over the formatted entries."""

        def format_labels(self, sorted_entries):
            entries = list(sorted_entries)
            bases = [author_year_base(e) for e in entries]
            counts = Counter(bases)
            seen = defaultdict(int)
            for who, year in bases:
                suffix = ""
                if counts[(who, year)] > 1:
                    suffix = "abcdefghijklmnopqrstuvwxyz"[seen[(who, year)] % 26]
                    seen[(who, year)] += 1
                yield f"{who}, {year}{suffix}"

    return AuthorYearLabelStyle


def _format_style(label_style):
    from pybtex.style.formatting.plain import Style as PlainStyle

    class OptbindStyle(PlainStyle):
        """pybtex's plain style with author-year labels, sorted by author-year."""

        default_label_style = label_style
        default_sorting_style = "author_year_title"

    return OptbindStyle


def _reference_style():
    from pybtex.richtext import Text
    from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import (
        AuthorYearReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearParentheticalReferenceStyle,
        BasicAuthorYearTextualReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.template import (
        join,
        join2,
        node,
        post_text,
        pre_text,
        reference,
    )

    @node
    def label_year(children, data):
        """The year of the entry's label (with its ``a``/``b``), else its field."""
        from pybtex.richtext import Text

        label = data["formatted_entry"].label
        m = re.search(r"(\d{3,4}[a-z]?|n\.d\.[a-z]?)$", label)
        if m:
            return Text(m.group(1))
        return Text(data["entry"].fields.get("year", "n.d."))

    @dataclass
    class Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
        def inner(self, role_name):
            return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                pre_text,
                reference[
                    join(sep=self.author_year_sep)[
                        self.person.author_or_editor_or_title(full="s" in role_name),
                        label_year,
                    ]
                ],
                post_text,
            ]

    @dataclass
    class Textual(BasicAuthorYearTextualReferenceStyle):
        def inner(self, role_name):
            return join(sep=self.text_reference_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name),
                join[
                    self.bracket.left,
                    join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                        pre_text,
                        reference[label_year],
                        post_text,
                    ],
                    self.bracket.right,
                ],
            ]

    def _person():
        return PersonStyle(other=Text(" et al."))  # plain, as in the list's labels

    def _brackets():
        return BracketStyle(sep="; ", sep2="; ", last_sep="; ")

    @dataclass
    class OptbindAuthorYear(AuthorYearReferenceStyle):
        """Author-year in the text, with the year (and its letter) of the label."""

        person: PersonStyle = field(default_factory=_person)
        bracket_parenthetical: BracketStyle = field(default_factory=_brackets)

        def __post_init__(self):
            super().__post_init__()
            for i, style in enumerate(self.styles):
                if type(style) is BasicAuthorYearParentheticalReferenceStyle:
                    self.styles[i] = Parenthetical(
                        bracket=self.bracket_parenthetical,
                        person=self.person,
                        author_year_sep=self.author_year_sep,
                        pre_text_sep=self.pre_text_sep,
                        post_text_sep=self.post_text_sep,
                    )
                elif type(style) is BasicAuthorYearTextualReferenceStyle:
                    self.styles[i] = Textual(
                        bracket=self.bracket_textual,
                        person=self.person,
                        text_reference_sep=self.text_reference_sep,
                        pre_text_sep=self.pre_text_sep,
                        post_text_sep=self.post_text_sep,
                    )
            # the role -> style table was filled from the old list: refill it
            self.role_style.clear()
            self.role_style.update(
                (role, style) for style in self.styles for role in style.role_names()
            )

    return OptbindAuthorYear


def register() -> None:
    """Register the label, formatting and referencing styles (idempotent)."""
    import pybtex.plugin
    from sphinxcontrib.bibtex.plugin import register_plugin as register_sphinx

    label = _label_style()
    pybtex.plugin.register_plugin("pybtex.style.labels", LABEL_STYLE, label, force=True)
    pybtex.plugin.register_plugin(
        "pybtex.style.formatting", FORMAT_STYLE, _format_style(label), force=True
    )
    register_sphinx(
        "sphinxcontrib.bibtex.style.referencing",
        REFERENCE_STYLE,
        _reference_style(),
        force=True,
    )
