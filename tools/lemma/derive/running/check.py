"""The checking engine: every link of a derivation gets a status, the block a verdict.

Per link: shape check, a fast refutation probe at random exact points, a time-boxed symbolic
ladder (each strategy in a killable worker), then exact randomized identity testing, which also
cross-checks any symbolic proof. Inequalities are proved only by a symbolic sign argument;
otherwise they are "not refuted on N samples". Each sample stream has a fixed point budget and
the time box counts CPU seconds, so a loaded machine does not change what is reported; a time
box reached before the budget leaves the link undecided.
"""

from __future__ import annotations

import resource
import time

from sympy import Basic, Integral, Inverse, Limit, Product, Sum
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.matexpr import MatrixElement

from lemma.derive.evidence.sampling import sample_points, summarize
from lemma.derive.evidence.shrink import explain_failure
from lemma.derive.evidence.space import Claim, Space, build_space, for_claim
from lemma.derive.language.block import Condition, Derivation, Step
from lemma.derive.language.expr import is_matrix
from lemma.derive.language.exprsym import as_scalar, one_by_one
from lemma.derive.language.moments import ring_zero
from lemma.derive.language.ncring import involves
from lemma.derive.language.parse import conclusion
from lemma.derive.proof import rungs
from lemma.derive.proof.betaintegral import euler_beta
from lemma.derive.proof.indexform import index_zero
from lemma.derive.proof.inverses import inverse_proof
from lemma.derive.proof.posdef import posdef_matrices
from lemma.derive.proof.rungs import LADDER, SIGN_LADDER
from lemma.derive.running import workers
from lemma.derive.running.checklines import check_value
from lemma.derive.running.linkstatus import conclude, counts, declare_hint
from lemma.derive.running.results import (
    DerivationResult,
    LinkResult,
    decide_verdict,
    expectation_met,
)

PROBE_POINTS = 3
TEST_POINTS = 12
INEQUALITY_POINTS = 24
#: Share of the time box the cheap rungs get (the rest is kept for the sample points).
CHEAP_SHARE = 0.4
#: Share of the time box the heavy rungs get once random exact points already verified a link.
HEAVY_SHARE_WHEN_VERIFIED = 0.3


def _shape(expr: object) -> tuple[int, int] | None:
    return tuple(expr.shape) if isinstance(expr, MatrixExpr) else None  # type: ignore[return-value]


def _shape_text(shape: tuple[int, int] | None) -> str:
    return "a scalar" if shape is None else f"a {shape[0]}×{shape[1]} matrix"


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (what the time box counts)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Clock:
    """A link's time box in CPU seconds: how much is left, and a share of it for one step."""

    def __init__(self, box: float) -> None:
        self.box = box
        self.start = _cpu_seconds()

    def used(self) -> float:
        return _cpu_seconds() - self.start

    def left(self) -> float:
        return self.box - self.used()

    def share(self, fraction: float) -> float:
        return min(self.left(), self.box * fraction)


def check_derivation(d: Derivation, *, time_box: float = 10.0) -> DerivationResult:
    """Check every link and `check:` line of a parsed block within `time_box` seconds per link."""
    start = time.monotonic()
    space = build_space(d)
    links = [_timed_link(d, step, space, time_box) for step in d.steps]
    checks = [check_value(d, c, time_box) for c in d.checks]
    verdict, first = decide_verdict(links, checks)
    expected = "valid" if d.expect_invalid_at is None else f"invalid@{d.expect_invalid_at}"
    error = next((link.message for link in links if link.error), None)
    return DerivationResult(
        id=d.id,
        path=d.pos.path,
        line=d.pos.line,
        title=d.title,
        verdict=verdict,
        expected=expected,
        first_failure=first,
        links=links,
        checks=checks,
        error=error,
        passed=expectation_met(verdict, d.expect_invalid_at, first),
        seconds=round(time.monotonic() - start, 3),
        conclusion=_conclusion(d),
    )


