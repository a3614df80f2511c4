"""The authoring lint rules: required sections per kind, take confidence, search-page sources,
near-duplicate titles, and (on request) phrases that name a concept but are not linked to it.

Each rule is linear in the vault's size: duplicates use a deletion index instead of comparing all
pairs, and concept names are found by one trie-shaped regex per vault, not one search per concept.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

from .links import LineIndex, code_regions, fold, strip_comments
from .model import Diagnostic, Note, NoteKind, Severity, SourcePos
from .vault import Vault

#: kind -> headings it must have (compared case-insensitively).
REQUIRED_SECTIONS = {NoteKind.PAPER: ("Summary", "Opinion")}
#: kind -> (code, what its first paragraph must state).
LEAD_PARAGRAPH = {NoteKind.TAKE: ("missing-claim", "a claim paragraph"),
                  NoteKind.CONCEPT: ("missing-definition", "a definition paragraph")}
_NOT_PROSE = re.compile(r"^\s{0,3}(?:[-*+]\s|\d+[.)]\s|>|\||```|~~~|\$\$|<|!\[|\\\[)")
_MIN_PHRASE = 3
_MIN_FUZZY = 8  # shorter titles are compared exactly (one edit apart is a different word)
_MAX_BUCKET = 50
#: Last path segments of a search-results page (site search and search engines alike).
_SEARCH_PAGES = frozenset({"search", "scholar", "websearch"})
#: Hosts that are search engines: a query on them is a search, whatever the path.
_SEARCH_HOSTS = re.compile(r"(?:^|\.)(?:google|bing|duckduckgo|yandex|baidu|ecosia|startpage|"
                           r"kagi|qwant|search\.yahoo|search\.brave)\.[a-z.]+$")
#: Query keys that carry the search terms (q=, query=, YouTube's search_query=, Baidu's wd= ...).
_QUERY_KEYS = frozenset({"q", "query", "search_query", "wd", "p", "text", "as_q"})


def extra_diagnostics(vault: Vault, suggest: bool = False,
                      every_note: bool = False) -> list[Diagnostic]:
    """The authoring rules' findings, sorted by position.

    The opinionated rules (near-duplicate titles, shared names) judge Lemma's typed notes only,
    unless the vault opts in with `every_note` (`style_rules: all` in mkdocs.yml), so a plain
    Obsidian vault gets no style noise.
    """
    found: list[Diagnostic] = []
    for note in vault:
        found += section_problems(note)
        found += source_problems(note)
        if note.kind is NoteKind.TAKE and note.meta.get("confidence") is None:
            found.append(Diagnostic(SourcePos(note.path, 1, 1), Severity.INFO, "no-confidence",
                                    "take has no confidence",
                                    "say how sure you are: 'confidence: 0.8' in the frontmatter"))
    found += near_duplicates(vault, every_note)
    if every_note:  # names shared with plain notes too (typed ones are already vault errors)
        reported = {d.pos.path for d in vault.diagnostics if d.code == "duplicate-name"}
        found += [d for d in vault.duplicate_names() if d.pos.path not in reported]
    if suggest:
        found += concept_suggestions(vault)
    return sorted(found, key=Diagnostic.sort_key)


def section_problems(note: Note) -> list[Diagnostic]:
    """Missing required headings (papers) or missing lead paragraph (takes, concepts)."""
    problems = []
    have = {fold(h.text) for h in note.headings}
    for section in REQUIRED_SECTIONS.get(note.kind, ()):
        if fold(section) not in have:
            problems.append(Diagnostic(
                SourcePos(note.path, note.body_line, 1), Severity.WARNING, "missing-section",
                f"{note.kind.value} note has no '{section}' section",
                f"add a '## {section}' heading, as 'lemma new {note.kind.value}' does"))
    if note.kind in LEAD_PARAGRAPH and lead_paragraph(note.body) is None:
        code, what = LEAD_PARAGRAPH[note.kind]
        problems.append(Diagnostic(
            SourcePos(note.path, note.body_line, 1), Severity.WARNING, code,
            f"{note.kind.value} note does not open with {what}",
            f"start the body with {what}, before any '##' heading"))
    return problems


def source_problems(note: Note) -> list[Diagnostic]:
    """A `source:` that is a search-results page: a placeholder, not the work it should cite."""
    source = note.meta.get("source")
    if not isinstance(source, str) or not is_search_url(source):
        return []
    return [Diagnostic(SourcePos(note.path, 1, 1), Severity.WARNING, "search-url-source",
                       f"'source' is a search-results page, not the work itself: {source.strip()}",
                       "link the work's own page (its arXiv abstract, forum post or report), or "
                       "omit 'source:' and name where you read it in the note")]


def is_search_url(url: str) -> bool:
    """Whether `url` is a page of search results (Google, Scholar, Bing, DuckDuckGo, a forum's
    own /search ...) rather than a document: judged by host, last path segment and query keys."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:  # a malformed URL (e.g. a bad IPv6 host) is the schema check's business
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in _SEARCH_PAGES:
        return True
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if segments and segments[-1] == "results" and keys & _QUERY_KEYS:
        return True  # YouTube's /results?search_query=
    return bool(_SEARCH_HOSTS.search(host)) and bool(keys & _QUERY_KEYS)


