"""`check:` lines: the chain's last expression evaluated exactly at a point, in a worker."""

from __future__ import annotations

import sympy

from lemma.derive.evidence.evaluate import instantiate
from lemma.derive.evidence.space import Point, build_space
from lemma.derive.language import printing
from lemma.derive.language.block import Check, Derivation
from lemma.derive.running import workers
from lemma.derive.running.results import CheckResult


def check_value(d: Derivation, chk: Check, time_box: float) -> CheckResult:
    """Evaluate the chain's last expression exactly at a `check:` point and compare."""
    expected = printing.text(chk.expected)
    if not d.steps:
        return CheckResult(chk.text, chk.pos.line, expected, "", "", False, "no calc chain")
    out = workers.run(_evaluate_check, d, chk, timeout=time_box)
    if out.ok:
        actual, decimal, ok, message = out.value
        return CheckResult(chk.text, chk.pos.line, expected, actual, decimal, ok, message)
    reason = f"time box of {time_box:g} s exhausted" if out.status == "timeout" else out.message
    return CheckResult(chk.text, chk.pos.line, expected, "", "", False, reason, decided=False)


def _evaluate_check(d: Derivation, chk: Check) -> tuple[str, str, bool, str]:
    values: dict[object, object] = {}
    for name, value in chk.assignments:
        try:
            target = d.symbol(name)
        except KeyError:
            return "", "", False, f"'{name}' is not declared in this block"
        if not isinstance(target, sympy.MatrixBase):
            values[target] = value
            continue
        for entry, given in zip(target, value, strict=True):  # type: ignore[call-overload]
            # a diagonal matrix's zeros, a symmetric matrix's mirrored entries
            fixed = entry if entry.is_number else values.setdefault(entry, given)
            if fixed != given:
                return "", "", False, f"the value of {name} does not have its declared structure"
    # the sampler's own evaluation: derivatives first, then values; an empty Sum is 0
    value = instantiate(d.steps[-1].rhs, build_space(d), Point(values))  # type: ignore[arg-type]
    if isinstance(value, sympy.Basic) and value.free_symbols:
        missing = ", ".join(sorted(str(s) for s in value.free_symbols))
        return printing.text(value), "", False, f"no value given for {missing}"
    matrix = isinstance(value, sympy.MatrixBase)
    if matrix != isinstance(chk.expected, sympy.MatrixBase) or (
        matrix and value.shape != chk.expected.shape  # type: ignore[union-attr]
    ):
        return printing.text(value), "", False, "the value and the expected value differ in shape"
    value = value.applyfunc(sympy.simplify) if matrix else sympy.simplify(value)
    diff = value - chk.expected  # type: ignore[operator]
    ok = all(sympy.simplify(e) == 0 for e in (diff if matrix else [diff]))
    text = printing.text(value)
    decimal = "" if matrix else printing.text(sympy.N(value, 15))
    message = "" if ok else (f"expected {printing.with_decimal(chk.expected)}, got "
                            f"{printing.with_decimal(value) if not matrix else text}")
    return text, decimal, ok, message
