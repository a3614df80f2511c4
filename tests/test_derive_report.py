"""Failure reports, summaries, JSON round trips, verdict rules and the result cache."""

from __future__ import annotations

import pytest

from lemma.derive.running.cache import ResultCache, cache_key, cacheable
from lemma.derive.running.report import (
    derivation_line,
    failure_report,
    summary_counts,
    summary_line,
)
from lemma.derive.running.results import (
    CheckResult,
    DerivationResult,
    LinkResult,
    decide_verdict,
    expectation_met,
)


def link(index: int, status: str, **extra) -> LinkResult:
    return LinkResult(index=index, line=10 + index, relation="=", status=status, **extra)


def failed_result() -> DerivationResult:
    bad = link(
        2,
        "failed",
        lhs_text="x - y",
        rhs_text="y - x",
        justification="rearrange",
        residual="2*x - 2*y",
        counterexample={"x": "1", "y": "0"},
        lhs_value="1",
        rhs_value="-1",
        hints=["differs only by a sign: the left side equals minus the right side"],
        message="the two sides differ at an exact point",
    )
    return DerivationResult(
        id="d",
        path="n.md",
        line=9,
        title="T",
        verdict="invalid",
        expected="valid",
        first_failure=2,
        links=[link(1, "proved", method="expand"), bad],
        checks=[CheckResult("x=1 => 2", 14, "2", "1", "1.0", False, "expected 2, got 1")],
    )


def test_failure_report_text() -> None:
    result = failed_result()
    assert derivation_line(result) == "n.md:9  d  invalid FAIL  (1 proved, 1 failed, 0/1 check)"
    assert failure_report(result) == [
        "n.md:12: d, link 2 (=) failed",
        "    x - y",
        "    = y - x",
        "    justification: rearrange",
        "    the two sides differ at an exact point",
        "    counterexample: x = 1, y = 0",
        "    left side there:  1",
        "    right side there: -1",
        "    residual (left - right): 2*x - 2*y",
        "    hint: differs only by a sign: the left side equals minus the right side",
        "n.md:14: d, check 'x=1 => 2' failed",
        "    expected 2, got 1",
    ]


def test_expected_invalid_line_says_ok() -> None:
    result = failed_result()
    result.expected, result.passed, result.checks = "invalid@2", True, []
    assert (
        derivation_line(result)
        == "n.md:9  d  invalid (expected invalid@2: ok)  (1 proved, 1 failed)"
    )


def test_summary_counts_and_line() -> None:
    good = DerivationResult("g", "a.md", 1, "", "tested", "valid", None, [link(1, "verified")])
    good.passed = True
    results = [good, failed_result()]
    counts = summary_counts(results)
    assert counts["verdicts"] == {"proved": 0, "tested": 1, "invalid": 1, "incomplete": 0,
                                  "error": 0}
    assert counts["links"] == {
        "proved": 1,
        "verified": 1,
        "numeric": 0,
        "unchecked": 0,
        "failed": 1,
    }
    assert (counts["passed"], counts["failed"]) == (1, 1)
    assert summary_line(results) == (
        "2 derivations: 1 tested, 1 invalid; links: 1 proved, 1 verified, 1 failed; 1 unexpected"
    )


@pytest.mark.parametrize(
    ("statuses", "errors", "checks_ok", "expected"),
    [
        (["proved", "proved"], [], True, ("proved", None)),
        (["proved", "verified", "numeric"], [], True, ("tested", None)),
        (["verified"], [], True, ("tested", None)),
        (["proved", "unchecked"], [], True, ("incomplete", None)),
        (["unchecked", "failed", "failed"], [], True, ("invalid", 2)),
        (["proved"], [], False, ("invalid", None)),
        (["failed"], [1], True, ("error", 1)),
    ],
    ids=["proved", "tested", "tested-only", "incomplete", "invalid", "failed-check", "error"],
)
def test_decide_verdict(statuses, errors, checks_ok, expected) -> None:
    links = [link(i + 1, s, error=(i + 1) in errors) for i, s in enumerate(statuses)]
    checks = [CheckResult("c", 1, "1", "1" if checks_ok else "2", "", checks_ok)]
    assert decide_verdict(links, checks) == expected


def test_expectation() -> None:
    assert expectation_met("proved", None, None)
    assert expectation_met("tested", None, None)
    assert not expectation_met("incomplete", None, None)
    assert expectation_met("invalid", 2, 2)
    assert not expectation_met("invalid", 2, 1)
    assert not expectation_met("error", 1, 1)


def test_json_round_trip() -> None:
    result = failed_result()
    again = DerivationResult.from_json(result.to_json())
    assert again == result


def test_cache_rebases_a_moved_block(tmp_path) -> None:
    cache = ResultCache(tmp_path / "derive")
    result = failed_result()
    cache.put("source", result)
    assert (tmp_path / ".gitignore").read_text() == "*\n"
    hit = cache.get("source", "moved.md", 19)
    assert hit is not None and hit.cached
    assert (hit.path, hit.line, hit.links[1].line, hit.checks[0].line) == ("moved.md", 19, 22, 24)
    assert cache.get("other source", "n.md", 9) is None


def test_cache_keeps_results_cut_by_a_time_box_but_not_checker_errors(tmp_path) -> None:
    result = failed_result()
    result.links[0].status = "unchecked"
    result.links[0].message = "time box of 10 s exhausted before any point was evaluated"
    assert cacheable(result)  # a warm run must not spend the time box on it again
    cache = ResultCache(tmp_path / "derive")
    cache.put("source", result)
    hit = cache.get("source", "n.md", 9)
    assert hit is not None and hit.links[0].message == result.links[0].message
    result.verdict = "error"
    assert not cacheable(result)


def test_corrupt_cache_entry_is_a_miss(tmp_path) -> None:
    cache = ResultCache(tmp_path)
    (tmp_path / f"{cache_key('s')}.json").write_text("{not json")
    assert cache.get("s", "n.md", 1) is None


def test_note_cache_round_trip(tmp_path) -> None:
    cache = ResultCache(tmp_path)
    cache.put_note("n.md", "body", 5, [failed_result()])
    hits = cache.get_note("n.md", "body", 7)
    assert hits is not None and hits[0].line == 11 and hits[0].links[0].line == 13
    assert cache.get_note("n.md", "changed body", 7) is None
