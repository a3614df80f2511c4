"""The `lemma` MkDocs plugin (placeholder until the site issue lands)."""

from mkdocs.plugins import BasePlugin


class LemmaPlugin(BasePlugin):
    """Turns the vault into a site."""