def _conclusion(d: Derivation) -> str:
    if not d.steps:
        return ""
    relation = conclusion([step.relation for step in d.steps])
    return f"{d.steps[0].lhs_text} {relation} {d.steps[-1].rhs_text}"


def _timed_link(d: Derivation, step: Step, space: Space, time_box: float) -> LinkResult:
    """check_link, timed; an unexpected failure of the checker itself becomes an error link."""
    start = time.monotonic()
    try:
        result = check_link(d, step, space, time_box)
    except Exception as exc:  # never a traceback for the user: report it on the link
        result = blank_link(step, "failed")
        result.message = f"checker error: {type(exc).__name__}: {exc}"[:300]
        result.error = True
    result.seconds = round(time.monotonic() - start, 3)
    return result


def blank_link(step: Step, status: str) -> LinkResult:
    """A link's result before any evidence: where it is and what it says."""
    return LinkResult(index=step.index, line=step.pos.line, relation=step.relation, status=status,
                      lhs_text=step.lhs_text, rhs_text=step.rhs_text,
                      justification=step.justification.text)


def check_link(d: Derivation, step: Step, space: Space, time_box: float) -> LinkResult:
    """Status of one link: unchecked, failed (with evidence), or proved/verified/numeric."""
    just = step.justification
    result = blank_link(step, "unchecked")
    if just.kind in ("cite", "unchecked"):
        result.message = f"not checked ({just.kind}: {just.text.split(':', 1)[-1].strip()})"
        return result
    left, right = step.lhs, step.rhs
    if one_by_one(left) != one_by_one(right) and not (is_matrix(left) and is_matrix(right)):
        left, right = as_scalar(left), as_scalar(right)  # E(x.T*A*x) = mu.T*A*mu + trace(A*S)
    display = None
    if just.kind == "linear_combination":
        if step.relation != "=":
            result.status = "failed"
            result.message = "linear_combination justifies equalities only"
            return result
        display = (left, right)
        if _shape(left) != _shape(right):
            return _shape_failure(result, left, right)
        left, right = left - right, just.expr  # type: ignore[operator]
    if shape_failed := _shape_problem(step.relation, left, right):
        result.status = "failed"
        result.message = shape_failed
        result.hints = _transpose_hint(left, right)
        return result
    clock = _Clock(time_box)
    open_conditions = _open_conditions(step.conditions, space, clock)
    guards = tuple(side for h in d.hypotheses if h.equation for side in (h.lhs, h.rhs)
                   ) if display is not None else ()
    claim = for_claim(Claim(left, right, step.relation, space, f"{d.digest}:{step.index}",
                            display, open_conditions, guards))
    return _run_ladder(result, claim, clock, just.kind == "linear_combination")


def _open_conditions(conditions: tuple[Condition, ...], space: Space,
                     clock: _Clock) -> tuple[Condition, ...]:
    """The link's side conditions that the declarations do not imply (all of them on a timeout)."""
    if not conditions:
        return ()
    out = workers.run(rungs.discharge_all, conditions, space, timeout=clock.share(0.2))
    if not out.ok:
        return conditions
    return tuple(c for c, done in zip(conditions, out.value, strict=True) if not done)


def _stream(claim: Claim, name: str, wanted: int, box: float, timeout: float
            ) -> workers.Outcome:
    """Sample one stream in a worker; whatever it evaluated before a time box is kept."""
    per_point = max(1.0, box / 10)  # CPU seconds: one slow point must not sink the batch
    out = workers.run_stream(sample_points, claim, name, wanted, per_point, timeout=timeout)
    items = out.value if isinstance(out.value, list) else []
    summary = summarize(items)
    summary["wanted"] = wanted
    return workers.Outcome(out.status if out.status != "ok" or items else "ok", summary,
                           out.message, out.seconds)


def _shape_failure(result: LinkResult, left: object, right: object) -> LinkResult:
    result.status = "failed"
    result.message = _shape_problem("=", left, right) or "shape mismatch"
    result.hints = _transpose_hint(left, right)
    return result


