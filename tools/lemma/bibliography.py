"""References: what a citation points at, read from BibTeX/BibLaTeX files or a paper note.

`load_bibliography(files)` parses the `bibliography:` files of the `lemma` block (bibtexparser,
imported only here and only when there are files) into `Reference`s keyed by citekey, with a
`path:line` diagnostic for each block that fails to parse and each key defined twice.
`note_reference(note)` reads the same fields from a paper note's frontmatter.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Diagnostic, Note, Severity, SourcePos
from .resolution import fold


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name as references print it: given names and family name (with von, jr)."""

    given: str
    family: str

    @classmethod
    def parse(cls, text: str) -> Name:
        """'Arthur Jacot', 'Jacot, Arthur' or 'Ludwig van Beethoven' as a Name."""
        text = " ".join(text.split())
        if "," in text:
            family, _, given = text.partition(",")
            return cls(given.strip(), family.strip())
        words = text.split(" ")
        cut = len(words) - 1
        while cut > 1 and words[cut - 1][:1].islower():  # von, van der, de la
            cut -= 1
        return cls(" ".join(words[:cut]), " ".join(words[cut:]))

    @property
    def initials(self) -> str:
        """'Jean-Pierre Claude' -> 'J.-P. C.'."""
        parts = []
        for word in self.given.split():
            parts.append("-".join(piece[0] + "." for piece in word.split("-") if piece))
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Reference:
    """One citable work: a bibliography entry or a paper note (`note` is then its path)."""

    key: str
    kind: str  # the entry type in lower case: article, inproceedings, book, online, misc…
    title: str
    authors: tuple[Name, ...]
    year: str  # "2018", or "" when unknown
    pos: SourcePos  # where it is defined: a .bib file line or the paper note
    venue: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    doi: str = ""
    url: str = ""
    note: str | None = None


@dataclass(slots=True)
class Bibliography:
    """The entries of the configured files by folded key (the first definition wins)."""

    entries: dict[str, Reference] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # as shown in messages -> the file

    def get(self, key: str) -> Reference | None:
        return self.entries.get(fold(key))

    def __len__(self) -> int:
        return len(self.entries)


def bibliography_files(option: Any, base: Path) -> list[Path]:
    """The `bibliography:` option (a path or a list of paths, relative to mkdocs.yml's folder)."""
    if not option:
        return []
    items = [option] if isinstance(option, str) else list(option)
    return [base / str(item) for item in items]


def load_bibliography(files: list[Path], base: Path | None = None) -> Bibliography:
    """Parse every file; a missing or unreadable file is one diagnostic, not an exception."""
    bib = Bibliography(files={_shown(f, base): f.resolve() for f in files})
    for path in files:
        shown = _shown(path, base)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = "no such file" if isinstance(error, FileNotFoundError) else str(error)
            bib.problems.append(Diagnostic(SourcePos(shown, 1, 1), Severity.ERROR,
                                           "bibliography", f"cannot read {shown}: {reason}",
                                           "fix `bibliography:` in the lemma block of mkdocs.yml"))
            continue
        entries, failed = parse_bibtex(text)
        bib.problems += [Diagnostic(SourcePos(shown, line, 1), Severity.ERROR, "bibliography",
                                    "could not parse this BibTeX block",
                                    "check its braces and commas") for line in failed]
        for raw in entries:
            ref = reference_of(raw, shown)
            first = bib.entries.setdefault(fold(ref.key), ref)
            if first is not ref:
                bib.problems.append(Diagnostic(
                    ref.pos, Severity.WARNING, "duplicate-citekey",
                    f"citekey '{ref.key}' is also defined at {first.pos.path}:{first.pos.line}",
                    "the first definition is used; remove or rename one"))
    return bib


