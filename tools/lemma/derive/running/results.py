"""Plain, JSON-able results of checking a derivation: per link, per check, per block.

No sympy here: results travel between processes, go to the cache as JSON, and feed the CLI
and the site.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Bumped whenever checking rules change, so cached results are not reused across versions.
CHECKER_VERSION = "7"

LINK_STATUSES = ("proved", "verified", "numeric", "unchecked", "failed")
#: proved: every link proved symbolically; tested: no counterexample, but some link rests on
#: sample points; invalid: a counterexample; incomplete: something left undecided; error: the
#: block cannot be read or the checker failed.
VERDICTS = ("proved", "tested", "invalid", "incomplete", "error")
#: The verdicts a block that claims to be valid passes with (`--require-proof`: only proved).
PASSING = ("proved", "tested")


@dataclass
class LinkResult:
    """How one link `lhs REL rhs` fared: status, method, and for failures the evidence."""

    index: int
    line: int
    relation: str
    status: str  # "proved" | "verified" | "numeric" | "unchecked" | "failed"
    method: str = ""
    lhs_text: str = ""
    rhs_text: str = ""
    justification: str = ""
    residual: str = ""
    counterexample: dict[str, str] | None = None
    lhs_value: str | None = None
    rhs_value: str | None = None
    hints: list[str] = field(default_factory=list)
    message: str = ""
    error: bool = False  # a checker error (e.g. a proof the random test contradicts)
    points: int = 0  # sample points at which both sides were evaluated and agreed
    sizes: list[str] = field(default_factory=list)  # symbolic sizes those points covered
    seconds: float = 0.0  # wall time spent on this link

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkResult:
        return cls(**data)


@dataclass
class CheckResult:
    """One `check:` line: the exact value found, its decimal, and whether it matched."""

    text: str
    line: int
    expected: str
    actual: str
    decimal: str
    ok: bool
    message: str = ""
    decided: bool = True  # False when a time box or an evaluation error left it open

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        return cls(**data)


@dataclass
class DerivationResult:
    """The verdict on one derivation block and whether it matches what the block expects."""

    id: str
    path: str
    line: int
    title: str
    verdict: str  # one of VERDICTS
    expected: str  # "valid" (the block claims to hold) | "invalid@K" (a teaching example)
    first_failure: int | None
    links: list[LinkResult] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    error: str | None = None
    passed: bool = False
    seconds: float = 0.0
    cached: bool = False
    conclusion: str = ""  # what the chain proves: "first REL last", REL composed from the links

    def counts(self) -> dict[str, int]:
        """Number of links per status, every status present (for summaries)."""
        counts = dict.fromkeys(LINK_STATUSES, 0)
        for link in self.links:
            counts[link.status] = counts.get(link.status, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["links"] = [link.to_json() for link in self.links]
        data["checks"] = [c.to_json() for c in self.checks]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DerivationResult:
        data = dict(data)
        data["links"] = [LinkResult.from_json(x) for x in data.get("links", [])]
        data["checks"] = [CheckResult.from_json(x) for x in data.get("checks", [])]
        return cls(**data)


def decide_verdict(links: list[LinkResult], checks: list[CheckResult]) -> tuple[str, int | None]:
    """Verdict and first failing link: error > invalid > incomplete > tested > proved.

    A `check:` line is an exact evaluation at the point it names, so it never lowers proved.
    """
    first = next((link.index for link in links if link.status == "failed"), None)
    if any(link.error for link in links):
        return "error", first
    if first is not None or any(not c.ok and c.decided for c in checks):
        return "invalid", first
    if any(link.status == "unchecked" for link in links) or any(not c.decided for c in checks):
        return "incomplete", first  # a time box never makes a correct derivation invalid
    if all(link.status == "proved" for link in links):
        return "proved", first
    return "tested", first


def expectation_met(verdict: str, expect_invalid_at: int | None, first: int | None) -> bool:
    """A block passes when proved or tested as it claims, or when link K is its first failing
    link (a teaching example)."""
    if expect_invalid_at is None:
        return verdict in PASSING
    return verdict == "invalid" and first == expect_invalid_at
