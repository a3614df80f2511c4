"""The `lemma` plugin's typed options: the same block of mkdocs.yml the CLI reads (MkDocs
validates them; `options.SiteOptions` carries them to the engine-free modules)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .options import DEFAULT_INTRO


class LemmaPluginConfig(base.Config):
    """Options of `plugins: - lemma:`; every one has a default, so `- lemma` alone works."""

    # what the site shows
    intro = c.Type(str, default=DEFAULT_INTRO)  # Markdown shown at the top of the home page
    recent = c.Type(int, default=12)  # how many recent notes the home page lists
    backlinks = c.Type(bool, default=True)  # a "Linked from" list at the end of every note
    indexes = c.Type(bool, default=True)  # generated home, papers, takes, concepts, tags pages
    nav = c.Type(bool, default=True)  # build the navigation by kind (linear in the vault size)
    # the nav (when `nav` is true and mkdocs.yml has none): "kinds" (Home, Papers, Takes,
    # Concepts...), "folders" (the vault's folder tree, folders under their own names),
    # "auto": folders when every note is a plain note, else kinds
    navigation = c.Choice(("auto", "kinds", "folders"), default="auto")
    # the note shown at the site root (a path or name, like Publish's indexFile); "" = the
    # vault's index.md, else a root Home.md / README.md, else a generated page
    home = c.Type(str, default="")
    # false (Obsidian's default): a single line break in a paragraph shows as a line break;
    # true: lines of a paragraph join, as in CommonMark
    strict_line_breaks = c.Type(bool, default=False)

    # how the feed dates notes without a frontmatter date: "git" (the last commit touching the
    # file: the same in every clone), "mtime" (git, else the file's modification time, which
    # differs between copies), "off"
    file_dates = c.Choice(("git", "mtime", "off"), default="git")

    # citations: BibTeX/BibLaTeX files (relative to mkdocs.yml) that `[@key]` may cite
    bibliography = c.Type((str, list), default=[])
    # LaTeX macros for every formula, e.g. {"\\R": "\\mathbb{R}", "\\norm": "\\lVert #1\\rVert"}
    katex_macros = c.Type(dict, default={})

    # lint
    # "typed": opinionated rules (near-duplicate titles, shared names) judge papers, takes,
    # concepts and digests only; "all": every note of the vault (read by `lemma lint`)
    style_rules = c.Choice(("typed", "all"), default="typed")

    # derivation checking
    check = c.Type(bool, default=True)  # check derivation blocks while building
    jobs = c.Type(int, default=1)  # checker worker processes
    cache_dir = c.Type(str, default=".lemma-cache")  # relative to mkdocs.yml
    time_box = c.Type(float, default=10.0)  # seconds per derivation

    # robustness
    max_note_size = c.Type((int, float), default=5)  # MB; larger notes are reported and skipped

