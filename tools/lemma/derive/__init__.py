"""Derivation blocks in notes: whitelist parsing into sympy objects and machine checking.

Exports load lazily (PEP 562) so that sympy-free parts -- cached results, reports, the worker
pool -- can be imported without paying for sympy; a fully cached `lemma check` never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Derivation": "lemma.derive.block",
    "DerivationSyntaxError": "lemma.derive.block",
    "parse_block": "lemma.derive.parse",
    "parse_note": "lemma.derive.parse",
    "check_derivation": "lemma.derive.check",
    "check_vault": "lemma.derive.api",
    "check_derivations": "lemma.derive.api",
    "find_derivations": "lemma.derive.api",
    "DerivationResult": "lemma.derive.results",
    "LinkResult": "lemma.derive.results",
    "CheckResult": "lemma.derive.results",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lemma.derive' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
