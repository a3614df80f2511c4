"""A normal form for matrix expressions of symbolic size: the noncommutative ring they live in.

An expression becomes a sum of words with scalar coefficients. A word is a product of atoms --
a matrix symbol, possibly transposed (never for a symmetric one), or the inverse of a normalised
expression. Transposes are pushed to the leaves, `inv(P)*P` and `P*inv(P)` cancel (the checker
has already made sure `det(P) != 0` follows from the declarations before it calls a link
proved), like words are collected, and traces are compared up to cyclic rotation and transpose.
Two expressions are equal in the ring when their difference has no terms left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sympy
from sympy.matrices.expressions import MatrixExpr

Word = tuple  # of atoms: ("sym", MatrixSymbol, transposed), ("inv", Poly), ("pow", Poly, n)
Poly = tuple  # a sorted tuple of (word, coefficient): hashable, canonical


class Unsupported(Exception):
    """An expression outside the ring (an explicit matrix, a function of a matrix)."""


class Ring:
    """The normaliser, knowing which matrix symbols are symmetric."""

    def __init__(self, symmetric: Iterable[object] = (), orthogonal: Iterable[object] = ()
                 ) -> None:
        self.symmetric = frozenset(symmetric)
        self.orthogonal = frozenset(orthogonal)  # Q.T*Q = Q*Q.T = I, inv(Q) = Q.T
        self.scalars: dict[str, sympy.Symbol] = {}

    # -- polynomials ------------------------------------------------------------------------

    def normal(self, expr: object) -> dict[Word, sympy.Expr]:
        """The normal form of a matrix expression as {word: coefficient}, zero terms dropped."""
        if isinstance(expr, sympy.MatrixSymbol):
            return {(("sym", expr, False),): sympy.Integer(1)}
        if hasattr(expr, "stand_in"):  # grad(g, z): one opaque k x 1 matrix
            return {(("sym", expr.stand_in(), False),): sympy.Integer(1)}
        if isinstance(expr, sympy.Identity):
            return {(): sympy.Integer(1)}
        if isinstance(expr, sympy.ZeroMatrix):
            return {}
        if isinstance(expr, sympy.MatAdd):
            return self._add(self.normal(arg) for arg in expr.args)
        if isinstance(expr, sympy.MatMul):
            out: dict[Word, sympy.Expr] = {(): sympy.Integer(1)}
            for arg in expr.args:
                if isinstance(arg, MatrixExpr):
                    out = self._mul(out, self.normal(arg))
                else:
                    out = {w: c * self.scalar(arg) for w, c in out.items()}
            return _clean(out)
        if isinstance(expr, sympy.Transpose):
            return self.transpose(self.normal(expr.arg))
        if isinstance(expr, sympy.Inverse):
            return self.inverse(self.normal(expr.arg))
        if isinstance(expr, sympy.MatPow):
            exp = expr.exp
            if not exp.is_Integer and exp.is_integer and exp.is_nonnegative:
                return self.power(self.normal(expr.base), exp)  # A**n, n a declared integer
            if not (exp.is_Integer and exp >= 0):
                raise Unsupported("a matrix power with a non-integer exponent")
            out = {(): sympy.Integer(1)}
            for _ in range(int(exp)):
                out = self._mul(out, self.normal(expr.base))
            return out
        raise Unsupported(f"{type(expr).__name__} in a matrix expression of symbolic size")

    def _add(self, parts: Iterable[dict[Word, sympy.Expr]]) -> dict[Word, sympy.Expr]:
        out: dict[Word, sympy.Expr] = {}
        for part in parts:
            for word, coeff in part.items():
                out[word] = out.get(word, sympy.Integer(0)) + coeff
        return _clean(out)

    def _mul(self, p: dict[Word, sympy.Expr], q: dict[Word, sympy.Expr]) -> dict[Word, sympy.Expr]:
        out: dict[Word, sympy.Expr] = {}
        for w1, c1 in p.items():
            for w2, c2 in q.items():
                word, factor = self._reduce(w1 + w2)
                out[word] = out.get(word, sympy.Integer(0)) + c1 * c2 * factor
        return _clean(out)

    def _reduce(self, word: Word) -> tuple[Word, sympy.Expr]:
        """Cancel `inv(P)` against an adjacent P (P a single word), and an orthogonal Q against
        an adjacent Q.T, until nothing changes."""
        factor = sympy.Integer(1)
        changed = True
        while changed:
            changed = False
            for i in range(len(word) - 1):
                a, b = word[i], word[i + 1]
                if (a[0] == b[0] == "sym" and a[1] == b[1] and a[1] in self.orthogonal
                        and a[2] != b[2]):
                    word, changed = word[:i] + word[i + 2:], True
                    break
            if changed:
                continue
            word, changed = _merge_powers(word)
            if changed:
                continue
            for i, atom in enumerate(word):
                if atom[0] != "inv" or len(atom[1]) != 1:
                    continue
                (inner, coeff), = atom[1]
                n = len(inner)
                if n and word[i + 1:i + 1 + n] == inner:
                    word, factor, changed = word[:i] + word[i + 1 + n:], factor / coeff, True
                elif n and i >= n and word[i - n:i] == inner:
                    word, factor, changed = word[:i - n] + word[i + 1:], factor / coeff, True
                if changed:
                    break
        return word, factor

    def transpose(self, p: dict[Word, sympy.Expr]) -> dict[Word, sympy.Expr]:
        return _clean({tuple(self._flip(a) for a in reversed(w)): c for w, c in p.items()})

    def _flip(self, atom: tuple) -> tuple:
        if atom[0] == "sym":
            symbol = atom[1]
            return atom if symbol in self.symmetric else ("sym", symbol, not atom[2])
        if atom[0] == "pow":  # (B**n).T = (B.T)**n
            return ("pow", _sorted(self.transpose(dict(atom[1]))), atom[2])
        return self._inverse_atom(self.transpose(dict(atom[1])))

    def power(self, base: dict[Word, sympy.Expr], exp: sympy.Expr) -> dict[Word, sympy.Expr]:
        """B**n for a symbolic integer n >= 0: one atom (a scalar factor taken out)."""
        if not base:
            raise Unsupported("a symbolic power of a zero matrix")
        if len(base) == 1:
            (word, coeff), = base.items()
            if word == ():
                return {(): coeff**exp}
            return {(("pow", _sorted({word: sympy.Integer(1)}), exp),): coeff**exp}
        return {(("pow", _sorted(base), exp),): sympy.Integer(1)}

    def inverse(self, p: dict[Word, sympy.Expr]) -> dict[Word, sympy.Expr]:
        if len(p) == 1:
            (word, coeff), = p.items()
            if word == ():
                return {(): 1 / coeff}
            if len(word) == 1 and word[0][0] == "pow":  # inv(B**n) = inv(B)**n
                inverse = self.power(self.inverse(dict(word[0][1])), word[0][2])
                return {w: c / coeff for w, c in inverse.items()}
            if len(word) == 1 and word[0][0] == "sym" and word[0][1] in self.orthogonal:
                return {(("sym", word[0][1], not word[0][2]),): 1 / coeff}
            inner = self._inverse_atom({word: sympy.Integer(1)})
            return {(inner,): 1 / coeff}
        if not p:
            raise Unsupported("the inverse of a zero matrix")
        return {(self._inverse_atom(p),): sympy.Integer(1)}

    def _inverse_atom(self, p: dict[Word, sympy.Expr]) -> tuple:
        return ("inv", tuple(sorted(p.items(), key=lambda kv: _key(kv[0]))))

    # -- scalars ----------------------------------------------------------------------------

    def scalar(self, expr: object) -> sympy.Expr:
        """A scalar with every trace and determinant of a matrix expression made canonical."""
        if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Trace, sympy.Determinant):
            return expr  # type: ignore[return-value]
        return expr.replace(lambda n: isinstance(n, sympy.Trace | sympy.Determinant),
                            self._canonical)

    def _canonical(self, node: sympy.Basic) -> sympy.Expr:
        arg = node.args[0]
        p = self.normal(arg)
        if isinstance(node, sympy.Determinant):
            if len(p) == 2 and p.get(()) == 1:  # det(I + c*w): Sylvester's theorem
                (word, coeff), = ((w, c) for w, c in p.items() if w)
                return self._det_identity_plus(word, coeff)
            key = min(_poly_key(p), _poly_key(self.transpose(p)))
            return self._opaque(f"det{key}")
        total = sympy.Integer(0)
        for word, coeff in p.items():
            total += coeff * (arg.rows if word == () else self.trace_word(word))
        return total

    def trace_word(self, word: Word) -> sympy.Symbol:
        """The trace of a nonempty word: one unknown per class under rotation and transpose."""
        return self._opaque(f"tr{self._class_key(word)}")

    def _class_key(self, word: Word) -> str:
        turns = [word[i:] + word[:i] for i in range(len(word))]
        back = tuple(self._flip(a) for a in reversed(word))
        turns += [back[i:] + back[:i] for i in range(len(back))]
        return min(_key(t) for t in turns)

    def _det_identity_plus(self, word: Word, coeff: sympy.Expr) -> sympy.Expr:
        """det(I + c*w) = det(I + c*w2*w1) for w = w1*w2 (Sylvester) and = det(I + c*w.T): one
        unknown per class of w under rotation and transpose, and 1 + c*trace(w) when a rotation
        is 1 x 1 (a cut of w at an inner size 1: det(eye(k) + u*v.T) = 1 + v.T*u)."""
        if any(atom_cols(a) == 1 for a in word):
            return 1 + coeff * self.trace_word(word)
        return self._opaque(f"detI{sympy.sstr(coeff)}|{self._class_key(word)}")

    def _opaque(self, key: str) -> sympy.Symbol:
        if key not in self.scalars:
            self.scalars[key] = sympy.Dummy(f"s{len(self.scalars)}")
        return self.scalars[key]

    def is_zero(self, expr: object, simplify: Callable[[sympy.Expr], sympy.Expr]) -> bool:
        """True when the expression is 0 in the ring (every coefficient simplifies to 0)."""
        if isinstance(expr, MatrixExpr):
            return all(simplify(self.scalar(c)) == 0 for c in self.normal(expr).values())
        return simplify(self.scalar(expr)) == 0


def atom_rows(atom: tuple) -> object:
    """The number of rows of a word's atom (None for an inverse or power of the identity)."""
    if atom[0] == "sym":
        return atom[1].cols if atom[2] else atom[1].rows
    word = next((w for w, _ in atom[1] if w), None)
    return None if word is None else atom_rows(word[0])


