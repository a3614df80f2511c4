"""`lemma init`: write a working mkdocs.yml that publishes an existing vault."""

from __future__ import annotations

from pathlib import Path

import click

from ..model import LemmaError


@click.command()
@click.argument("vault", type=click.Path(file_okay=False, path_type=Path))
@click.option("--site-name", help="The site's title (default: the vault folder's name).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("mkdocs.yml"), show_default=True, help="The file to write.")
def init(vault: Path, site_name: str | None, output: Path) -> None:
    """Write mkdocs.yml publishing the Obsidian vault VAULT (never overwrites a file)."""
    from ..authoring.files import link_exclusive, write_temp
    from ..publish_config import init_text

    text = init_text(vault, output.parent if output.parent != Path("") else Path("."),
                     site_name)
    temp = output.with_name(f".{output.name}.lemma-init.tmp")
    try:
        write_temp(temp, text)
        try:
            link_exclusive(temp, output)
        except FileExistsError:
            raise LemmaError(f"{output} already exists; lemma init never overwrites it "
                             "(remove it or pass --output)") from None
    except OSError as error:
        raise LemmaError(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        temp.unlink(missing_ok=True)
    click.echo(f"wrote {output}: build the site with `mkdocs build`")
