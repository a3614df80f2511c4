"""The MkDocs adapter: a thin plugin over the vault, graph and checker."""
