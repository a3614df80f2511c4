"""The Markdown scan's fast paths: headings read greedily, rare characters tested first."""

from __future__ import annotations

import random
import re

import pytest

from lemma.links import (
    _MD_LINK,
    Regions,
    _span_regions,
    code_regions,
    heading_anchor,
    heading_text,
    may_have_code,
    parse_headings,
)
from lemma.links_regions import _MATH

#: The ATX heading as the scan read it before: a lazy text, then optional closing hashes.
REFERENCE = re.compile(r"\n {0,3}(#{1,6})[ \t]+([^\n]+?)(?:[ \t]+#+)?[ \t]*(?=\n|\Z)")


def reference_headings(text: str) -> list[tuple[int, str, int]]:
    return [(len(m.group(1)), m.group(2), text.count("\n", 0, m.start()) + 1)
            for m in REFERENCE.finditer("\n" + text)]


def headings(text: str) -> list[tuple[int, str, int]]:
    return [(h.level, h.text, h.line) for h in parse_headings(text)]


HEADING_CASES = [
    ("plain", "# Title"),
    ("closing-hashes", "## Title ##"),
    ("closing-hashes-spaces", "## Title  ##  \t"),
    ("hashes-in-text", "# C# and F#"),
    ("glued-hashes", "# a##"),
    ("hashes-mid-text", "# a ## b"),
    ("two-closing-runs", "# a ## ##"),
    ("only-hashes", "# ## ##"),
    ("one-hash-text", "# #"),
    ("only-spaces", "#   "),
    ("one-space", "# "),
    ("two-spaces", "#  "),
    ("tabs-only", "#\t\t"),
    ("tab-separator", "#\tTabbed\t#"),
    ("no-space", "#tag not a heading"),
    ("seven-hashes", "####### x"),
    ("six-hashes", "###### x ######"),
    ("indented-3", "   ### x"),
    ("indented-4", "    ### x"),
    ("escaped-closing", "# a \\#"),
    ("trailing-unicode-space", "# a\u3000#"),
    ("carriage-return", "# a ##\r\n# b\r"),
    ("empty-text-closing", "# ##"),
    ("many", "# A\ntext\n## B ##\n\n### C\n#### \n##### E #"),
    ("at-end-without-newline", "para\n# End #"),
]


@pytest.mark.parametrize("text", [c[1] for c in HEADING_CASES], ids=[c[0] for c in HEADING_CASES])
def test_headings_read_as_the_lazy_pattern_reads_them(text: str) -> None:
    assert headings(text) == reference_headings(text)


@pytest.mark.parametrize("seed", range(4))
def test_headings_read_as_the_lazy_pattern_reads_them_on_random_lines(seed: int) -> None:
    rng = random.Random(seed)
    parts = ["#", "##", " ", "\t", "a", "b c", "\\", "\u00a0", "\r", "\n", "x#"]
    for _ in range(2000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 12)))
        assert headings(text) == reference_headings(text), repr(text)


@pytest.mark.parametrize(("space", "rest", "text"), [
    (" ", "Title ##", "Title"), (" ", "a##", "a##"), ("  ", "", " "), (" ", "", None),
])
def test_heading_text(space: str, rest: str, text: str | None) -> None:
    assert heading_text(space, rest) == text


# (id, text, code spans): each multi-character marker next to its first character alone
CODE_CASES = [
    ("tilde-alone", "a ~ b ~~ c", []),
    ("tilde-fence", "~~~\n[[x]]\n~~~\nafter", [(0, 13)]),
    ("less-than-alone", "a < b <! c", []),
    ("html-comment", "a <!-- c --> b", [(2, 12)]),
    ("percent-alone", "50 % of 5%", []),
    ("obsidian-comment", "a %%c%% b", [(2, 7)]),
    ("tab-not-at-line-start", "a\tb\n", []),
    ("tab-indented", "para\n\n\tcode\n", [(6, 11)]),
    ("text-starts-with-tab", "\tcode\n", [(0, 5)]),
    ("space-indented", "para\n\n    code\n", [(6, 14)]),
    ("text-starts-indented", "    code\n", [(0, 8)]),
    ("three-spaces", "para\n\n   text\n", []),
    ("backtick-fence", "```\ncode\n```\n", [(0, 12)]),
    ("inline-code", "a `b` c", [(2, 5)]),
    ("math", "a $x$ b", [(2, 5)]),
]


@pytest.mark.parametrize(("text", "spans"), [c[1:] for c in CODE_CASES],
                         ids=[c[0] for c in CODE_CASES])
def test_code_regions_after_testing_rare_characters_first(text: str, spans: list) -> None:
    assert code_regions(text).spans == spans
    assert may_have_code(text) is bool(spans)


ANCHOR_CASES = [
    ("accents-and-dash", "Über naïve — ideas"),
    ("ligature-and-digits", "ﬁnal 1.2 C#"),
    ("cjk-dropped", "中文 heading"),
    ("ascii", "Plain words, and a comma"),
    ("spaces-and-dashes", "  a - b -- c  "),
    ("tab", "a\tb"),
]


