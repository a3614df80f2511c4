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
    from ..lsp.handlers import make_server
    from ..lsp.loading import VaultLoad, index_loader
    from ..vault_fs import max_bytes_option

    # the vault loads in a thread, from the index as every command reads it (same slugify and
    # size limit, so the same index file), while the client initializes
    load = VaultLoad(index_loader(project.notes_dir, configured_slugify(project.toc),
                                  max_bytes_option(project.options.get("max_note_size"))),
                     every_note=project.options.get("style_rules") == "all")
    make_server(load, time_box).start_io()
