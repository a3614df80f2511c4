"""`lemma lsp`: the language server, over stdio (pygls is imported only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..model import LemmaError
from . import Project, load_mkdocs_yaml, pass_project


@click.command()
@click.option("--time-box", type=click.FloatRange(0.5, 600.0), default=10.0, show_default=True,
              help="Seconds allowed per derivation link when a note is saved.")
@pass_project
def lsp(project: Project, time_box: float) -> None:
    """Serve the Language Server Protocol on stdin/stdout for an editor (see the README).

    The vault is the one `--notes` names, else the one around the editor's workspace folder
    (its `mkdocs.yml`, `notes/` or `.obsidian/`), else the one around the first opened note.
    """
    from ..lsp.handlers import make_server

    explicit = click.get_current_context().find_root().params.get("notes") is not None
    # the vault of the working directory starts loading at once (in a thread, while pygls
    # starts); the client's root replaces it at `initialize` when it names another vault
    here = project.config_file is not None or project.notes_dir.is_dir()
    first = _load(project.notes_dir, project.options, project.toc, project.config_file).start() \
        if explicit or here else None
    server = make_server(first, None if explicit else open_vault, time_box)
    server.start_io()
    raise SystemExit(server.exit_code)  # 1 after an `exit` without `shutdown`


def open_vault(directory: Path, notes: Path | None = None) -> Any:  # VaultLoad
    """The (not yet started) load of the vault of the project folder `directory`, configured
    by its mkdocs.yml as every command is (a configuration that cannot be read: a failed load)."""
    from ..config import read_project_config
    from ..lsp.loading import VaultLoad

    try:
        config = read_project_config(directory, load=load_mkdocs_yaml)
    except LemmaError as error:
        return VaultLoad(None, notes=notes or directory / "notes", error=error.message)
    return _load(notes or config.notes_dir, config.options, config.toc, config.config_file)


def _load(notes: Path, options: dict[str, Any], toc: dict[str, Any],
          config_file: Path | None) -> Any:  # VaultLoad
    # from the index as every command reads it: same slugify and size limit, same index file
    from ..bibliography import bibliography_files
    from ..config import configured_slugify
    from ..lsp.citations import BibliographySource
    from ..lsp.loading import VaultLoad, index_loader
    from ..macros import read_macros
    from ..vault_fs import max_bytes_option

    load = VaultLoad(index_loader(notes, configured_slugify(toc),
                                  max_bytes_option(options.get("max_note_size"))),
                     every_note=options.get("style_rules") == "all", notes=notes)
    # citations and macros as the CLI and the site read them, from the project's mkdocs.yml
    base = (config_file.parent if config_file else notes.parent).resolve()
    files = bibliography_files(options.get("bibliography"), base)
    load.bibliography = BibliographySource(files, base, base / ".lemma-cache")
    load.macros, _ = read_macros(options.get("katex_macros"))  # lint reports its problems
    return load
