"""How render_derivations shows a block's declarations: a Gaussian vector reads as its law,
`x ~ N(mu, S)`, as a paper writes it, not as a set of vectors."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from lemma.site.render_derivations import declarations_html

BLOCK = """```derivation id=t
given:
  k: integer >= 1
  mu: vector k
  S: matrix k x k posdef
  A: matrix k x k
  {decl}
calc:
  E(x)
  = E(x)
```
"""

CASES = [  # (id, declaration, shown)
    ("mean-and-covariance", "x: gaussian vector k (mu, S)", r"x \sim \mathcal{N}(\mu, S)"),
    ("standard-normal", "x: gaussian vector k", r"x \sim \mathcal{N}(0, \mathbb{I})"),
    ("zero-mean-scaled", "x: gaussian vector k (zeros(k, 1), 2*eye(k))",
     r"x \sim \mathcal{N}(0, 2 \mathbb{I})"),
    ("affine-mean", "x: gaussian vector k (A*mu, S)", r"x \sim \mathcal{N}(A \mu, S)"),
]


@pytest.mark.parametrize(("decl", "shown"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_gaussian_vector_is_shown_by_its_law(decl: str, shown: str) -> None:
    derivations, problems = parse_note(BLOCK.format(decl=decl), "t.md")
    assert problems == []
    html = declarations_html(derivations[0])
    assert shown in html
    assert r"x \in" not in html and "(gaussian)" not in html
    assert r"S \in \mathbb{R}^{k\times k}\ \text{(posdef)}" in html  # other names as before
