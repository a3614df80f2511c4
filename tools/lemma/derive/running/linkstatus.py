"""A link's status from its evidence: the proof found, the points that agreed, the side
conditions left open, and what a time box cut short."""

from __future__ import annotations

from lemma.derive.evidence.space import Claim
from lemma.derive.language.block import Condition
from lemma.derive.running import workers
from lemma.derive.running.results import LinkResult

#: Fewest admissible points that make a link "verified" without a proof (fewer: unchecked).
MIN_POINTS = 5


def counts(*outcomes: workers.Outcome) -> dict[str, int | bool | str]:
    exact = numeric = wanted = 0
    timed_out = False
    last = ""
    for out in outcomes:
        exact += int(out.value["exact"])
        numeric += int(out.value["numeric"])
        wanted += int(out.value["wanted"])
        last = str(out.value.get("last", "")) or last
        if out.status == "timeout":
            timed_out = True
        elif not out.ok:
            last = out.message
    return {"exact": exact, "numeric": numeric, "timeout": timed_out, "last": last,
            "wanted": wanted}


def conclude(
    result: LinkResult,
    claim: Claim,
    proof: str,
    counts: dict[str, int | bool | str],
    residual: str,
    time_box: float,
    combo: bool,
) -> LinkResult:
    exact, numeric = int(counts["exact"]), int(counts["numeric"])
    total = exact + numeric
    prefix = "linear_combination + " if combo else ""
    result.residual = residual
    notes: list[str] = []
    if counts["timeout"]:
        notes.append(f"{total} of {counts['wanted']} points agree, time box of {time_box:g} s "
                     "reached")
    if total < (1 if proof and not claim.conditions else MIN_POINTS):
        result.status = "unchecked"
        if total == 0 and counts["timeout"]:
            notes = [f"time box of {time_box:g} s exhausted before any point was evaluated"]
        elif total == 0:
            reason = counts["last"] or "every draw was rejected"
            notes = [f"no admissible sample point could be evaluated ({reason})"]
        else:
            notes.insert(0, f"only {total} admissible point(s) could be evaluated; at least "
                         f"{MIN_POINTS} are needed")
        if proof:
            notes.append(f"'{proof}' closed it but it could not be cross-checked")
        result.message = "; ".join(notes)
        return result
    if proof and not claim.conditions:
        result.status = "proved"
        result.method = f"{prefix}{proof}"
        kind = "exact" if numeric == 0 else f"{numeric} only numerically"
        notes.insert(0, f"cross-checked at {total} random points ({kind})")
    elif claim.relation != "=":
        result.status = "verified" if numeric == 0 else "numeric"
        kind = "" if numeric == 0 else " (50-digit numeric)"
        result.method = f"not refuted on {total} samples{kind}"
    elif numeric == 0:
        result.status = "verified"
        result.method = f"{prefix}random exact x{exact}"
    else:
        result.status = "numeric"
        result.method = f"{prefix}50-digit numeric x{total}"
    if claim.conditions:
        notes.append(_open_note(claim.conditions, proof))
        result.hints = [declare_hint(c) for c in claim.conditions if c.defines]
    result.message = "; ".join(notes)
    return result


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
