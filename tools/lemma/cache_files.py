"""Where a vault's cache files live: `.lemma-cache/` beside the notes folder, holding the index,
the vault lock, the rename journal and its done-markers (plain paths; no locking here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CacheFiles:
    """The lock, journal and done-marker of one vault, in `.lemma-cache/` beside its folder."""

    folder: Path
    name: str

    @classmethod
    def of(cls, root: Path) -> CacheFiles:
        root = Path(root).resolve()
        return cls(root.parent / ".lemma-cache", root.name or "vault")

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.name}.lock"

    @property
    def journal(self) -> Path:
        return self.folder / f"{self.name}.journal"

    def done(self, token: str) -> Path:
        return self.folder / f"{self.name}.done-{token}"

    @property
    def journal_temp(self) -> Path:
        return self.folder / f"{self.name}.journal.tmp"

    def pending(self) -> bool:
        """Whether an apply left anything behind: its journal, or a stray temp or marker."""
        return self.journal.exists() or self.journal_temp.exists() or any(
            self.folder.glob(f"{self.name}.done-*"))

    def clear_strays(self) -> None:
        """Remove a half-written journal and markers of applies already finished."""
        self.journal_temp.unlink(missing_ok=True)
        for stale in self.folder.glob(f"{self.name}.done-*"):
            stale.unlink(missing_ok=True)
