"""`lemma lsp`: the language server, over stdio (pygls is imported only here)."""

from __future__ import annotations

from pathlib import Path

import click

from . import Project, pass_project


@click.command()
@click.option("--time-box", type=click.FloatRange(0.5, 600.0), default=10.0, show_default=True,
              help="Seconds allowed per derivation link when a note is saved.")
@pass_project
def lsp(project: Project, time_box: float) -> None:
    """Serve the Language Server Protocol on stdin/stdout for an editor (see the README)."""
    from ..bibliography import bibliography_files
    from ..config import configured_slugify
    from ..lsp.citations import BibliographySource
    from ..lsp.loading import VaultLoad, index_loader
    from ..lsp.server import make_server
    from ..macros import read_macros
    from ..vault_fs import max_bytes_option

    # the vault loads in a thread, from the index as every command reads it (same slugify and
    # size limit, so the same index file), while the client initializes
    load = VaultLoad(index_loader(project.notes_dir, configured_slugify(project.toc),
                                  max_bytes_option(project.options.get("max_note_size"))),
                     every_note=project.options.get("style_rules") == "all")
    base = project.config_file.parent if project.config_file else Path.cwd()
    files = bibliography_files(project.options.get("bibliography"), base)
    cache = base / ".lemma-cache"  # beside mkdocs.yml, as the site and the CLI keep it
    macros, _ = read_macros(project.options.get("katex_macros"))  # lint reports its problems
    make_server(load, time_box, BibliographySource(files, base, cache), macros).start_io()