def _shown(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def parse_bibtex(text: str) -> tuple[list[Any], list[int]]:
    """bibtexparser v2 entries (LaTeX decoded, names split) and the lines of failed blocks.

    An entry whose key came before is kept, after the others, for the caller to report.
    """
    import bibtexparser
    from bibtexparser import middlewares as mw
    from bibtexparser.model import DuplicateBlockKeyBlock

    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # failed blocks are reported by the caller with a line
    try:
        library = bibtexparser.parse_string(text, append_middleware=[
            _latex_decoding(), mw.SeparateCoAuthors(), mw.SplitNameParts()])
    finally:
        logger.setLevel(level)
    failed = library.failed_blocks
    again = [b.ignore_error_block for b in failed if isinstance(b, DuplicateBlockKeyBlock)]
    return ([*library.entries, *again],
            [b.start_line + 1 for b in failed if not isinstance(b, DuplicateBlockKeyBlock)])


def _latex_decoding() -> Any:
    """bibtexparser's LaTeX decoding for the values that hold LaTeX (a backslash) only.

    Decoding every value costs ~13 s for 5,000 entries; plain values need no decoding (their
    protective braces go in `clean`, and a braced group in a name keeps the name whole).
    """
    from bibtexparser.middlewares import LatexDecodingMiddleware

    class LatexOnlyDecoding(LatexDecodingMiddleware):
        def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
            if "\\" not in python_string:
                return python_string, ""
            return super()._transform_python_value_string(python_string)

    return LatexOnlyDecoding()


def clean(text: str) -> str:
    """Drop BibTeX's protective braces and collapse whitespace."""
    return " ".join(str(text).replace("{", "").replace("}", "").split())


def reference_of(entry: Any, shown: str) -> Reference:
    """A bibtexparser entry (BibTeX or BibLaTeX field names) as a Reference."""
    fields = {k.lower(): f.value for k, f in entry.fields_dict.items()}
    authors = fields.get("author") or fields.get("editor") or []
    names = tuple(Name(clean(" ".join(p.first)), clean(" ".join([*p.von, *p.last])
                                                         + (", " + " ".join(p.jr) if p.jr else "")))
                  for p in authors if not isinstance(p, str))
    year = re.search(r"\d{4}", str(fields.get("year") or fields.get("date") or ""))
    venue = (fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")
             or fields.get("eventtitle") or "")
    return Reference(
        key=entry.key, kind=entry.entry_type.lower(), title=clean(fields.get("title", "")),
        authors=names, year=year.group(0) if year else "",
        pos=SourcePos(shown, entry.start_line + 1, 1), venue=clean(venue),
        volume=clean(fields.get("volume", "")), number=clean(fields.get("number", "")),
        pages=clean(fields.get("pages", "")).replace("--", "–"),
        publisher=clean(fields.get("publisher") or fields.get("institution")
                        or fields.get("school") or ""),
        doi=doi_of(fields), url=url_of(fields))


def doi_of(fields: dict[str, Any]) -> str:
    """The bare DOI (`10.…`) of an entry's `doi` field, without a doi.org prefix."""
    doi = str(fields.get("doi", "")).strip()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi)


def url_of(fields: dict[str, Any]) -> str:
    """The entry's URL, else its arXiv id (`eprint`, BibTeX or BibLaTeX style) as a URL."""
    url = str(fields.get("url", "")).strip()
    if re.match(r"https?://", url):
        return url.split()[0]
    eprint = str(fields.get("eprint", "")).strip()
    kind = str(fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    return f"https://arxiv.org/abs/{eprint}" if eprint and kind == "arxiv" else ""


def note_reference(note: Note, key: str) -> Reference:
    """The reference a paper note stands for, from its frontmatter."""
    meta = note.meta
    authors = meta.get("authors") or []
    authors = [authors] if isinstance(authors, str) else authors
    year = re.search(r"\d{4}", str(meta.get("year") or meta.get("date") or ""))
    source = str(meta.get("source") or meta.get("url") or "")
    doi = doi_of({"doi": meta.get("doi") or ""})
    if not doi and (found := re.match(r"https?://(dx\.)?doi\.org/(.+)", source)):
        doi, source = found.group(2), ""
    return Reference(key=key, kind=str(meta.get("kind") or "article"), title=note.title,
                     authors=tuple(Name.parse(str(a)) for a in authors if str(a).strip()),
                     year=year.group(0) if year else "", pos=SourcePos(note.path, 1, 1),
                     venue=str(meta.get("venue") or ""), doi=doi, url=source, note=note.path)
