"""The concept graph: built from the vault with networkx, its algorithms, text and exports."""
