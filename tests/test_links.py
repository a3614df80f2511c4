"""The wikilink parser and the resolution rules, table by table."""

from __future__ import annotations

import pytest

from lemma.links import NameIndex, heading_anchor, parse_headings, parse_links

# (id, text, expected [(target, heading, label, embed)])
PARSE_CASES = [
    ("plain", "see [[Target]] now", [("Target", None, None, False)]),
    ("label", "[[Target|the label]]", [("Target", None, "the label", False)]),
    ("heading", "[[Target#Some Heading]]", [("Target", "Some Heading", None, False)]),
    ("heading-label", "[[Target#H|lbl]]", [("Target", "H", "lbl", False)]),
    ("same-note", "[[#Heading]]", [("", "Heading", None, False)]),
    ("embed", "![[Target]]", [("Target", None, None, True)]),
    ("embed-heading", "![[Target#Part]]", [("Target", "Part", None, True)]),
    ("attachment", "![[image.png]]", [("image.png", None, None, True)]),
    ("block-ref", "[[Target#^abc-1]]", [("Target", "^abc-1", None, False)]),
    ("path", "[[folder/name]]", [("folder/name", None, None, False)]),
    ("md-suffix", "[[name.md]]", [("name.md", None, None, False)]),
    ("two", "[[a]] and [[b|B]]", [("a", None, None, False), ("b", None, "B", False)]),
    ("escaped", r"not \[[a link]] but [[b]]", [("b", None, None, False)]),
    ("double-escape", r"\\[[a]]", [("a", None, None, False)]),
    ("table-pipe", r"| [[Target\|label]] | x |", [("Target", None, "label", False)]),
    ("inline-code", "`[[no]]` but [[yes]]", [("yes", None, None, False)]),
    ("double-backtick-code", "``a [[no]] ` b`` [[yes]]", [("yes", None, None, False)]),
    ("fenced-backtick", "```\n[[no]]\n```\n[[yes]]", [("yes", None, None, False)]),
    ("fenced-tilde", "~~~python\n[[no]]\n~~~\n[[yes]]", [("yes", None, None, False)]),
    ("fence-longer-close", "````\n```\n[[no]]\n````\n[[yes]]", [("yes", None, None, False)]),
    ("unclosed-fence", "```\n[[no]]\n", []),
    ("html-comment", "<!-- [[no]] -->[[yes]]", [("yes", None, None, False)]),
    ("multiline-comment", "<!--\n[[no]]\n-->\n[[yes]]", [("yes", None, None, False)]),
    ("empty", "[[]] [[|x]]", []),
    ("newline-inside", "[[a\nb]]", []),
    ("whitespace", "[[ Target # H | lbl ]]", [("Target", "H", "lbl", False)]),
    ("unicode", "[[Théorème]]", [("Théorème", None, None, False)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in PARSE_CASES],
                         ids=[c[0] for c in PARSE_CASES])
def test_parse_links(text: str, expected: list[tuple]) -> None:
    found = [(k.target, k.heading, k.label, k.embed) for k in parse_links(text, "n.md")]
    assert found == expected


def test_positions_are_file_lines_and_columns() -> None:
    text = "first line\nsecond [[A]] and ![[B]]\n"
    links = parse_links(text, "dir/n.md", first_line=5)
    assert [str(k.pos) for k in links] == ["dir/n.md:6:8", "dir/n.md:6:18"]
    assert [text[k.start : k.end] for k in links] == ["[[A]]", "![[B]]"]


def test_display_text() -> None:
    a, b, c = parse_links("[[T|lbl]] [[T#H]] [[#Only]]")
    assert (a.display, b.display, c.display) == ("lbl", "T > H", "Only")


@pytest.mark.parametrize(("text", "anchor"), [
    ("Summary", "summary"),
    ("The DNFA, restated!", "the-dnfa-restated"),
    ("Théorème de Bayes", "theoreme-de-bayes"),
    ("Uses `code` and **bold**", "uses-code-and-bold"),
    ("  spaced   out  ", "spaced-out"),
])
def test_heading_anchor_matches_mkdocs(text: str, anchor: str) -> None:
    assert heading_anchor(text) == anchor


def test_headings_skip_code_and_number_duplicates() -> None:
    text = "# Top\n```\n# not a heading\n```\n## Part\n## Part\n"
    headings = parse_headings(text, first_line=3)
    assert [(h.level, h.text, h.line, h.anchor) for h in headings] == [
        (1, "Top", 3, "top"), (2, "Part", 7, "part"), (2, "Part", 8, "part_1")]


def _index() -> NameIndex:
    notes = [
        ("concepts/ntk.md", "Neural Tangent Kernel", ["NTK"]),
        ("papers/a/x.md", "X in A", []),
        ("papers/b/x.md", "X in B", []),
        ("papers/x.md", "X at papers", []),
        ("other/y.md", "Y other", []),
        ("misc/y.md", "Y misc", []),
        ("root.md", "Root", []),
    ]
    return NameIndex.build(notes, ["img/fig.png", "a/dup.png", "b/dup.png"])


# (id, target, source, attachment, expected status, expected path or candidates)
RESOLVE_CASES = [
    ("file-name", "ntk", "root.md", False, "ok", "concepts/ntk.md"),
    ("case-insensitive", "NTK", "root.md", False, "ok", "concepts/ntk.md"),
    ("title", "neural tangent KERNEL", "root.md", False, "ok", "concepts/ntk.md"),
    ("md-suffix", "ntk.md", "root.md", False, "ok", "concepts/ntk.md"),
    ("exact-path", "concepts/ntk", "root.md", False, "ok", "concepts/ntk.md"),
    ("path-suffix", "b/x", "root.md", False, "ok", "papers/b/x.md"),
    ("own-folder-wins", "x", "papers/a/note.md", False, "ok", "papers/a/x.md"),
    ("nearest-ancestor", "x", "papers/c/note.md", False, "ok", "papers/x.md"),
    ("true-tie", "y", "root.md", False, "ambiguous", ("misc/y.md", "other/y.md")),
    ("broken", "nothing", "root.md", False, "broken", None),
    ("attachment", "fig.png", "root.md", True, "ok", "img/fig.png"),
    ("attachment-path", "img/fig.png", "x.md", True, "ok", "img/fig.png"),
    ("attachment-own-folder", "dup.png", "a/n.md", True, "ok", "a/dup.png"),
    ("attachment-missing", "none.png", "root.md", True, "broken", None),
]


@pytest.mark.parametrize(("target", "source", "attachment", "status", "expected"),
                         [c[1:] for c in RESOLVE_CASES], ids=[c[0] for c in RESOLVE_CASES])
def test_resolve(target: str, source: str, attachment: bool, status: str, expected) -> None:
    found = _index().resolve(target, source, attachment)
    assert found.status == status
    if status == "ambiguous":
        assert found.candidates == expected
    else:
        assert found.path == expected


def test_file_name_beats_alias_of_another_note() -> None:
    index = NameIndex.build([("a.md", "A", ["b"]), ("b.md", "B", [])])
    assert index.resolve("b", "z.md").path == "b.md"


@pytest.mark.parametrize(("text", "flags"), [
    ("a\nb", [False, False]),
    ("a\n```\ncode\n```\nb", [False, True, True, True, False]),
    ("~~~~\nx\n~~~\n~~~~\nb", [True, True, True, True, False]),  # a shorter fence does not close
    ("```\nx\n```python\ny\n```\nz", [True] * 5 + [False]),  # an info string does not close
    ("x\n```\nunclosed", [False, True, True]),
], ids=["none", "backticks", "longer-close", "info-string", "unclosed"])
def test_fenced_code_lines(text: str, flags: list[bool]) -> None:
    from lemma.links import fenced_code_lines

    assert fenced_code_lines(text) == flags


# (id, text, targets found): indented code and math hold no links (issue 18)
CODE_AND_MATH_CASES = [
    ("indented-code", "Text\n\n    [[no]] code\n\nafter [[yes]]", ["yes"]),
    ("indented-code-at-start", "    [[no]]\n\n[[yes]]", ["yes"]),
    ("indented-code-tab", "x\n\n\t[[no]]\n[[yes]]", ["yes"]),
    ("indented-code-blank-inside", "x\n\n    [[no]]\n\n    [[no2]]\n[[yes]]", ["yes"]),
    ("indented-after-heading", "# H\n    [[no]]\n", []),
    ("indented-no-blank-is-paragraph", "Para\n    [[yes]] lazy\n", ["yes"]),
    ("indented-in-list-continues-it", "- item\n\n    [[yes]] more\n\n[[yes2]]", ["yes", "yes2"]),
    ("indented-after-list", "- item\n\npara\n\n    [[no]]\n", []),
    ("indented-in-fence", "```\n    [[no]]\n```\n[[yes]]", ["yes"]),
    ("display-math-inline", "a $$ [[no]] $$ b [[yes]]", ["yes"]),
    ("display-math-block", "x\n$$\n[[no]]\n\n[[no2]]\n$$\n[[yes]]", ["yes"]),
    ("display-math-unclosed", "$$\n[[yes]]", ["yes"]),
    ("inline-math", "cost $[[no]]$ and $5 [[yes]] or $6", ["yes"]),
    ("dollars-are-money", "$5 and [[yes]] and $10", ["yes"]),
    ("escaped-dollars", r"\$[[yes]]\$", ["yes"]),
    ("dollars-in-code", "`$$` [[yes]] `$$`", ["yes"]),
    ("dollars-in-fence", "```\n$$\n```\n[[yes]]\n```\n$$\n```", ["yes"]),
]


@pytest.mark.parametrize(("text", "targets"), [c[1:] for c in CODE_AND_MATH_CASES],
                         ids=[c[0] for c in CODE_AND_MATH_CASES])
def test_indented_code_and_math_hold_no_links(text: str, targets: list[str]) -> None:
    assert [link.target for link in parse_links(text, "n.md")] == targets
