"""`lemma check`: exit codes, the five classic slips, JSON shape, cache and parallel jobs."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from lemma.cli import main
from tests.conftest import CORPUS, write_files


def corpus_block(ident: str) -> str:
    """The text of one derivation block of the corpus, fences included."""
    for path in CORPUS.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        match = re.search(rf"```derivation id={ident}[ \n].*?\n```\n", text, re.S)
        if match:
            return match.group(0)
    raise AssertionError(f"no block {ident} in the corpus")


def swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def run(tmp_path, files: dict[str, str], *args: str):
    root = write_files(tmp_path / "notes", files)
    return CliRunner().invoke(main, ["--notes", str(root), "check", "--no-cache", *args])


GOOD = "```derivation id=good\ngiven:\n  x: real\ncalc:\n  (x + 1)**2\n  = x**2 + 2*x + 1\n```\n"


def test_valid_vault_exits_0_with_one_line_per_derivation(tmp_path) -> None:
    result = run(tmp_path, {"a.md": "# A\n\n" + GOOD})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "a.md:3  good  proved  (1 proved)"
    assert lines[1].startswith("1 derivations: 1 proved; links: 1 proved; 0 unexpected (")


TESTED = GOOD.replace("id=good", "id=tested")


@pytest.fixture
def no_rungs(monkeypatch):
    """No symbolic method closes an identity: links can only be tested at points."""
    import lemma.derive.running.check as engine

    monkeypatch.setattr(engine, "LADDER", ())


def test_a_tested_block_passes_and_says_which_links_rest_on_points(tmp_path, no_rungs) -> None:
    result = run(tmp_path, {"a.md": TESTED})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "a.md:1  tested  tested  (1 verified)",
        "    link 1 (=, line 6) tested, not proved: 15 exact points",
    ]


def test_require_proof_fails_a_tested_block_only(tmp_path, no_rungs) -> None:
    result = run(tmp_path, {"a.md": TESTED}, "--require-proof")
    assert result.exit_code == 1, result.output
    assert "a.md:1: tested: tested, not proved (--require-proof)" in result.output.splitlines()


def test_require_proof_passes_a_proved_block(tmp_path) -> None:
    assert run(tmp_path, {"a.md": GOOD}, "--require-proof").exit_code == 0


def test_syntax_error_exits_2_with_path_and_line(tmp_path) -> None:
    bad = "```derivation id=bad\ngiven:\n  x: real\ncalc:\n  x ^ 2\n  = x\n```\n"
    result = run(tmp_path, {"a.md": bad})
    assert result.exit_code == 2
    assert "a.md:5:" in result.output
    assert "derivation-syntax" in result.output


def test_unknown_path_is_a_usage_error(tmp_path) -> None:
    result = run(tmp_path, {"a.md": GOOD}, "nowhere.md")
    assert result.exit_code == 2
    assert "'nowhere.md' is not a note or folder of the vault" in result.output


# The five slips of the issue, each made by changing one link of a corpus block.
SLIPS = {
    "sign": (
        "davidson-4pct",
        [("=  1 - (g + k - 1)/(g + k + m - 1)", "=  (g + k - 1)/(g + k + m - 1) - 1")],
        2,
    ),
    "dropped-transpose": ("dnfa-chain-rule-slip", [(" expect=invalid@1", "")], 1),
    "wrong-exponent": (
        "laplace-rule-of-succession",
        [("=  (M + 1)/(M + F + 2) ", "=  (M + 1)**2/(M + F + 2) ")],
        3,
    ),
    "non-commuting": ("dnfa-singular-vectors", [("     A*V\n", "     V*A\n")], 1),
    "missing-positivity": (
        "dnfa-sufficiency",
        [("lam: real > 0", "lam: real"), ("=  lam*W.T*W ", "=  sqrt(lam**2)*W.T*W ")],
        1,
    ),
}


@pytest.mark.parametrize("slip", list(SLIPS))
def test_each_slip_exits_1_naming_the_link_with_a_counterexample(tmp_path, slip: str) -> None:
    ident, edits, link = SLIPS[slip]
    text = corpus_block(ident)
    for old, new in edits:
        text = swap(text, old, new)
    # a generous time box: the slip must be found however loaded the machine is
    result = run(tmp_path, {"n.md": text}, "--time-box", "30")
    assert result.exit_code == 1, result.output
    out = result.output
    assert f"{ident}  invalid FAIL" in out
    assert re.search(rf"n\.md:\d+: {ident}, link {link} \(=\) failed", out), out
    assert "counterexample: " in out
    assert "left side there:" in out and "right side there:" in out
    if slip == "missing-positivity":
        assert "hint: holds if lam > 0 — declare `lam: real > 0`?" in out


def test_expected_invalid_block_passes(tmp_path) -> None:
    result = run(tmp_path, {"n.md": corpus_block("cohen-min-slip")})
    assert result.exit_code == 0, result.output
    line = "cohen-min-slip  invalid (expected invalid@2: ok)  (1 proved, 1 failed)"
    assert line in result.output


def test_json_shape(tmp_path) -> None:
    wrong = GOOD.replace("id=good", "id=wrong").replace("2*x + 1", "2*x + 2")
    result = run(tmp_path, {"a.md": GOOD + "\n" + wrong}, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    first, second = report["derivations"]
    assert list(first)[:8] == [
        "id", "path", "line", "verdict", "expected", "first_failure", "links", "checks"
    ]
    assert (first["id"], first["verdict"], first["expected"]) == ("good", "proved", "valid")
    assert list(second["links"][0])[:6] == [
        "index", "line", "relation", "status", "method", "counterexample"
    ]
    assert second["links"][0]["counterexample"] == {"x": "0"}
    assert (second["verdict"], second["first_failure"]) == ("invalid", 1)
    assert report["summary"]["verdicts"] == {"proved": 1, "tested": 0, "invalid": 1,
                                             "incomplete": 0, "error": 0}
    assert report["summary"]["links"]["failed"] == 1


def test_second_run_is_served_from_the_cache(tmp_path) -> None:
    root = write_files(tmp_path / "notes", {"a.md": GOOD})
    cache = tmp_path / "cache"
    args = ["--notes", str(root), "check", "--cache-dir", str(cache), "--format", "json"]
    first = json.loads(CliRunner().invoke(main, args).output)
    second = json.loads(CliRunner().invoke(main, args).output)
    assert (first["summary"]["cached"], second["summary"]["cached"]) == (0, 1)
    assert second["derivations"][0]["links"] == first["derivations"][0]["links"]
    # Moving the block keeps the cached result but re-bases its lines.
    (root / "a.md").write_text("# Title\n\nprose\n\n" + GOOD, encoding="utf-8")
    moved = json.loads(CliRunner().invoke(main, args).output)
    assert moved["summary"]["cached"] == 1
    assert moved["derivations"][0]["line"] == 5
    before = first["derivations"][0]["links"][0]["line"]
    assert moved["derivations"][0]["links"][0]["line"] == before + 4


def test_jobs_give_the_same_results(tmp_path) -> None:
    files = {"a.md": GOOD, "b.md": corpus_block("cohen-min-slip")}
    one = json.loads(run(tmp_path, files, "--format", "json").output)
    two = json.loads(run(tmp_path, files, "--format", "json", "--jobs", "2").output)
    assert untimed(one) == untimed(two)


def untimed(report: dict) -> list[dict]:
    """Derivations without their wall-clock fields (which differ from run to run)."""
    out = []
    for d in report["derivations"]:
        links = [{k: v for k, v in link.items() if k != "seconds"} for link in d["links"]]
        out.append({**{k: v for k, v in d.items() if k != "seconds"}, "links": links})
    return out


def test_a_derivation_inside_an_obsidian_comment_is_not_checked(tmp_path) -> None:
    from lemma.derive.running.api import find_derivations
    from lemma.vault import load_vault

    (tmp_path / "n.md").write_text(
        "# N\n\n%%\n```derivation id=hidden\ncalc:\n  1\n  = 2\n```\n%%\n\n"
        "```derivation id=shown\ncalc:\n  1\n  = 1\n```\n", encoding="utf-8")
    found = find_derivations(load_vault(tmp_path))
    assert [d.id for d in found.derivations] == ["shown"]
    assert found.derivations[0].pos.line == 11
