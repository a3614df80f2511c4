"""The derivation block parser: finding blocks, sections, types, calc chains, checks and errors."""

from __future__ import annotations

import hashlib
import textwrap

import pytest
import sympy

from lemma.derive.language.block import Derivation, DerivationSyntaxError, Domain
from lemma.derive.language.parse import (
    conclusion,
    duplicate_ids,
    find_blocks,
    parse_block,
    parse_note,
)
from lemma.model import Severity, SourcePos

DAVIDSON = textwrap.dedent("""\
    # Davidson

    Some prose.

    ```derivation id=davidson-4pct
    title: P(AGI by 2036) under a semi-informative prior
    given:
      g: integer >= 2        # 1/g = first-trial probability
      k: integer >= 0        # failed trials, 1956..2020 -> 65
      m: integer >= 1        # window, 2021..2036 -> 16
    calc:
         1 - Product(1 - 1/(g + j), (j, k, k + m - 1))
      =  1 - Product((g + j - 1)/(g + j), (j, k, k + m - 1))   # termwise
      =  1 - (g + k - 1)/(g + k + m - 1)                        # telescoping
      =  m/(g + k + m - 1)
    check:
      g=300, k=65, m=16 => 4/95
    ```
    """)


def one(body: str, info: str = "derivation id=t", first_line: int = 1) -> Derivation:
    """Parse a note holding exactly one block with this body (raises on a syntax error)."""
    text = f"```{info}\n{textwrap.dedent(body)}```\n"
    blocks = find_blocks(text, "n.md", first_line)
    assert len(blocks) == 1
    return parse_block(blocks[0])


def error(body: str, info: str = "derivation id=t") -> DerivationSyntaxError:
    with pytest.raises(DerivationSyntaxError) as caught:
        one(body, info)
    return caught.value


def test_davidson_structure() -> None:
    derivations, diagnostics = parse_note(DAVIDSON, "notes/davidson.md", first_line=4)
    assert diagnostics == []
    (d,) = derivations
    assert d.id == "davidson-4pct" and d.expect_invalid_at is None
    assert d.title == "P(AGI by 2036) under a semi-informative prior"
    assert d.pos == SourcePos("notes/davidson.md", 8, 1)
    assert [x.name for x in d.declarations] == ["g", "k", "m"]
    assert [x.domain for x in d.declarations] == [
        Domain("integer", lower=sympy.Integer(2)),
        Domain("integer", lower=sympy.Integer(0)),
        Domain("integer", lower=sympy.Integer(1)),
    ]
    assert [x.pos.line for x in d.declarations] == [11, 12, 13]
    assert [s.index for s in d.steps] == [1, 2, 3]
    assert [s.pos.line for s in d.steps] == [16, 17, 18]
    assert [s.justification.text for s in d.steps] == ["termwise", "telescoping", ""]
    assert [s.justification.kind for s in d.steps] == ["text", "text", "none"]
    g, k, m = (d.symbol(name) for name in "gkm")
    assert d.steps[2].rhs == m / (g + k + m - 1)
    assert d.steps[1].lhs is d.steps[0].rhs
    assert d.steps[0].lhs_text == "1 - Product(1 - 1/(g + j), (j, k, k + m - 1))"
    assert d.steps[2].rhs_text == "m/(g + k + m - 1)"
    (c,) = d.checks
    assert c.assignments == (("g", 300), ("k", 65), ("m", 16))
    assert c.expected == sympy.Rational(4, 95)
    assert c.pos.line == 20
    assert d.digest == hashlib.sha256(d.source.encode()).hexdigest()
    assert d.source.startswith("title:") and d.source.endswith("=> 4/95")


def test_parsing_is_deterministic() -> None:
    first, _ = parse_note(DAVIDSON, "n.md")
    second, _ = parse_note(DAVIDSON, "n.md")
    assert first == second


TYPES = [
    ("real", "real", Domain("real"), {"real": True}),
    ("positive", "real > 0", Domain("real", sympy.Integer(0), True), {"positive": True}),
    ("nonnegative", "real >= 0", Domain("real", sympy.Integer(0)), {"nonnegative": True}),
    ("below", "real < 1/2", Domain("real", upper=sympy.Rational(1, 2), upper_strict=True),
     {"real": True}),
    ("open", "real in (0, 1)",
     Domain("real", sympy.Integer(0), True, sympy.Integer(1), True), {"positive": True}),
    ("closed", "real in [-1, 2.5]",
     Domain("real", sympy.Integer(-1), False, sympy.Rational(5, 2), False), {"real": True}),
    ("half-infinite", "real in (0, oo)", Domain("real", sympy.Integer(0), True),
     {"positive": True}),
    ("integer", "integer", Domain("integer"), {"integer": True}),
    ("integer-bound", "integer >= 2", Domain("integer", sympy.Integer(2)),
     {"integer": True, "positive": True}),
    ("complex", "complex", Domain("complex"), {"complex": True}),
]


