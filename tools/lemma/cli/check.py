"""`lemma check`: machine-check every derivation block and report failures with evidence."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from ..terminal import progress_stream
from . import Project, pass_project


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Check blocks in this many parallel processes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not write cached results.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Cache folder (default: .lemma-cache/derive beside the notes folder).")
@click.option("--time-box", type=click.FloatRange(0.5, 600.0), default=10.0, show_default=True,
              help="CPU seconds allowed per link.")
@click.option("--require-proof", is_flag=True,
              help="Fail on blocks that are only tested at sample points, not proved.")
@pass_project
def check(project: Project, paths: tuple[Path, ...], jobs: int, fmt: str, no_cache: bool,
          cache_dir: Path | None, time_box: float, require_proof: bool) -> None:
    """Check derivations; exit 0 when each is proved or tested (or fails as it expects), 1 if
    one fails unexpectedly (or, with --require-proof, is only tested), 2 on a syntax error."""
    from ..derive.running.api import run_checks
    from ..derive.running.cache import ResultCache, default_cache_dir

    start = time.monotonic()
    vault = project.load_vault()
    cache = None if no_cache else ResultCache(cache_dir or default_cache_dir(vault.root))
    options = {"jobs": jobs, "cache": cache, "time_box": time_box}
    if fmt == "text" and sys.stdout.isatty():
        with click.progressbar(length=_count_blocks(vault, paths), label="checking",
                               file=progress_stream(sys.stderr)) as bar:
            checked = run_checks(vault, list(paths), progress=lambda _: bar.update(1), **options)
    else:
        checked = run_checks(vault, list(paths), **options)
    results = checked.results
    elapsed = time.monotonic() - start
    unproved = [r for r in results if require_proof and r.passed and r.verdict == "tested"]
    if fmt == "json":
        _print_json(results, checked.diagnostics)
    else:
        _print_text(results, checked.diagnostics, elapsed)
        for r in unproved:
            click.echo(f"{r.path}:{r.line}: {r.id}: tested, not proved (--require-proof)")
    if checked.diagnostics:
        raise SystemExit(2)
    if any(not r.passed for r in results) or unproved:
        raise SystemExit(1)


def _count_blocks(vault, paths: tuple[Path, ...]) -> int:
    """Roughly how many blocks will be checked (fence lines), to size the progress bar."""
    from ..derive.running.api import select_notes

    return sum(vault.notes[p].body.count("```derivation") for p in select_notes(vault, paths))


def _print_text(results: list, diagnostics: list, elapsed: float) -> None:
    from ..derive.running.report import (
        derivation_line,
        failure_report,
        summary_line,
        tested_report,
    )

    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), err=True)
    for result in results:
        click.echo(derivation_line(result))
        if not result.passed:
            for line in failure_report(result):
                click.echo(line)
        elif result.verdict == "tested":
            for line in tested_report(result):
                click.echo(line)
    click.echo(summary_line(results, elapsed))


def _print_json(results: list, diagnostics: list) -> None:
    from ..derive.running.report import summary_counts

    report = {
        "derivations": [_result_json(r) for r in results],
        "summary": summary_counts(results),
        "diagnostics": [d.to_json() for d in diagnostics],
    }
    click.echo(json.dumps(report, indent=2, ensure_ascii=False))


def _result_json(result) -> dict:
    """The issue's shape (id, path, line, verdict, expected, first_failure, links, checks) first."""
    data = result.to_json()
    keys = ["id", "path", "line", "verdict", "expected", "first_failure", "links", "checks"]
    ordered = {k: data.pop(k) for k in keys}
    ordered["links"] = [_link_json(link) for link in ordered["links"]]
    ordered.update(data)
    return ordered


def _link_json(link: dict) -> dict:
    keys = ["index", "line", "relation", "status", "method", "counterexample"]
    ordered = {k: link.pop(k) for k in keys}
    ordered.update(link)
    return ordered
