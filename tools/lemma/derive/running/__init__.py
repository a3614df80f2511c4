"""Running the checker: per-link and per-block verdicts, cache, reports, API.

The only room that knows about time boxes, processes, files and the vault; its killable
workers are `lemma.workers`.
"""