@pytest.mark.parametrize(("type_text", "domain", "assumptions"), [c[1:] for c in TYPES],
                         ids=[c[0] for c in TYPES])
def test_scalar_types(type_text: str, domain: Domain, assumptions: dict[str, bool]) -> None:
    d = one(f"given:\n  p, q: {type_text}   # doc\ncalc:\n  p\n  = p\n")
    assert [x.name for x in d.declarations] == ["p", "q"]
    decl = d.declarations[0]
    assert decl.domain == domain and decl.kind == domain.kind
    for key, value in assumptions.items():
        assert getattr(decl.value, f"is_{key}") is value


def test_matrix_vector_function_types() -> None:
    d = one("""\
        given:
          W: matrix 2x3
          S: matrix 2x2 symmetric
          D: matrix 3x3 diagonal
          v: vector 3
          g: function 2
        calc:
          W*v
          = W*v
        """)
    W, S, D, v, g = (x.value for x in d.declarations)
    assert d.declarations[0].shape == (2, 3) and W[0, 1] == sympy.Symbol("W_1_2", real=True)
    assert d.declarations[1].structure == "symmetric" and S[0, 1] == S[1, 0] and S == S.T
    assert d.declarations[2].structure == "diagonal" and D[0, 1] == 0 and D[2, 2] != 0
    assert d.declarations[3].shape == (3, 1) and v[2] == sympy.Symbol("v_3", real=True)
    assert d.declarations[4].arity == 2 and d.declarations[4].kind == "function"
    assert g(1, 2).is_real
    assert d.steps[0].lhs.shape == (2, 1)


def test_continuation_lines_and_justifications() -> None:
    d = one("""\
        given:
          a, b: real
        assume:
          h: a == 2*b
          nz: b != 1   # side condition
        calc:
          a**2
            - 4*b**2
          = (a - 2*b)*
              (a + 2*b)         # factor
          = 0                   # linear_combination((a + 2*b)*h)
          = 0                   # cite: Knuth, TAOCP 1.2
          <= 1                  # unchecked: obvious
        """)
    s1, s2, s3, s4 = d.steps
    assert s1.lhs_text == "a**2 - 4*b**2" and s1.rhs_text == "(a - 2*b)* (a + 2*b)"
    a, b = d.symbol("a"), d.symbol("b")
    assert sympy.expand(s1.lhs - (a**2 - 4 * b**2)) == 0
    assert s1.pos.line == 10 and s2.pos.line == 12
    assert s2.justification.kind == "linear_combination"
    assert sympy.expand(s2.justification.expr - (a + 2 * b) * (a - 2 * b)) == 0
    assert (s3.justification.kind, s3.justification.text) == ("cite", "cite: Knuth, TAOCP 1.2")
    assert s4.justification.kind == "unchecked" and s4.relation == "<="
    h, nz = d.hypotheses
    assert (h.nonzero, h.lhs, h.rhs, h.text) == (False, a, 2 * b, "a == 2*b")
    assert (nz.nonzero, nz.lhs, nz.rhs) == (True, b - 1, 0)


def test_matrix_linear_combination() -> None:
    d = one("""\
        given:
          W: matrix 2x2
          M: matrix 2x2
        assume:
          hM: M == W.T
        calc:
          M*W
          = W.T*W      # linear_combination(hM*W)
        """)
    W, M = d.symbol("W"), d.symbol("M")
    assert d.steps[0].justification.expr == (M - W.T) * W


def test_relations() -> None:
    d = one("given:\n  x: real > 0\ncalc:\n  x\n  < x + 1\n  <= x + 2\n  = 2 + x\n  < x + 3\n")
    assert [s.relation for s in d.steps] == ["<", "<=", "=", "<"]
    d = one("given:\n  x: real > 0\ncalc:\n  x\n  >= x - 1\n  > x - 2\n")
    assert [s.relation for s in d.steps] == [">=", ">"]


def test_a_chain_cannot_mix_directions() -> None:
    with pytest.raises(DerivationSyntaxError) as err:
        one("given:\n  x: real\ncalc:\n  x\n  <= x + 1\n  = x + 1\n  >= x\n")
    assert err.value.pos.line == 8
    assert err.value.message == "this chain mixes directions: >= here, <= on line 6"


@pytest.mark.parametrize(("relations", "expected"), [
    (["="], "="), (["=", "<=", "="], "<="), (["<=", "<", "="], "<"), ([">=", ">="], ">="),
    (["=", ">"], ">"),
], ids=["equal", "weak", "strict-wins", "down", "strict-down"])
def test_conclusion_composes_the_relations(relations: list[str], expected: str) -> None:
    assert conclusion(relations) == expected


