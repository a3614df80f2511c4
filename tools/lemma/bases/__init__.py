"""Obsidian Bases: `.base` files evaluated at build time over the vault (a safe subset)."""