@pytest.mark.parametrize("text", [c[1] for c in ANCHOR_CASES], ids=[c[0] for c in ANCHOR_CASES])
@pytest.mark.parametrize("separator", ["-", "_"])
def test_heading_anchor_of_plain_text_is_python_markdowns_slug(text: str, separator: str) -> None:
    from markdown.extensions.toc import slugify

    assert heading_anchor(text, None, separator) == slugify(text, separator)


@pytest.mark.parametrize(("text", "anchor"), [
    ("snake_case and *bold* and `code`", "snake_case-and-bold-and-code"),
    ("see [[Note|the label]] <b>now</b>", "see-the-label-now"),
    ("__init__ and _x_", "init-and-x"),
])
def test_heading_anchor_drops_markup_it_has(text: str, anchor: str) -> None:
    assert heading_anchor(text) == anchor


@pytest.mark.parametrize("seed", range(4))
def test_indented_code_found_after_one_search_as_line_by_line(seed: int) -> None:
    from lemma.links import Regions, _fenced_regions
    from lemma.links_regions import indented_lines, indented_regions

    rng = random.Random(seed)
    parts = ["\n", "\n\n", " ", "  ", "    ", "\t", " \t", "x", "- ", "1. ", "#", "## h", "#######",
             "```", "\r", "* "]
    for _ in range(3000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 16)))
        fenced = Regions(_fenced_regions(text))
        assert indented_regions(text, fenced) == indented_lines(text, fenced), repr(text)


@pytest.mark.parametrize(("text", "spans"), [
    ("    code", [(0, 8)]),
    ("\tcode", [(0, 5)]),
    ("para\n\n    code", [(6, 14)]),
    ("# H\n    code", [(4, 12)]),
    ("   ## H\n\tcode", [(8, 13)]),
    ("####### H\n    code", []),
    ("#\n    code", [(2, 10)]),
    ("para\n    lazy continuation", []),
    ("- item\n\n    continued item", []),
    (" \t \n  \tcode", [(4, 11)]),
    ("para\n\n    \n", []),
])
def test_indented_code_starts_after_a_break(text: str, spans: list) -> None:
    from lemma.links_regions import indented_regions

    assert indented_regions(text, ()) == spans


#: Math as the scan read it before its inline text was read possessively.
MATH_BEFORE = re.compile(r"\$\$(?<![\\$]\$\$)(?!\$).+?(?<!\\)\$\$"
                         r"|\$(?<![\\$]\$)(?![\s$])(?:\\.|[^\\$\n])+?(?<![\s\\])\$(?!\d)")


@pytest.mark.parametrize("seed", range(4))
def test_math_is_found_where_the_lazy_pattern_found_it(seed: int) -> None:
    rng = random.Random(seed)
    parts = ["$", "$$", "\\", "\\\\", " ", "a", "1", "\n", "x y", "\\$", "$ ", " $", "$1", "é",
             "\\\n", "\t", "`", "[[x]]"]
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 14)))
        assert ([m.span() for m in _MATH.finditer(text)]
                == [m.span() for m in MATH_BEFORE.finditer(text)]), repr(text)


#: The Markdown link as the scan read it before: an optional `!`, a label tried char by char.
MD_LINK_BEFORE = re.compile(r"!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]*>|[^\s()<>]*"
                            r"(?:\([^\s()]*\)[^\s()<>]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")


@pytest.mark.parametrize("seed", range(4))
def test_markdown_links_are_found_where_the_plain_pattern_found_them(seed: int) -> None:
    rng = random.Random(seed)
    parts = ["[", "]", "(", ")", "!", "![", "!!", "a", " ", "\n", "\t", "<", ">", '"', "'",
             "x.md", "](", "[[", "]]", "é", "\\", "`", "@k"]
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 16)))
        found = [m.groups() + m.span() for m in _MD_LINK.finditer(text)]
        assert found == [m.groups() + m.span() for m in MD_LINK_BEFORE.finditer(text)], repr(text)


def span_regions_before(text: str, blocked: Regions) -> list[tuple[int, int]]:
    """`_span_regions` as it was written before (a method call and a Python loop per run)."""
    regions: list[tuple[int, int]] = []
    runs = [m.span() for m in re.finditer(r"``*", text)]
    if blocked.spans:
        runs = [run for run in runs if run[0] not in blocked]
    i = 0
    while i < len(runs):
        start, end = runs[i]
        if start > 0 and text[start - 1] == "\\":
            i += 1
            continue
        for j in range(i + 1, len(runs)):
            if runs[j][1] - runs[j][0] == end - start:
                regions.append((start, runs[j][1]))
                i = j
                break
        i += 1
    return regions


@pytest.mark.parametrize("seed", range(4))
def test_inline_code_is_found_as_before(seed: int) -> None:
    rng = random.Random(seed)
    parts = ["`", "``", "```", "\\`", "\\", "a", " ", "\n", "x`y", "é"]
    for _ in range(5000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 16)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.choice([0, 2, 4]))))
        blocked = Regions(list(zip(cuts[::2], cuts[1::2], strict=False)))
        assert _span_regions(text, blocked) == span_regions_before(text, blocked), repr(text)