def lead_paragraph(body: str) -> str | None:
    """The prose paragraph the body opens with (after an optional H1), or None.

    A body that opens with a section heading, a list, a quote, a table, code or math has none.
    """
    body = strip_comments(strip_html_comments(body))  # HTML and %% comments, linear time
    for block in re.split(r"\n[ \t]*\n", body):
        block = block.strip("\n")
        if block.lstrip().startswith("# "):  # an H1 title, possibly followed by text
            block = block.split("\n", 1)[1] if "\n" in block else ""
        if not block.strip():
            continue
        if block.lstrip().startswith("#") or _NOT_PROSE.match(block):
            return None
        return block
    return None


def strip_html_comments(text: str) -> str:
    """`text` without its closed HTML comments, in one pass (an unclosed `<!--` stays).

    A lazy regex (`<!--.*?-->`) rescans the rest of the text from every unclosed opener:
    quadratic on `"<!-- " * 100_000`.
    """
    parts: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        parts.append(text[pos:start])
        pos = end + 3
    parts.append(text[pos:])
    return "".join(parts)


def title_key(title: str) -> str:
    """The title reduced to what tells notes apart: letters and digits, singular words."""
    text = unicodedata.normalize("NFKD", fold(title)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text) or [fold(title)]
    return "".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                   for w in words)


def near_duplicates(vault: Vault, every_note: bool = True) -> list[Diagnostic]:
    """Notes whose titles differ only by case, punctuation, a plural or one typo.

    Without `every_note`, only Lemma's typed notes (papers, takes, concepts, digests) count.
    """
    notes = [n for n in vault if every_note or n.kind is not NoteKind.NOTE]
    keys = [title_key(n.title) for n in notes]
    buckets: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        for variant in _variants(key):
            buckets.setdefault(variant, []).append(i)
    pairs = set()
    for members in buckets.values():
        if 1 < len(members) <= _MAX_BUCKET:
            pairs.update((a, b) for a in members for b in members if a < b)
    problems = []
    for a, b in sorted(pairs):
        first, second = notes[a], notes[b]
        if re.findall(r"\d+", keys[a]) != re.findall(r"\d+", keys[b]):
            continue  # "Part 2" and "Part 3" are a series, not duplicates
        if fold(first.title) == fold(second.title) and _explicit(first) and _explicit(second):
            continue  # already an error: duplicate-name
        problems.append(Diagnostic(
            SourcePos(second.path, 1, 1), Severity.WARNING, "near-duplicate-title",
            f"title '{second.title}' is nearly the same as '{first.title}' ({first.path})",
            "merge the two notes, or make the titles clearly different"))
    return problems


def _explicit(note: Note) -> bool:
    return isinstance(note.meta.get("title"), str)


def _variants(key: str) -> Iterator[str]:
    """The key and, for long keys, every one-letter deletion (shared by keys one edit apart)."""
    yield key
    if len(key) >= _MIN_FUZZY:
        yield from {key[:i] + key[i + 1:] for i in range(len(key))}


