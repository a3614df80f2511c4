"""`katex_macros`: reading the option, expanding macros for the search words, and the
undefined-macro warning with its position."""

from __future__ import annotations

import pytest

from lemma.macros import expand_macros, katex_commands, read_macros, undefined_macros
from lemma.note_parse import parse_note

MACROS = {"\\RR": "\\mathbb{R}", "\\norm": "\\lVert #1 \\rVert",
          "\\inner": "\\langle #1, #2 \\rangle", "\\E": "\\mathbb{E}"}


@pytest.mark.parametrize(("option", "macros", "problems"), [
    (None, {}, []),
    ({"\\RR": "\\mathbb{R}", "CC": "\\mathbb{C}"}, {"\\RR": "\\mathbb{R}", "\\CC": "\\mathbb{C}"},
     []),
    ({"\\R R": "x"}, {}, ["katex_macros: '\\R R' is not a command name (\\ and letters)"]),
    ({"\\x": ["a"]}, {}, ["katex_macros: the body of '\\x' must be a string"]),
    (["\\RR"], {}, ["katex_macros must be a mapping such as {'\\\\R': '\\\\mathbb{R}'}"]),
], ids=["none", "with-and-without-backslash", "bad-name", "bad-body", "not-a-mapping"])
def test_read_macros(option, macros, problems) -> None:
    assert read_macros(option) == (macros, problems)


@pytest.mark.parametrize(("tex", "expected"), [
    ("\\RR^n", "\\mathbb{R}^n"),
    ("\\RRR + \\RR", "\\RRR + \\mathbb{R}"),  # a longer command is another command
    ("\\norm{x - y}", "\\lVert x - y \\rVert"),
    ("\\norm{\\norm{x}}", "\\lVert \\lVert x \\rVert \\rVert"),
    ("\\inner{a}{b_{i}}", "\\langle a, b_{i} \\rangle"),
    ("\\norm x", "\\lVert x \\rVert"),
    ("\\E[\\norm{\\RR}]", "\\mathbb{E}[\\lVert \\mathbb{R} \\rVert]"),
], ids=["plain", "longer-name", "argument", "nested", "two-arguments", "bare-argument",
        "mixed"])
def test_expand_macros(tex: str, expected: str) -> None:
    assert expand_macros(tex, MACROS) == expected


def test_a_recursive_macro_stops() -> None:
    assert expand_macros("\\a", {"\\a": "\\a\\a"}).count("\\a") == 2 ** 10


def test_katex_knows_its_commands() -> None:
    known = katex_commands()
    assert known is not None and {"frac", "mathbb", "nabla", "lVert", "R"} <= known
    assert "norm" not in known


def test_undefined_macros_with_positions() -> None:
    text = ("---\ntitle: T\n---\nProse \\foo is not math. $\\RR^n$ and $\\nrm{x}$,\n"
            "`$\\incode$` and\n\n$$\\newcommand{\\half}{\\frac12} \\half + \\gradd$$\n")
    note, _ = parse_note("t.md", text)
    found = [(str(d.pos), d.severity.value, d.message, d.hint)
             for d in undefined_macros(note, {"\\RR": "\\mathbb{R}"})]
    assert found == [
        ("t.md:4:38", "warning", "\\nrm is not a KaTeX command nor one of the katex_macros",
         "did you mean \\rm? or define it under katex_macros in the lemma block of mkdocs.yml"),
        ("t.md:7:39", "warning", "\\gradd is not a KaTeX command nor one of the katex_macros",
         "define it under katex_macros in the lemma block of mkdocs.yml"),
    ]


def test_a_letter_after_a_line_break_is_no_command() -> None:
    text = "---\ntitle: T\n---\n$\\begin{pmatrix}a&b\\\\b&c\\end{pmatrix}$ and $\\\\\\bogus$\n"
    note, _ = parse_note("t.md", text)
    assert [d.message for d in undefined_macros(note, {})] == [
        "\\bogus is not a KaTeX command nor one of the katex_macros"]
    assert expand_macros("a\\\\RR", {"\\RR": "\\mathbb{R}"}) == "a\\\\RR"  # `\\` then RR
