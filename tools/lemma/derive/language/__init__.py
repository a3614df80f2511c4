"""The derivation language: fences, blocks, declarations and the whitelist expression builder.

Turns a note's text into a `Derivation` of sympy objects, with every side condition recorded.
"""
