"""Authoring: new notes, safe renames, listing, and the locked, journalled writes they share."""