def _shape_problem(relation: str, left: object, right: object) -> str:
    ls, rs = _shape(left), _shape(right)
    if relation != "=" and (ls or rs):
        return "an inequality needs scalar sides; " + f"got {_shape_text(ls)} and {_shape_text(rs)}"
    if ls != rs:
        return f"shape mismatch: the left side is {_shape_text(ls)}, the right {_shape_text(rs)}"
    return ""


def _transpose_hint(left: object, right: object) -> list[str]:
    ls, rs = _shape(left), _shape(right)
    if ls and rs and ls == (rs[1], rs[0]):
        return ["the sides have transposed shapes: a transpose (.T) dropped or added?"]
    return []


def _run_ladder(result: LinkResult, claim: Claim, clock: _Clock, combo: bool) -> LinkResult:
    time_box = clock.box
    inequality = claim.relation != "="
    probe = _stream(claim, "probe", PROBE_POINTS, clock.box, clock.left())
    if probe.value["refuted"]:
        return _failed(result, claim, "probe", probe.value, clock)
    proof = ""
    residual_text = ""
    slow: set[str] = set()
    margin = claim.right - claim.left if claim.relation in ("<", "<=") else claim.left - claim.right  # type: ignore[operator]
    strict = claim.relation in ("<", ">")
    if inequality:
        sign = workers.run(rungs.sign_from_declarations, margin, strict, claim.space,
                           timeout=clock.share(0.15))
        if sign.ok and sign.value:
            proof = "sign from the declarations"
        for name, fn in () if proof else SIGN_LADDER:
            if clock.left() <= 0:
                break
            out = workers.run(rungs.sign_proved, margin, fn, strict, timeout=clock.share(0.15))
            if out.ok and out.value:
                proof = name
                break
    else:
        if involves(margin):
            ring = workers.run(ring_zero, margin, claim.space.symmetric,
                               claim.space.orthogonal, posdef_matrices(claim.space),
                               timeout=clock.share(0.2))
            if ring.ok and ring.value == 0:
                proof = "matrix ring normal form"
            elif isinstance(margin, Basic) and margin.has(Inverse):
                verified = workers.run(inverse_proof, margin, claim.space.symmetric,
                                       claim.space.orthogonal, timeout=clock.share(0.2))
                if verified.ok and verified.value:
                    proof = verified.value
        if not proof and isinstance(margin, Basic) and margin.has(MatrixElement):
            index = workers.run(index_zero, margin, timeout=clock.share(0.2))
            if index.ok and index.value:
                proof = "index normal form"
        if not proof and _has_closed_forms(margin):
            proof = _by_euler_beta(margin, claim.space, clock)
        if not proof:
            proof, residual_text = _try_ladder(margin, clock, slow, cheap=True,
                                               budget=CHEAP_SHARE * time_box)
    wanted = INEQUALITY_POINTS if inequality else TEST_POINTS
    if int(probe.value["numeric"]) and not int(probe.value["exact"]):
        wanted //= 2  # points that need quadrature or limits: fewer, each at 50 digits
    test = _stream(claim, "test", wanted, clock.box, clock.left())
    if test.value["refuted"]:
        if proof.startswith("doit") and _has_closed_forms(margin):
            result.message = (f"sympy's closed form behind '{proof}' is wrong here: a point "
                              "whose values are cross-checked numerically refutes the link")
            return _failed(result, claim, "test", test.value, clock, keep_message=True)
        if proof and not claim.conditions and not test.value.get("message"):
            result.status = "failed"
            result.error = True
            result.message = (
                f"checker error: the symbolic method '{proof}' closed this link but an exact "
                "random point refutes it; please report this block"
            )
            return _failed(result, claim, "test", test.value, clock, keep_message=True)
        return _failed(result, claim, "test", test.value, clock)
    tally = counts(probe, test)
    if not proof and not inequality and clock.left() > 0:
        # An exactly verified link only tries for a proof briefly; a numeric one may use it all.
        exact_only = int(tally["exact"]) > 0 and int(tally["numeric"]) == 0
        budget = HEAVY_SHARE_WHEN_VERIFIED * time_box if exact_only else clock.left()
        proof, residual_text = _try_ladder(margin, clock, slow, cheap=False, budget=budget)
    return conclude(result, claim, proof, tally, residual_text, time_box, combo)


