"""`lemma lsp`: a Language Server Protocol server for notes, over the vault, lint and checker.

`loading` reads the vault from the persistent index in a thread, `live` keeps it in step with
the editor's buffers, `features` and `edits` answer the requests in plain data (no pygls), and
`server` is the thin pygls adapter; only `server` imports pygls, and only `lemma lsp` imports
`server`.
"""
