"""Evidence at points: drawing exact sample points, edge points, evaluation and shrinking.

Sampling can refute a link or support it, never prove it.
"""
