"""A paper note from arXiv's API: `lemma new paper --arxiv 2201.02177`.

`fetch_arxiv(id)` asks export.arxiv.org for the record (the only network access in Lemma; a
clear error when offline) and reads its Atom feed into a `BibEntry`; `plan_arxiv` plans the
note with a Better-BibTeX-style citekey (`power2022grokking`) and the import record that lets
a later `--from-bibtex` with the same key keep it up to date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from urllib.error import URLError
from urllib.parse import quote
from urllib.request import urlopen
from xml.etree import ElementTree

from .authoring.new import Creation, NewNote, name_clash, plan_new
from .bibtex import BibEntry
from .bibtex_sync import entry_values, imported_record, set_keys
from .model import LemmaError, NoteKind
from .vault import Vault

API = "https://export.arxiv.org/api/query?id_list="
TIMEOUT = 20  # seconds
MAX_BYTES = 2_000_000
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_NEW_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
_OLD_ID = re.compile(r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_STOP = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from",
                   "is", "are", "at", "by", "towards", "toward"})


def arxiv_id(text: str) -> str:
    """`2201.02177`, `arXiv:2201.02177v2` or an abs/pdf URL, as the bare id (version kept)."""
    text = text.strip()
    text = re.sub(r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", "", text,
                  flags=re.IGNORECASE).removesuffix(".pdf")
    if _NEW_ID.fullmatch(text) or _OLD_ID.fullmatch(text):
        return text
    raise LemmaError(f"'{text}' is not an arXiv id (such as 2201.02177 or hep-th/9901001)",
                     exit_code=2)


def fetch_arxiv(text: str) -> BibEntry:
    """The record of arXiv paper `text`, from arXiv's API."""
    wanted = arxiv_id(text)
    url = API + quote(wanted, safe="/.")
    try:
        with urlopen(url, timeout=TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
    except (URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise LemmaError(f"cannot reach arXiv ({reason}): check the network connection, or "
                         "add the paper with --from-bibtex or by hand", exit_code=2) from None
    if len(data) > MAX_BYTES:
        raise LemmaError("arXiv's answer is too large to be a paper record", exit_code=2)
    return parse_feed(data, wanted)


def parse_feed(data: bytes, wanted: str) -> BibEntry:
    """The first entry of an arXiv API Atom feed as a BibEntry."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise LemmaError(f"arXiv's answer is not valid XML ({error})", exit_code=2) from None
    entry = root.find(f"{_ATOM}entry")
    entry_id = _text(entry, f"{_ATOM}id") if entry is not None else ""
    if entry is None or "/api/errors" in entry_id or not _text(entry, f"{_ATOM}title"):
        raise LemmaError(f"arXiv has no paper '{wanted}'", exit_code=2)
    title = " ".join(_text(entry, f"{_ATOM}title").split())
    authors = tuple(" ".join(_text(a, f"{_ATOM}name").split())
                    for a in entry.findall(f"{_ATOM}author"))
    year = re.match(r"\d{4}", _text(entry, f"{_ATOM}published"))
    bare = re.sub(r"v\d+$", "", entry_id.rsplit("/abs/", 1)[-1])
    venue = " ".join(_text(entry, f"{_ARXIV}journal_ref").split()) or None
    return BibEntry(
        key=citekey(authors, int(year.group(0)) if year else None, title), line=0, title=title,
        authors=authors, year=int(year.group(0)) if year else None, venue=venue,
        source=f"https://arxiv.org/abs/{bare}")


def _text(element: ElementTree.Element | None, tag: str) -> str:
    found = element.find(tag) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def citekey(authors: tuple[str, ...], year: int | None, title: str) -> str:
    """Better BibTeX's default form: first author's family name, year, first title word."""
    family = authors[0].split()[-1] if authors else "anon"
    words = [w for w in re.findall(r"[^\W\d_]+", title) if w.casefold() not in _STOP]
    parts = [family, str(year or ""), words[0] if words else ""]
    text = unicodedata.normalize("NFKD", "".join(parts)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", text).lower() or "arxiv"


def plan_arxiv(vault: Vault, entry: BibEntry) -> Creation:
    """The paper note for an arXiv record (an error naming the note that already has it)."""
    for note in vault:
        if note.meta.get("source") == entry.source:
            raise LemmaError(f"{note.path} already has the source {entry.source}")
    if (clash := name_clash(vault, entry.title)) is not None:
        raise LemmaError(clash)
    values = entry_values(entry)
    creation = plan_new(vault, NewNote(NoteKind.PAPER, entry.title,
                                       {**values, "status": "to-read"}))
    return replace(creation, text=set_keys(creation.text, {
        "citekey": entry.key, "imported": imported_record(values)}))
