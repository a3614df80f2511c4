"""Derivation blocks in notes: whitelist parsing into sympy objects and machine checking."""

from lemma.derive.block import Derivation, DerivationSyntaxError
from lemma.derive.parse import parse_block, parse_note

__all__ = ["Derivation", "DerivationSyntaxError", "parse_block", "parse_note"]
