"""Lemma: a personal knowledge base with a concept graph, checked derivations and a static site."""

__version__ = "0.1.0"
