"""`lemma lsp`: the language server, over stdio (pygls is imported only here)."""

from __future__ import annotations

import click

from . import Project, pass_project


@click.command()
@click.option("--time-box", type=click.FloatRange(0.5, 600.0), default=10.0, show_default=True,
              help="Seconds allowed per derivation link when a note is saved.")
@pass_project
def lsp(project: Project, time_box: float) -> None:
    """Serve the Language Server Protocol on stdin/stdout for an editor (see the README)."""
    from ..config import configured_slugify
    from ..lsp.server import make_server
    from ..vault_fs import max_bytes_option

    every_note = project.options.get("style_rules") == "all"
    server = make_server(project.notes_dir, configured_slugify(project.toc), every_note,
                         time_box, max_bytes_option(project.options.get("max_note_size")))
    server.start_io()
