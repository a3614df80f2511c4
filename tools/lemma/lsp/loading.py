"""The vault loading for `lemma lsp`, in a thread, from the persistent index (no pygls here).

At 10k notes a warm index reads back in about half a second (a full parse takes seconds). The
load is GIL-bound: started before pygls is imported it only slows the import down, so the
server starts it once pygls is there, while the client initializes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..links import Slugify
from ..model import LemmaError
from ..vault import Vault, gc_paused
from ..vault_fs import DEFAULT_MAX_BYTES, Listing
from .live import LiveVault

#: What loads the vault (told the load, to offer `early`): the vault and a one-line notice for
#: the user (or None).
Loader = Callable[["VaultLoad"], tuple[Vault, str | None]]
#: The vault of one note (path, buffer text, with did-you-mean hints?) read from the index
#: while the rest loads.
Early = Callable[[str, str, bool], "Vault | None"]
#: How long the loading waits for early diagnostics before reading back the stored notes.
EARLY_SECONDS = 3.0
#: What starts loading the vault of a project folder (the notes folder given, or configured).
Opener = Callable[[Path, Path | None], "VaultLoad"]


def index_loader(notes: Path, slugify: Slugify | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Loader:
    """Load the vault at `notes` through its persistent index, as every command does (only
    files changed since the last command are parsed again)."""
    def load(state: VaultLoad) -> tuple[Vault, str | None]:
        from ..index.early import early_vault
        from ..index.refresh import VaultIndex

        with VaultIndex(notes, slugify, max_bytes, progress=state.parsed) as index:
            def refreshed(listing: Listing) -> None:  # the index is current: offer `early`
                state.early = lambda path, text, hints=True: early_vault(
                    index.file, notes, listing, path, text, slugify, max_bytes, hints)
                state.refreshed.set()
                state.let_early_finish()

            vault = index.vault(refreshed)
        watch_for_commands(notes)  # started once loaded: its start-up would slow the load
        return vault, index.notice

    return load


#: notes folder -> its watcher process, kept while the server runs (see index/watched.py).
_WATCHERS: dict[Path, object] = {}


def watch_for_commands(notes: Path) -> None:
    """Watch the notes folder for the `lemma` commands run beside the editor: they then look
    only at the files changed instead of every file (100k notes: ~0.3 s less per command)."""
    from ..index.store import index_file
    from ..index.watched import spawn_watcher

    key = Path(notes).resolve()
    if key not in _WATCHERS:
        _WATCHERS[key] = spawn_watcher(key, index_file(key))


class VaultLoad:
    """A vault loading in a thread: `done` is set when `live` (or `error`) is there."""

    def __init__(self, loader: Loader | None, every_note: bool = False,
                 notes: Path | None = None, error: str | None = None) -> None:
        self.notes = notes  # the notes folder being loaded (to tell vaults apart)
        self.every_note = every_note  # `style_rules: all`
        self.watch: object | None = None  # the server's watcher of its files, if any
        self.live: LiveVault | None = None
        self.error = error
        self.notice: str | None = None  # e.g. the index was rebuilt: for the client's log
        self.bibliography: object | None = None  # citations.BibliographySource of the project
        self.macros: dict[str, str] = {}  # the project's katex_macros
        self.done = threading.Event()
        self.parsing = (0, 0)  # (notes parsed, to parse) while it parses: `$/progress`
        # while the stored notes are read back (100k notes: tens of seconds), the vault of one
        # note from the up-to-date index; `refreshed` is set when it is there (or all is done)
        self.early: Early | None = None
        self.refreshed = threading.Event()
        self._early_wanted = 0  # notes waiting for early diagnostics (see `want_early`)
        self._early_lock = threading.Lock()
        self._early_idle = threading.Event()
        self._early_idle.set()
        self._start = (loader, every_note)
        if loader is None:  # e.g. the project's configuration could not be read
            self.done.set()
            self.refreshed.set()

    def parsed(self, done: int, total: int) -> None:
        """In the loading thread: how far the parse is (read by `progress.show_load`)."""
        self.parsing = (done, total)

    def want_early(self) -> None:
        """A note wants early diagnostics (until `early_done`): reading back the stored notes,
        all Python, would take the interpreter from them (they wait ~5 ms per SQLite row)."""
        with self._early_lock:
            self._early_wanted += 1
            self._early_idle.clear()

    def early_done(self) -> None:
        with self._early_lock:
            self._early_wanted -= 1
            if not self._early_wanted:
                self._early_idle.set()

    def let_early_finish(self, seconds: float = EARLY_SECONDS) -> None:
        """In the loading thread, once `early` is offered: let the notes waiting for early
        diagnostics have them first (at most `seconds`)."""
        self._early_idle.wait(seconds)

    def start(self) -> VaultLoad:
        """Start loading (once); returns self."""
        loader, every_note = self._start
        if loader is not None:
            self._start = (None, every_note)
            threading.Thread(target=self._run, args=(loader, every_note), daemon=True).start()
        return self

    def serves(self, notes: Path) -> bool:
        """Whether this is the load of the notes folder `notes`."""
        return self.notes is not None and self.notes.resolve() == notes.resolve()

    def _run(self, loader: Loader, every_note: bool) -> None:
        # The loaded notes live as long as the server: `gc_paused` keeps the collector off
        # while they are made and then freezes them, so no collection walks their million
        # objects (one would cost 0.1-1 s, right when the first request waits).
        try:
            with gc_paused():
                vault, self.notice = loader(self)
                self.live = LiveVault(vault, every_note)
        except LemmaError as error:
            self.error = error.message
        except Exception as error:  # the thread's end: one message for the client, no traceback
            self.error = f"the vault could not be loaded ({type(error).__name__}: {error})"
        finally:
            self.early = None  # the whole vault answers from now on
            self.done.set()
            self.refreshed.set()
