"""A link's status from its evidence: the proof found, the points that agreed, the side
conditions left open, and what a time box cut short."""

from __future__ import annotations

from lemma.derive.evidence.space import Claim
from lemma.derive.language.block import Condition
from lemma.derive.running import workers
from lemma.derive.running.results import LinkResult

#: Fewest admissible points that make a link "verified" without a proof (fewer: unchecked).
MIN_POINTS = 5


def counts(*outcomes: workers.Outcome) -> dict[str, int | bool | str | list[str]]:
    """What the sample streams of a link found, added up."""
    exact = numeric = wanted = doubted = 0
    timed_out = False
    last = doubt = ""
    sizes: set[str] = set()
    for out in outcomes:
        exact += int(out.value["exact"])
        numeric += int(out.value["numeric"])
        wanted += int(out.value["wanted"])
        sizes.update(out.value.get("sizes", ()))
        doubted += int(out.value.get("doubted", 0))
        doubt = doubt or str(out.value.get("doubt", ""))
        last = str(out.value.get("last", "")) or last
        if out.status == "timeout":
            timed_out = True
        elif not out.ok:
            last = out.message
    return {"exact": exact, "numeric": numeric, "timeout": timed_out, "last": last,
            "wanted": wanted, "sizes": sorted(sizes), "doubted": doubted, "doubt": doubt}


def conclude(
    result: LinkResult,
    claim: Claim,
    proof: str,
    counts: dict[str, int | bool | str | list[str]],
    residual: str,
    time_box: float,
    combo: bool,
) -> LinkResult:
    """proved (a proof, no open side condition), verified/numeric (tested at points), or
    unchecked (undecided: an open side condition, the time box, too few points or sizes)."""
    exact, numeric = int(counts["exact"]), int(counts["numeric"])  # type: ignore[arg-type]
    total = exact + numeric
    sizes = list(counts["sizes"])  # type: ignore[arg-type]
    prefix = "linear_combination + " if combo else ""
    result.residual = residual
    result.points = total
    result.sizes = sizes
    doubt = _doubt_note(counts)
    if doubt and proof.startswith("doit"):
        proof = ""  # the proof evaluated the same kind of closed form that just failed a check
    undecided = _undecided(claim, proof, counts, total, time_box)
    if undecided:
        result.status = "unchecked"
        if proof:
            undecided.append(f"'{proof}' closed it but it could not be cross-checked"
                             if not claim.conditions else "")
        result.message = "; ".join(n for n in (*undecided, doubt) if n)
        result.hints = [declare_hint(c) for c in claim.conditions if c.defines]
        return result
    notes: list[str] = []
    kind = "exact" if numeric == 0 else f"{numeric} only numerically"
    if proof and not claim.conditions:
        result.status = "proved"
        result.method = f"{prefix}{proof}"
        notes.append(f"cross-checked at {total} random points ({kind})")
        if counts["timeout"]:
            notes.append(f"the time box of {time_box:g} s ended the cross-check before "
                         f"{counts['wanted']} points")
    elif claim.relation != "=":
        result.status = "verified" if numeric == 0 else "numeric"
        result.method = f"not refuted on {total} samples" + ("" if numeric == 0
                                                              else " (50-digit numeric)")
    elif numeric == 0:
        result.status = "verified"
        result.method = f"{prefix}random exact x{exact}"
    else:
        result.status = "numeric"
        result.method = f"{prefix}50-digit numeric x{total}"
    if result.status != "proved":
        notes.append(f"tested, not proved: {total} points ({kind})"
                     + (f" at sizes {'; '.join(sizes)}" if sizes else ""))
    if claim.conditions:  # only conditions that make a method applicable (see _undecided)
        notes.append(_open_note(claim.conditions, proof))
    if doubt:
        notes.append(doubt)
    result.message = "; ".join(notes)
    return result


def _doubt_note(counts: dict[str, int | bool | str | list[str]]) -> str:
    """Points whose closed form failed its numeric cross-check: reported, never evidence."""
    n = int(counts.get("doubted", 0))  # type: ignore[arg-type]
    if not n:
        return ""
    return f"{n} point(s) not used: {counts['doubt']}"


def _undecided(claim: Claim, proof: str, counts: dict[str, int | bool | str | list[str]],
               total: int, time_box: float) -> list[str]:
    """Why the link is neither proved nor tested (empty when it is one of them)."""
    defining = tuple(c for c in claim.conditions if c.defines)
    if defining:
        return [_open_note(defining, proof) + ", so the link is not decided"]
    if counts["timeout"] and not (proof and total):  # a proof stands; points only cross-check
        return [f"time box of {time_box:g} s reached after {total} of {counts['wanted']} points"]
    if total < (1 if proof and not claim.conditions else MIN_POINTS):
        if total == 0:
            reason = counts["last"] or "every draw was rejected"
            return [f"no admissible sample point could be evaluated ({reason})"]
        return [f"only {total} admissible point(s) could be evaluated; at least {MIN_POINTS} "
                "are needed"]
    sizes = list(counts["sizes"])  # type: ignore[arg-type]
    if not proof and len(sizes) == 1 and _sized(claim):
        return [f"every admissible point had the same sizes ({sizes[0]}): a claim about "
                "matrices of every size is not tested on one"]
    return []


def _sized(claim: Claim) -> bool:
    """The claim involves a matrix of symbolic size (so one size is not evidence for all)."""
    symbols = {m for _, m, _ in claim.space.symbolic} | set(claim.space.dimensions)
    return any(getattr(side, "free_symbols", set()) & symbols
               for side in (claim.left, claim.right))


def _open_note(conditions: tuple[Condition, ...], proof: str) -> str:
    """Why a link that might have been proved is at most verified: the conditions it needs."""
    texts = ", ".join(c.text for c in conditions)
    lead = f"'{proof}' closes it, but only" if proof else "holds at every point tried, but only"
    return f"{lead} where {texts}: not implied by the declarations"


def declare_hint(condition: Condition) -> str:
    if condition.binders:
        return f"holds where {condition.text} for the bound variable's whole range — restrict " \
               "the range or the declarations so this follows"
    if condition.kind == "nonzero":
        return f"holds where {condition.text} — declare it under assume:?"
    return f"holds where {condition.text} — restrict the declared domain in given: so it follows?"
