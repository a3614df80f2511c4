"""Text of checking results: one line per derivation, a full report per failure, a summary.

Pure string formatting over `results` (no sympy), so a fully cached run never imports it.
"""

from __future__ import annotations

from lemma.derive.running.results import LINK_STATUSES, VERDICTS, DerivationResult, LinkResult

INDENT = "    "


def status_counts(result: DerivationResult) -> str:
    """`3 proved, 1 verified` — the non-zero link statuses of one derivation."""
    counts = result.counts()
    parts = [f"{counts[s]} {s}" for s in LINK_STATUSES if counts[s]]
    checks = len(result.checks)
    if checks:
        good = sum(c.ok for c in result.checks)
        parts.append(f"{good}/{checks} check{'s' if checks != 1 else ''}")
    return ", ".join(parts) or "no links"


def derivation_line(result: DerivationResult) -> str:
    """`path:line  id  verdict  (n proved, …)` plus what was expected when it differs."""
    verdict = result.verdict
    if result.expected != "valid":
        verdict += f" (expected {result.expected}: {'ok' if result.passed else 'MISMATCH'})"
    elif not result.passed:
        verdict += " FAIL"
    return f"{result.path}:{result.line}  {result.id}  {verdict}  ({status_counts(result)})"


def link_report(result: DerivationResult, link: LinkResult) -> list[str]:
    """The full report of one failed (or unchecked) link: where, what, evidence and hints."""
    head = f"{result.path}:{link.line}: {result.id}, link {link.index} ({link.relation}) "
    lines = [head + ("checker error" if link.error else link.status)]
    lines.append(f"{INDENT}{link.lhs_text}")
    lines.append(f"{INDENT}{link.relation} {link.rhs_text}")
    if link.justification:
        lines.append(f"{INDENT}justification: {link.justification}")
    if link.message:
        lines.append(f"{INDENT}{link.message}")
    if link.counterexample:
        shown = ", ".join(f"{k} = {v}" for k, v in link.counterexample.items())
        lines.append(f"{INDENT}counterexample: {shown}")
    if link.lhs_value is not None:
        lines.append(f"{INDENT}left side there:  {link.lhs_value}")
        lines.append(f"{INDENT}right side there: {link.rhs_value}")
    if link.residual and link.status == "failed":
        lines.append(f"{INDENT}residual (left - right): {link.residual}")
    lines.extend(f"{INDENT}hint: {hint}" for hint in link.hints)
    return lines


def tested_report(result: DerivationResult) -> list[str]:
    """For a block that passes on evidence: each link that rests on sample points, with how
    many points and which sizes (a proof would say more)."""
    lines = []
    for link in result.links:
        if link.status in ("verified", "numeric"):
            where = f" at sizes {'; '.join(link.sizes)}" if link.sizes else ""
            kind = "exact" if link.status == "verified" else "50-digit numeric"
            lines.append(f"{INDENT}link {link.index} ({link.relation}, line {link.line}) tested, "
                         f"not proved: {link.points} {kind} points{where}")
    return lines


def failure_report(result: DerivationResult) -> list[str]:
    """Every failed or unchecked link and failed check of a derivation that did not pass."""
    lines: list[str] = []
    if result.error and not any(link.error for link in result.links):
        lines.append(f"{result.path}:{result.line}: {result.id}: {result.error}")
    for link in result.links:
        if link.status == "failed" or (link.status == "unchecked" and not result.passed):
            lines.extend(link_report(result, link))
    for chk in result.checks:
        if not chk.ok:
            lines.append(f"{result.path}:{chk.line}: {result.id}, check '{chk.text}' failed")
            lines.append(f"{INDENT}{chk.message or 'value differs'}")
    return lines


def summary_counts(results: list[DerivationResult]) -> dict[str, object]:
    """Verdict and link-status counts over many derivations (the JSON `summary`)."""
    verdicts = dict.fromkeys(VERDICTS, 0)
    links = dict.fromkeys(LINK_STATUSES, 0)
    for result in results:
        verdicts[result.verdict] += 1
        for status, n in result.counts().items():
            links[status] += n
    failed = sum(not r.passed for r in results)
    return {
        "derivations": len(results),
        "passed": len(results) - failed,
        "failed": failed,
        "verdicts": verdicts,
        "links": links,
        "cached": sum(r.cached for r in results),
    }


def summary_line(results: list[DerivationResult], seconds: float | None = None) -> str:
    """`12 derivations: 10 proved, 1 tested, 1 invalid; links: 40 proved, …; 0 unexpected`."""
    counts = summary_counts(results)
    verdicts = counts["verdicts"]
    links = counts["links"]
    assert isinstance(verdicts, dict) and isinstance(links, dict)
    v = ", ".join(f"{n} {k}" for k, n in verdicts.items() if n) or "none"
    s = ", ".join(f"{n} {k}" for k, n in links.items() if n) or "none"
    text = f"{counts['derivations']} derivations: {v}; links: {s}; {counts['failed']} unexpected"
    if seconds is not None:
        text += f" ({seconds:.1f} s)"
    return text