def _by_euler_beta(margin: object, space: Space, clock: _Clock) -> str:
    """'Euler's Beta integral, then <rung>' when writing the Beta-type integrals as beta values
    (betaintegral.py, under conditions the declarations imply) lets a cheap rung close the
    margin; '' otherwise."""
    out = workers.run(euler_beta, margin, space, timeout=clock.share(0.1))
    if not out.ok or out.value == margin:
        return ""
    name, _ = _try_ladder(out.value, clock, set(), cheap=True, budget=clock.share(0.2))
    return f"Euler's Beta integral, then {name}" if name else ""


def _has_closed_forms(expr: object) -> bool:
    return isinstance(expr, Basic) and expr.has(Integral, Sum, Product, Limit)


def _try_ladder(
    residual: object,
    clock: _Clock,
    slow: set[str],
    *,
    cheap: bool,
    budget: float | None = None,
) -> tuple[str, str]:
    """Run the cheap or the heavy rungs; (name of the rung that closed it or '', residual).

    `slow` collects rungs that timed out, shared between the cheap and the heavy pass: a rung
    that costs at least as much as a slow one is skipped ("doit+expand" after "expand").
    """
    text = ""
    stop = clock.used() + (clock.left() if budget is None else budget)
    for name, fn, is_cheap in LADDER:
        wants_doit = name.startswith("doit+") or not is_cheap
        doit = wants_doit and "doit" not in slow
        if is_cheap != cheap or (is_cheap and wants_doit and not doit):
            continue
        if any(name.endswith("+" + rung) for rung in slow):
            continue
        left = min(clock.left(), stop - clock.used())
        if left <= 0.05:
            break
        timeout = min(left, clock.box * (0.15 if cheap else 0.25))
        out = workers.run(rungs.all_zero, residual, fn, doit, timeout=timeout)
        if out.ok:
            closed, residual_text = out.value
            if closed:
                return (f"doit+{name}" if doit and not is_cheap else name), ""
            text = text or residual_text
        elif out.status == "timeout":
            slow.add(name)
            if is_cheap and doit:
                slow.add("doit")
    return "", text


def _failed(
    result: LinkResult,
    claim: Claim,
    stream: str,
    found: dict[str, object],
    clock: _Clock,
    *,
    keep_message: bool = False,
) -> LinkResult:
    """Fill a failed link's evidence, shrinking the counterexample in a worker if time allows."""
    result.status = "failed"
    result.counterexample = dict(found["point"])  # type: ignore[arg-type]
    result.lhs_value = str(found["left"])
    result.rhs_value = str(found["right"])
    budget = max(clock.left(), min(2.0, clock.box))
    out = workers.run(explain_failure, claim, stream, int(found["draw"]), timeout=budget)
    if out.ok:
        info = out.value
        result.counterexample = info["point"]
        result.lhs_value = info["left"]
        result.rhs_value = info["right"]
        result.residual = info["residual"]
        result.hints = info["hints"]
    result.lhs_value = result.lhs_value or "undefined"
    result.rhs_value = result.rhs_value or "undefined"
    why = str(found.get("message") or "")
    if out.ok:
        why = str(out.value.get("why") or why)
    if why.startswith("undefined here:"):
        failing = next((c for c in claim.pointwise if c.text in why), None)
        if failing is not None:
            result.hints = [declare_hint(failing), *result.hints]
    if not keep_message and why:
        result.message = why
    elif not keep_message:
        if claim.relation != "=":
            result.message = "the inequality fails at an exact point"
        elif claim.display is not None:
            result.message = "(left - right) minus the linear combination is not zero"
        else:
            result.message = "the two sides differ at an exact point"
    return result
