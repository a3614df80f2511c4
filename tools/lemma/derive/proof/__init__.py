"""Symbolic proof: the simplification rungs, proof by cases and discharging side conditions.

Everything here decides a link for all values at once; nothing samples points.
"""
