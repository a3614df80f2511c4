"""`lemma site prepare`: the site as a folder any static-site engine builds from."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import click

from ..model import LemmaError
from . import Project, load_mkdocs_yaml, pass_project


@click.group()
def site() -> None:
    """The published site, without MkDocs."""


@site.command()
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/site-docs"), show_default=True,
              help="The folder to write (new, empty, or written by this command before).")
@click.option("--strict", is_flag=True, help="Exit 1 when the site has any warning.")
@pass_project
def prepare(project: Project, out: Path, strict: bool) -> None:
    """Write the public notes, generated pages, assets, feed and graph data into a folder.

    Build the folder with any engine that converts Markdown with Python-Markdown and the
    `lemma.site.markdown` extension (which renders each page as the Lemma site does).
    """
    from ..config import read_project_config
    from ..site.prepare import prepare_site, write_prepared

    config = read_project_config(load=load_mkdocs_yaml)
    config = dataclasses.replace(config, notes_dir=project.notes_dir)
    base = config.config_file.parent if config.config_file else Path.cwd()
    counter = _Echo()
    logger = logging.getLogger("mkdocs.plugins.lemma")
    logger.addHandler(counter)
    try:
        prepared = prepare_site(config, base)
        changed = write_prepared(prepared, out)
        prepared.site.close()
    finally:
        logger.removeHandler(counter)
    files = sum(1 for p in out.rglob("*") if p.is_file()) - 1  # without the marker
    click.echo(f"wrote {out}: {files} files, {len(changed)} changed")
    if strict and counter.warnings:
        raise LemmaError(f"{counter.warnings} warnings (--strict)", exit_code=1)


class _Echo(logging.Handler):
    """The site's warnings on stderr, counted (info lines shown too, as MkDocs shows them)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "note"
        self.warnings += record.levelno >= logging.WARNING
        click.echo(f"{level}: {record.getMessage()}", err=True)
