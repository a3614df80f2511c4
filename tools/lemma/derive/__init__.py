"""Derivation blocks in notes: whitelist parsing into sympy objects and machine checking."""

from lemma.derive.block import Derivation, DerivationSyntaxError

__all__ = ["Derivation", "DerivationSyntaxError"]
