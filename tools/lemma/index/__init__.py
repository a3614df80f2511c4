"""The persistent index: an SQLite file in `.lemma-cache/` that every command reads the vault from.

`VaultIndex(root).vault()` is `load_vault(root)` without re-parsing unchanged notes; the
queries in `index.queries` answer backlinks, listing, completion and search from the tables
alone. Standard library only (sqlite3, pickle, multiprocessing).
"""