def test_expect_invalid_header() -> None:
    d = one("calc:\n  1\n  = 2\n", info="derivation id=slip expect=invalid@1")
    assert d.expect_invalid_at == 1 and d.id == "slip"


def test_tilde_fence_and_bound_variables() -> None:
    text = "~~~derivation id=sum\ncalc:\n  Sum(j, (j, 1, 3))\n  = 6\n~~~\n"
    (d,), diags = parse_note(text, "n.md")
    assert diags == [] and d.steps[0].rhs == 6


def test_block_inside_another_fence_is_ignored() -> None:
    text = textwrap.dedent("""\
        ````markdown
        ```derivation id=example
        calc:
          1
          = 1
        ```
        ````

        ~~~
        ```derivation id=also-example
        ~~~

        ```derivation id=real
        calc:
          1
          = 1
        ```
        """)
    blocks = find_blocks(text, "n.md")
    assert [b.info for b in blocks] == ["derivation id=real"]
    assert blocks[0].pos.line == 13 and blocks[0].body_first_line == 14


def test_indented_block_in_a_list_item() -> None:
    text = "- item\n\n  ```derivation id=listed\n  given:\n    x: real\n  calc:\n    x\n" \
        "    = x + y\n  ```\n"
    _, (diag,) = parse_note(text, "n.md")
    assert (diag.pos.line, diag.pos.col, diag.message) == (8, 11, "undeclared name 'y'")


def test_other_fences_and_similar_info_strings_are_not_blocks() -> None:
    text = "```python\nx = 1\n```\n```derivations id=x\n```\n```\nderivation id=y\n```\n"
    assert find_blocks(text, "n.md") == []


def test_positions_with_first_line_offset() -> None:
    body = "calc:\n  1\n  = 1 + undefined_name\n"
    text = f"intro\n```derivation id=t\n{body}```\n"
    _, (diag,) = parse_note(text, "notes/a.md", first_line=7)
    assert diag.pos == SourcePos("notes/a.md", 11, 9)
    assert diag.code == "derivation-syntax" and diag.severity is Severity.ERROR
    assert diag.message == "undeclared name 'undefined_name'"
    assert diag.hint == "declare it under given:"


def test_parse_note_keeps_going_after_a_bad_block() -> None:
    text = ("```derivation\ncalc:\n  1\n  = 1\n```\n\n"
            "```derivation id=good\ncalc:\n  1\n  = 1\n```\n")
    derivations, diagnostics = parse_note(text, "n.md")
    assert [d.id for d in derivations] == ["good"]
    assert [(x.pos.line, x.message) for x in diagnostics] == [
        (1, "derivation block has no id")
    ]


