"""Running the checker: per-link and per-block verdicts, killable workers, cache, reports, API.

The only room that knows about time boxes, processes, files and the vault.
"""
