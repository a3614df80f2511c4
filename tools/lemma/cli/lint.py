"""`lemma lint`: report every problem in the vault."""

from __future__ import annotations

import json

import click

from ..model import Severity
from . import Project, pass_project


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--suggest", is_flag=True,
              help="Also report phrases that name a concept but are not linked (as info).")
@pass_project
def lint(project: Project, fmt: str, suggest: bool) -> None:
    """Check frontmatter, links, headings, attachments and sections; exit 1 on errors."""
    from ..bases.files import base_diagnostics, load_bases
    from ..canvas import canvas_diagnostics, load_canvases
    from ..lint_rules import extra_diagnostics
    from ..publish import private_link_problems

    vault = project.load_vault()
    every_note = project.options.get("style_rules") == "all"
    found = vault.diagnostics + extra_diagnostics(vault, suggest, every_note)
    found += [d for c in load_canvases(vault.root, vault.attachments)
              for d in canvas_diagnostics(c, vault)]
    found += [d for b in load_bases(vault.root, vault.attachments)
              for d in base_diagnostics(b, vault)]
    found += project.citations(vault).problems()
    found += _macro_problems(project, vault)
    diagnostics = sorted(found + private_link_problems(vault), key=lambda d: d.sort_key())
    if fmt == "json":
        links = sum(len(links) for links in vault.resolved.values())
        report = {"notes": len(vault), "links": links,
                  "diagnostics": [d.to_json() for d in diagnostics]}
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format())
        click.echo(summary(len(vault), diagnostics))
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise SystemExit(1)


def _macro_problems(project: Project, vault: object) -> list:
    """Undefined LaTeX commands in formulas, and problems of the `katex_macros` option."""
    from ..macros import config_problems, macro_problems, read_macros

    macros, messages = read_macros(project.options.get("katex_macros"))
    return config_problems(messages, project.config_file) + macro_problems(vault, macros)


def summary(notes: int, diagnostics: list) -> str:
    """`N notes: E errors, W warnings` — the last line of a text report."""
    counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    return f"{notes} notes: " + (", ".join(parts) if parts else "no problems")
