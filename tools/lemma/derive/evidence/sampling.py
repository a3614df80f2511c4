"""Streams of sample points for a link, tested one by one, drawn from the declared domains.

A point gives every scalar and matrix entry an exact value and every undefined function a random
stand-in (draw.py); derivatives are taken before the values go in, and Sum/Product/Integral are
evaluated once their bounds are numbers (a Sum whose upper bound is below its lower bound is
empty). A point where a side is undefined, infinite or not real -- or where a condition the
author's own text needs (a denominator, a square root's argument) fails -- while the other side
is defined, refutes the link. The same seed gives the same points, so reports are deterministic.
"""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator

import sympy

from lemma.derive.evidence.edge import edge_points
from lemma.derive.evidence.evaluate import Comparison, compare_at, point_text
from lemma.derive.evidence.space import Claim, Point, Space, draw_point
from lemma.derive.evidence.targets import boundary_points
from lemma.derive.language import printing
from lemma.derive.proof.cases import seams

#: How the message of a point whose closed form failed its numeric cross-check begins.
DOUBTED = "sympy's closed form"
#: Tries per accepted point before giving up (side conditions and poles reject draws).
MAX_TRIES = 25


def point_stream(claim: Claim, stream: str) -> Iterator[Point]:
    """The points a stream tests, deterministically: for the "test" stream, first the points
    where a side condition is most likely to fail (edge.py), then random ones."""
    rng = random.Random(f"{claim.seed}:{stream}")
    if stream == "test":
        yield from _guarded(boundary_points(claim, rng))
    if stream == "test" and (claim.pointwise or _has_seams(claim)):
        yield from edge_points(claim, rng)
    index = 0
    while True:
        yield draw_point(claim.space, rng, index)
        index += 1


def _guarded(points: Iterator[Point]) -> Iterator[Point]:
    """Targeted points until their search fails on an expression it cannot handle."""
    try:
        yield from points
    except (TypeError, ValueError, ArithmeticError, AttributeError, NotImplementedError,
            sympy.PolynomialError, RecursionError):
        return


def _has_seams(claim: Claim) -> bool:
    return bool(seams(claim.left) or seams(claim.right))


def replay(claim: Claim, stream: str, draw: int) -> Point:
    """The `draw`-th point (1-based) of a sample stream, regenerated deterministically."""
    points = point_stream(claim, stream)
    for _ in range(draw - 1):
        next(points)
    return next(points)


class _SlowPoint(BaseException):
    """Raised by the alarm when one point takes too long (a BaseException: sympy's own
    `except Exception` clauses must not swallow it)."""


def _alarm(_signum: int, _frame: object) -> None:
    raise _SlowPoint


def _timed_compare(claim: Claim, point: Point, seconds: float | None) -> Comparison:
    """compare_at under a per-point alarm: a point too slow to do exactly is done numerically
    (quadrature, 50 digits), and one too slow even so is skipped -- never the whole batch."""
    if not seconds:
        return compare_at(claim, point)
    previous = signal.signal(signal.SIGPROF, _alarm)  # CPU time: a loaded machine is no excuse
    try:
        for numeric in (False, True):
            try:
                signal.setitimer(signal.ITIMER_PROF, seconds)
                return compare_at(claim, point, numeric)
            except _SlowPoint:
                continue
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
        return Comparison("undefined", message=f"a point took over {seconds:.1f} s")
    finally:
        signal.signal(signal.SIGPROF, previous)


def sample_points(claim: Claim, stream: str, wanted: int,
                  point_seconds: float | None = None) -> Iterator[dict[str, object]]:
    """Test the claim point by point, one report per point (so a time box keeps what was done);
    stop after `wanted` agreeing points or at the first refutation. With `point_seconds`, each
    point runs under its own CPU-time alarm (only inside a killable worker: it uses SIGPROF)."""
    agreed = 0
    for draws, point in enumerate(point_stream(claim, stream), start=1):
        if agreed >= wanted or draws > wanted * MAX_TRIES:
            return
        result = _timed_compare(claim, point, point_seconds)
        if result.kind == "refuted":
            yield {"kind": "refuted", "draw": draws, "point": point_text(claim.space, point),
                   "left": _text(result.left), "right": _text(result.right),
                   "message": result.message}
            return
        if result.kind != "undefined":
            agreed += 1
        yield {"kind": result.kind, "message": result.message,
               "size": size_text(claim.space, point) if result.kind != "undefined" else ""}


def size_text(space: Space, point: Point) -> str:
    """The symbolic sizes at a point, e.g. `k=2, d=3` ("" without matrices of symbolic size)."""
    dims = sorted(space.dimensions, key=lambda s: space.names.get(s, str(s)))
    return ", ".join(f"{space.names.get(s, str(s))}={point.values[s]}" for s in dims
                     if s in point.values)


def _text(value: object) -> str:
    return "" if value is None else printing.text(value)


def summarize(items: list[dict[str, object]]) -> dict[str, object]:
    """The reports of one stream in one dict: refuted (with the evidence), or the counts."""
    exact = sum(1 for i in items if i["kind"] == "agree-exact")
    numeric = sum(1 for i in items if i["kind"] == "agree-numeric")
    refuted = next((i for i in items if i["kind"] == "refuted"), None)
    last = next((str(i["message"]) for i in reversed(items)
                 if i["kind"] == "undefined" and i["message"]), "")
    sizes = sorted({str(i["size"]) for i in items if i.get("size")})
    doubted = [str(i["message"]) for i in items if str(i["message"]).startswith(DOUBTED)]
    if refuted is not None:
        return {**refuted, "refuted": True, "exact": exact, "numeric": numeric, "sizes": sizes}
    return {"refuted": False, "exact": exact, "numeric": numeric, "draws": len(items),
            "last": last, "sizes": sizes, "doubted": len(doubted),
            "doubt": doubted[0] if doubted else ""}


def sample(claim: Claim, stream: str, wanted: int) -> dict[str, object]:
    """Test the claim at `wanted` admissible points; stop at the first refutation."""
    return summarize(list(sample_points(claim, stream, wanted)))
