"""Site addresses without a site engine: where a source file lands, its URL, and one URL seen
from another page — the rules MkDocs 1.x applies (Zensical and ProperDocs keep them), so the
Markdown extension and `lemma site prepare` compute the links a MkDocs build does."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from urllib.parse import quote

#: Extensions of the files a site converts from Markdown (MkDocs' list).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other` (slash-separated paths; the last part of `other` is
    dropped when it has a dot, i.e. names a file). MkDocs' `get_relative_url`, engine-free."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts, dest_parts = _norm_parts(other), _norm_parts(url)
    common = 0
    for a, b in zip(other_parts, dest_parts, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def _norm_parts(path: str) -> list[str]:
    path = posixpath.normpath("/" + path.removeprefix("/"))[1:]
    return path.split("/") if path else []


def is_page(src_uri: str) -> bool:
    """Whether the site converts the file (a Markdown page) rather than copying it."""
    return src_uri.endswith(MARKDOWN_SUFFIXES)


def dest_of(src_uri: str, use_directory_urls: bool = True) -> str:
    """The output file of a source file: `a/b.md` -> `a/b/index.html` (or `a/b.html`)."""
    if not is_page(src_uri):
        return src_uri
    parent, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]
    name = "index" if stem == "README" else stem
    if not use_directory_urls or name == "index":
        return posixpath.join(parent, name + ".html")
    return posixpath.join(parent, name, "index.html")


def url_of_dest(dest_uri: str, use_directory_urls: bool = True) -> str:
    """The URL of an output file, percent-encoded: `a/b/index.html` -> `a/b/`, root -> `./`."""
    dirname, filename = posixpath.split(dest_uri)
    url = (dirname or ".") + "/" if use_directory_urls and filename == "index.html" else dest_uri
    return quote(url)


class SiteFile:
    """A source file of the site and where it lands (`dest_uri` may be moved, e.g. by
    `permalink:`); duck-compatible with the parts of MkDocs' `File` Lemma uses."""

    def __init__(self, src_uri: str, use_directory_urls: bool = True) -> None:
        self.src_uri = src_uri
        self.use_directory_urls = use_directory_urls
        self.dest_uri = dest_of(src_uri, use_directory_urls)

    @property
    def url(self) -> str:
        return url_of_dest(self.dest_uri, self.use_directory_urls)

    def is_documentation_page(self) -> bool:
        return is_page(self.src_uri)


class SiteFiles:
    """The files of a site by source path, in order (the parts of MkDocs' `Files` Lemma uses)."""

    def __init__(self, files: Iterable[SiteFile] = ()) -> None:
        self._files = {f.src_uri: f for f in files}

    def __iter__(self) -> Iterator[SiteFile]:
        return iter(list(self._files.values()))

    def get_file_from_path(self, path: str) -> SiteFile | None:
        return self._files.get(path)

    def append(self, file: SiteFile) -> None:
        self._files[file.src_uri] = file

    def remove(self, file: SiteFile) -> None:
        self._files.pop(file.src_uri, None)

    def documentation_pages(self) -> list[SiteFile]:
        return [f for f in self._files.values() if f.is_documentation_page()]