def atom_cols(atom: tuple) -> object:
    if atom[0] == "sym":
        return atom[1].rows if atom[2] else atom[1].cols
    return atom_rows(atom)


def _sorted(p: dict[Word, sympy.Expr]) -> Poly:
    return tuple(sorted(p.items(), key=lambda kv: _key(kv[0])))


def _merge_powers(word: Word) -> tuple[Word, bool]:
    """B**m B**n -> B**(m + n), and B B**n or B**n B -> B**(n + 1) for a one-word base B."""
    for i, atom in enumerate(word):
        if atom[0] != "pow":
            continue
        nxt = word[i + 1] if i + 1 < len(word) else None
        if nxt is not None and nxt[0] == "pow" and nxt[1] == atom[1]:
            return (*word[:i], ("pow", atom[1], atom[2] + nxt[2]), *word[i + 2:]), True
        if len(atom[1]) != 1 or atom[1][0][1] != 1:
            continue
        base = atom[1][0][0]
        n = len(base)
        if word[i + 1:i + 1 + n] == base:
            return (*word[:i], ("pow", atom[1], atom[2] + 1), *word[i + 1 + n:]), True
        if i >= n and word[i - n:i] == base:
            return (*word[:i - n], ("pow", atom[1], atom[2] + 1), *word[i + 1:]), True
    return word, False


def _clean(p: dict[Word, sympy.Expr]) -> dict[Word, sympy.Expr]:
    return {w: c for w, c in p.items() if c != 0}


def _key(word: Word) -> str:
    return "*".join(_atom_key(a) for a in word)


def _atom_key(atom: tuple) -> str:
    if atom[0] == "sym":
        return atom[1].name + ("'" if atom[2] else "")
    if atom[0] == "pow":
        return "pow(" + _poly_key(dict(atom[1])) + ")^" + sympy.sstr(atom[2])
    return "inv(" + _poly_key(dict(atom[1])) + ")"


def _poly_key(p: dict[Word, sympy.Expr]) -> str:
    return " + ".join(f"{sympy.sstr(c)}:{_key(w)}" for w, c in sorted(p.items(),
                                                                       key=lambda kv: _key(kv[0])))


def involves(expr: object) -> bool:
    """True when a value is, or contains, a matrix expression of symbolic size."""
    from lemma.derive.language.exprsym import is_symbolic

    if is_symbolic(expr):
        return True
    return isinstance(expr, sympy.Basic) and any(
        isinstance(n, sympy.MatrixSymbol) for n in sympy.preorder_traversal(expr))