ERRORS = [
    ("missing-id", "calc:\n  1\n  = 1\n", "derivation", 1, "derivation block has no id"),
    ("bad-expect", "calc:\n  1\n  = 1\n", "derivation id=t expect=wrong", 1,
     "invalid expect=wrong"),
    ("expect-out-of-range", "calc:\n  1\n  = 1\n", "derivation id=t expect=invalid@3", 1,
     "expect=invalid@3 is out of range: the calc has 1 link(s)"),
    ("unknown-header-key", "calc:\n  1\n  = 1\n", "derivation id=t colour=red", 1,
     "unknown header key 'colour'"),
    ("duplicate-name", "given:\n  x: real\n  y, x: real\ncalc:\n  x\n  = x\n", None, 4,
     "'x' is declared twice (first on line 3)"),
    ("unknown-section", "given:\n  x: real\nproof:\n  x\n", None, 4,
     "unknown section 'proof'"),
    ("section-twice", "calc:\n  1\n  = 1\ncalc:\n  2\n  = 2\n", None, 5,
     "section calc: appears twice (first on line 2)"),
    ("no-calc", "given:\n  x: real\n", None, 1, "derivation has no calc: section"),
    ("calc-no-link", "given:\n  x: real\ncalc:\n  x\n", None, 4,
     "calc: needs a starting expression and at least one link"),
    ("undeclared", "calc:\n  1\n  = y + 1\n", None, 4, "undeclared name 'y'"),
    ("missing-relation", "calc:\n  1\n  = 1\n  1\n", None, 5,
     "expected a relation (=, <=, <, >=, >) at the start of this calc line"),
    ("double-equals", "calc:\n  1\n  == 1\n", None, 4, "use = in calc, not =="),
    ("first-line-relation", "calc:\n  = 1\n  = 1\n", None, 3,
     "the first calc line is the starting expression; it cannot begin with a relation"),
    ("unknown-type", "given:\n  x: natural\ncalc:\n  x\n  = x\n", None, 3,
     "unknown type 'natural'"),
    ("matrix-too-big", "given:\n  W: matrix 9x2\ncalc:\n  W\n  = W\n", None, 3,
     "matrix size 9x2 is out of range (1 to 8)"),
    ("nonsquare-symmetric", "given:\n  W: matrix 2x3 symmetric\ncalc:\n  W\n  = W\n", None, 3,
     "a symmetric matrix must be square"),
    ("keyword-name", "given:\n  if: real\ncalc:\n  1\n  = 1\n", None, 3,
     "'if' is a Python keyword and cannot be a name"),
    ("fullwidth-name", "given:\n  x\uff58: real\ncalc:\n  1\n  = 1\n", None, 3,
     "the character '\uff58' (FULLWIDTH LATIN SMALL LETTER X) is a variant of 'x' and is not "
     "allowed"),
    ("greek-look-alike", "given:\n  \u0391: real\ncalc:\n  1\n  = 1\n", None, 3,
     "the letter '\u0391' (GREEK CAPITAL LETTER ALPHA) is not allowed in a name (it looks like "
     "a Latin letter)"),
    ("reserved-name", "given:\n  E: real\ncalc:\n  1\n  = 1\n", None, 3,
     "'E' is a built-in name and cannot be declared"),
    ("entry-clash", "given:\n  v: vector 2\n  v_1: real\ncalc:\n  v\n  = v\n", None, 4,
     "'v_1' is also the name of an entry of v"),
    ("empty-interval", "given:\n  x: real in (1, 1)\ncalc:\n  x\n  = x\n", None, 3,
     "the interval (1, 1) is empty"),
    ("irrational-bound", "given:\n  x: real > pi\ncalc:\n  x\n  = x\n", None, 3,
     "a domain bound must be a rational number, not pi"),
    ("hypothesis-form", "given:\n  x: real\nassume:\n  h: x > 0 > -x\ncalc:\n  x\n  = x\n",
     None, 5, "hypothesis h must have exactly one ==, !=, <=, <, >= or >"),
    ("hypothesis-shape", "given:\n  W: matrix 2x2\nassume:\n  h: W == 1\ncalc:\n  W\n  = W\n",
     None, 5, "the two sides of h have different shapes (2x2 vs scalar)"),
    ("hypothesis-clash", "given:\n  x: real\nassume:\n  x: x == 1\ncalc:\n  x\n  = x\n", None, 5,
     "hypothesis name 'x' is already a declared name"),
    ("bad-linear-combination", "given:\n  x: real\ncalc:\n  x\n  = x  # linear_combination h\n",
     None, 6, "expected # linear_combination(EXPR)"),
    ("linear-combination-unknown",
     "given:\n  x: real\ncalc:\n  x\n  = x  # linear_combination(h)\n", None, 6,
     "undeclared name 'h'"),
    ("check-outside-domain", "given:\n  g: integer >= 2\ncalc:\n  g\n  = g\ncheck:\n  g=1 => 1\n",
     None, 8, "g=1 is outside the declared domain of g"),
    ("check-undeclared", "calc:\n  1\n  = 1\ncheck:\n  z=1 => 1\n", None, 6,
     "'z' is not a declared scalar or matrix"),
    ("check-form", "calc:\n  1\n  = 1\ncheck:\n  1\n", None, 6,
     "expected a check 'a=1, b=2 => value'"),
    ("entries-on-header", "given: x: real\ncalc:\n  1\n  = 1\n", None, 2,
     "put the entries of given: on the following, indented lines"),
    ("title-two-lines", "title: one\n  two\ncalc:\n  1\n  = 1\n", None, 3,
     "title: is a single line"),
    ("not-a-section", "x + 1\ncalc:\n  1\n  = 1\n", None, 2, "expected a section header, found "
     "'x + 1'"),
    ("caret", "given:\n  x: real\ncalc:\n  x^2\n  = x**2\n", None, 5, "'^' is not a power here"),
]


@pytest.mark.parametrize(("body", "info", "line", "message"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])
def test_syntax_errors(body: str, info: str | None, line: int, message: str) -> None:
    err = error(body, info or "derivation id=t")
    assert err.message == message
    assert err.pos.line == line and err.pos.path == "n.md"


def test_unclosed_block() -> None:
    (raw,) = find_blocks("```derivation id=t\ncalc:\n  1\n", "n.md")
    assert not raw.closed
    with pytest.raises(DerivationSyntaxError, match="derivation block is not closed"):
        parse_block(raw)


def test_duplicate_ids() -> None:
    first, _ = parse_note(DAVIDSON, "notes/a.md")
    second, _ = parse_note(DAVIDSON, "notes/b.md", first_line=3)
    (diag,) = duplicate_ids(second + first)
    assert diag.pos == SourcePos("notes/b.md", 7, 1)
    assert diag.message == "derivation id 'davidson-4pct' is already used at notes/a.md:5:1"
    assert duplicate_ids(first) == []
