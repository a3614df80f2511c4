"""Derivation blocks in notes: whitelist parsing into sympy objects and machine checking.

Exports load lazily (PEP 562) so that sympy-free parts -- cached results, reports, the worker
pool -- can be imported without paying for sympy; a fully cached `lemma check` never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Derivation": "lemma.derive.language.block",
    "DerivationSyntaxError": "lemma.derive.language.block",
    "parse_block": "lemma.derive.language.parse",
    "parse_note": "lemma.derive.language.parse",
    "check_derivation": "lemma.derive.running.check",
    "check_vault": "lemma.derive.running.api",
    "check_derivations": "lemma.derive.running.api",
    "find_derivations": "lemma.derive.running.api",
    "DerivationResult": "lemma.derive.running.results",
    "LinkResult": "lemma.derive.running.results",
    "CheckResult": "lemma.derive.running.results",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lemma.derive' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
