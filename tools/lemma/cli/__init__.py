"""The `lemma` command: a click group whose subcommands are imported only when run.

Commands are thin: they parse options, call the library, print. Heavy libraries (sympy,
networkx) are imported inside the commands that need them, so `lemma --help` starts fast.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..model import LemmaError
from ..terminal import printable

#: command name -> "module:attribute"; each module imports only click and the core at top level.
COMMANDS = {
    "lint": "lemma.cli.lint:lint",
    "search": "lemma.cli.search:search",
    "check": "lemma.cli.check:check",
    "graph": "lemma.cli.graph:graph",
    "new": "lemma.cli.authoring:new",
    "mv": "lemma.cli.authoring:mv",
    "list": "lemma.cli.authoring:list_notes",
    "lsp": "lemma.cli.lsp:lsp",
    "init": "lemma.cli.init:init",
    "site": "lemma.cli.site:site",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context) -> object:
        arguments = (list(ctx._protected_args), list(ctx.args))  # to run the command again
        try:
            if arguments[0][:1] == ["lsp"]:  # speaks JSON-RPC on the raw streams
                return super().invoke(ctx)
            with _terminal_safe():
                return super().invoke(ctx)
        except LemmaError as error:
            click.echo(f"error: {error.message}", err=True)
            ctx.exit(error.exit_code)
        except OSError as error:
            from ..terminal import OutputError

            if not isinstance(error, OutputError):
                raise
            if error.errno != errno.EPIPE:  # a reader that stopped early (| head) is no error
                with contextlib.suppress(OSError):
                    click.echo(f"error: cannot write the output: {error.strerror}", err=True)
            ctx.exit(1)
        except Exception as error:
            sqlite3 = sys.modules.get("sqlite3")  # loaded only by commands that use the index
            if sqlite3 is None or not isinstance(error, sqlite3.DatabaseError):
                raise
            project = ctx.obj
            if not isinstance(project, Project) or project.memory:
                click.echo(f"error: the index failed: {error}", err=True)
                ctx.exit(1)
            # the index went bad while in use (damage, disk): answer again without it
            click.echo(_drop_index(project, error), err=True)
            project.memory = True
            ctx._protected_args, ctx.args = arguments
            return self.invoke(ctx)


@contextlib.contextmanager
def _terminal_safe() -> Iterator[None]:
    """Print through `SafeStream`s: note text holding ESC or BEL reaches the terminal escaped."""
    from ..terminal import SafeStream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)  # type: ignore
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _drop_index(project: Project, error: Exception) -> str:
    """Remove a damaged index (the next command rebuilds it); the notice saying so."""
    from ..index.fallback import damaged
    from ..index.store import index_file, remove_files

    file = index_file(project.notes_dir)
    if not damaged(error):  # type: ignore[arg-type]
        return f"note: the index {file} cannot be used ({error}); working without it"
    with contextlib.suppress(OSError):
        remove_files(file)
    return (f"note: the index {file} is damaged ({error}); it was removed (the next command "
            "rebuilds it) and this one works without it")


class Project:
    """What every command needs: the notes folder and the `lemma` options from mkdocs.yml."""

    def __init__(self, notes: Path | None) -> None:
        from ..config import read_project_config

        config = read_project_config(load=load_mkdocs_yaml)
        self.notes_dir = notes or config.notes_dir
        self.options = config.options
        self.config_file = config.config_file
        self.toc = config.toc
        self.memory = False  # True: the index file failed; work with one in memory

    @contextlib.contextmanager
    def index(self, quiet: bool = False) -> Iterator[Any]:  # VaultIndex, imported lazily
        """The vault's index; a notice (rebuilt, not writable) goes to stderr at the end."""
        from ..config import configured_slugify
        from ..index.refresh import VaultIndex
        from ..vault_fs import max_bytes_option
        from .progress import index_progress

        progress = index_progress()
        index = VaultIndex(self.notes_dir, configured_slugify(self.toc),
                           max_bytes_option(self.options.get("max_note_size")),
                           memory=self.memory, progress=progress)
        try:
            yield index
        finally:
            if progress is not None:
                progress.close()
            index.close()
            if index.notice and not quiet:
                click.echo(index.notice, err=True)

    def bibliography(self) -> Any:  # Bibliography
        """The entries of the `bibliography:` files (paths relative to mkdocs.yml's folder)."""
        from ..bibliography_cache import project_bibliography

        base = self.config_file.parent if self.config_file else Path.cwd()
        return project_bibliography(self.options.get("bibliography"), base,
                                    base / ".lemma-cache")  # beside mkdocs.yml

    def citations(self, vault: Any) -> Any:  # Citations
        """The vault's citations against its bibliography."""
        from ..citations import Citations

        return Citations(vault, self.bibliography())

    def load_vault(self) -> Any:  # Vault
        """The vault at the configured notes folder, read through its index, heading ids as
        the site makes them."""
        with self.index() as index:
            return index.vault()


def load_mkdocs_yaml(path: Path) -> object:
    """mkdocs.yml as MkDocs reads it (`INHERIT:` merged, `!ENV` resolved) but running no code:
    a `!!python/` tag is ignored with a warning on stderr (see `cli.config_yaml`)."""
    from .config_yaml import ConfigFileError, load_config_yaml

    try:
        data, warnings = load_config_yaml(path)
    except ConfigFileError as error:  # e.g. an INHERIT file that does not exist
        raise LemmaError(f"{path}: {error}", exit_code=2) from None
    for warning in dict.fromkeys(warnings):
        click.echo(printable(warning, newlines=False), err=True)
    return data


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--notes", type=click.Path(file_okay=False, path_type=Path),
              help="The notes folder (default: docs_dir of ./mkdocs.yml, else ./notes).")
@click.version_option(package_name="lemma")
@click.pass_context
def main(ctx: click.Context, notes: Path | None) -> None:
    """Lemma: a knowledge base of linked notes with machine-checked derivations."""
    if isinstance(ctx.obj, Project) and ctx.obj.memory:
        return  # the command runs again without its failed index (see LazyGroup.invoke)
    ctx.obj = Project(notes)
    _recover(ctx.obj.notes_dir)


def _recover(notes_dir: Path) -> None:
    """Roll back (or complete) a `lemma mv`/`new` that was killed midway, with a one-line notice."""
    from ..cache_files import CacheFiles

    if not CacheFiles.of(notes_dir).pending():
        return  # the usual case: one stat, no import of the apply machinery
    from ..authoring.apply import recover_interrupted

    try:
        notice = recover_interrupted(notes_dir)
    except LemmaError as error:
        notice = f"warning: {error.message}"
    if notice is not None:
        click.echo(notice, err=True)


pass_project = click.make_pass_decorator(Project)


def entry() -> None:
    """The `lemma` console script: run the command, then leave at once.

    Python's orderly shutdown frees every object one by one: a fifth of a second after a
    command that held a 10k-note graph. Output is flushed and files are closed by then, so the
    process exits without it (in-process callers and tests use `main`).
    """
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    os._exit(code)