def concept_suggestions(vault: Vault) -> list[Diagnostic]:
    """Phrases naming a concept (title or alias) in a note's prose that the note does not link."""
    phrases = _concept_phrases(vault)
    if not phrases:
        return []
    pattern = phrase_pattern(phrases)
    found = []
    for note in vault:
        linked = {r.target for r in vault.resolved[note.path] if r.target}
        skip: list[tuple[int, int]] | None = None
        link_spans = [(link.start, link.end) for link in note.links]
        reported: set[str] = set()
        lines: LineIndex | None = None
        for match in pattern.finditer(note.body):
            concept = phrases.get(_phrase_key(match.group(0))) or phrases.get(match.group(0))
            if concept is None or concept.path == note.path or concept.path in linked:
                continue
            if concept.path in reported or _inside(link_spans, match.start()):
                continue  # the cheap checks first: most matches in a vault are link labels
            if skip is None:
                skip = _prose_exclusions(note)
            if _inside(skip, match.start()):
                continue
            reported.add(concept.path)
            lines = lines or LineIndex(note.body, note.body_line)
            text = " ".join(match.group(0).split())
            link = f"[[{concept.title}]]" if text == concept.title else \
                f"[[{concept.title}|{text}]]"
            found.append(Diagnostic(lines.position(note.path, match.start()), Severity.INFO,
                                    "unlinked-concept",
                                    f"'{text}' names the concept '{concept.title}'",
                                    f"link it: {link}"))
    return found


def _phrase_key(text: str) -> str:
    """How a phrase is compared: lower case, runs of spaces and hyphens as one space."""
    return re.sub(r"[\s\-]+", " ", text.lower()).strip()


def _is_acronym(name: str) -> bool:
    return name.isupper() and " " not in name


def _concept_phrases(vault: Vault) -> dict[str, Note]:
    """phrase key -> concept note, for every concept title and alias (acronyms kept as written)."""
    phrases: dict[str, Note] = {}
    for note in vault:
        if note.kind is not NoteKind.CONCEPT:
            continue
        for name in (note.title, *note.aliases):
            if len(name.strip()) < _MIN_PHRASE:
                continue
            key = name.strip() if _is_acronym(name.strip()) else _phrase_key(name)
            phrases.setdefault(key, note)
    return phrases


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any phrase as whole words: a trie of the phrases, so matching each
    position costs the length of the longest match, not the number of phrases.

    Acronyms (all capitals) match case-sensitively, other phrases in any case.
    """
    words = sorted(p for p in phrases if not _is_acronym(p))
    acronyms = sorted(p for p in phrases if _is_acronym(p))
    parts = []
    if words:
        parts.append(f"(?i:{_trie(words)})")
    if acronyms:
        parts.append(_trie(acronyms))
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")


def _trie(phrases: Iterable[str]) -> str:
    root: dict = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict) -> str:
    branches = [(r"[\s\-]+" if char == " " else re.escape(char)) + _emit(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# Each alternative stops at the next opener of its kind, so unclosed openers (`\\(` * 10**5,
# `<a ` * 10**5 on one line) cost linear time instead of rescanning the rest of the text each.
# ($…$ and $$…$$ math is already in the note's code regions: the one scanner, links_regions)
_EXCLUDED = re.compile(
    r"\\\((?:(?!\\\().)*?\\\)|\\\[(?:(?!\\\[).)*?\\\]"  # \( \) and \[ \] math
    r"|\[[^\[\]\n]*\]\([^()\[\n]*\)|<[^<>\n]+>|https?://\S+"  # Markdown links, HTML, URLs
    r"|^[ \t]{0,3}#{1,6}[ \t][^\n]*$",  # headings
    re.DOTALL | re.MULTILINE)


def _prose_exclusions(note: Note) -> list[tuple[int, int]]:
    """Sorted, merged ranges of the body that are not prose: code, links, math, headings."""
    code = code_regions(note.body)
    regions = list(getattr(code, "spans", code))  # a Regions object, or a plain list of spans
    regions += [(link.start, link.end) for link in note.links]
    regions += [m.span() for m in _EXCLUDED.finditer(note.body)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(regions: list[tuple[int, int]], offset: int) -> bool:
    i = bisect_right(regions, (offset, float("inf"))) - 1
    return i >= 0 and regions[i][0] <= offset < regions[i][1]
