"""`lemma lsp`: a Language Server Protocol server for notes, over the vault, lint and checker.

`roots` finds the vault the client means, `loading` reads it from the persistent index in a
thread, `live` keeps it in step with the editor's buffers, `features`, `navigation`, `names`
and `edits` answer the requests in plain data (no pygls); `server`, `handlers`,
`handlers_nav`, `checking`, `watch` and `transport` are the pygls adapter (the wire, the disk
watcher, checks on save). Only `lemma lsp` imports them.
"""
