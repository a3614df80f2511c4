"""`lemma new`: each kind from its template, no overwriting, atomic writes, slugs, templates."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lemma.authoring import apply as authoring_apply
from lemma.authoring import files as authoring_files
from lemma.authoring.new import Creation, NewNote, create_note, plan_new, yaml_value
from lemma.cli import main
from lemma.lint_rules import extra_diagnostics
from lemma.model import LemmaError, NoteKind
from lemma.slug import slugify, unique_slug
from lemma.vault import load_vault
from tests.conftest import write_files

TODAY = dt.date.today().isoformat()
EXISTING = {
    "concepts/grokking.md": "---\ntitle: Grokking\naliases: [delayed generalisation, grok]\n---\n"
                            "Grokking is late generalisation.\n",
    "papers/attention.md": "---\ntitle: Attention is all you need\nauthors: [A. Vaswani]\n"
                           "year: 2017\nsource: https://arxiv.org/abs/1706.03762\n---\n"
                           "## Summary\nx\n## Opinion\ny\n",
}


def run(root: Path, *args: str, **kwargs):
    return CliRunner().invoke(main, ["--notes", str(root), *args], **kwargs)


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "vault", EXISTING)


def files(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones included), to compare before and after."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize(("text", "slug"), [
    ("Grokking", "grokking"),
    ("Low-stakes alignment", "low-stakes-alignment"),
    ("Grokking: délai & généralisation", "grokking-delai-and-generalisation"),
    ("Straße über Ørsted", "strasse-uber-orsted"),
    ("What's a 'lottery ticket'?", "whats-a-lottery-ticket"),
    ("  --Spaces   and---dashes--  ", "spaces-and-dashes"),
    ("a " * 40, "a-" * 29 + "a"),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert slug.isascii() and len(slug) <= 60


def test_slugify_non_latin_title_is_stable_and_distinct() -> None:
    first = slugify("深度学习")
    assert first == slugify("深度学习") and first.startswith("note-") and first.isascii()
    assert first != slugify("机器学习")


def test_unique_slug_counts_up() -> None:
    taken = {"x", "x-2"}
    assert unique_slug("x", taken.__contains__) == "x-3"
    assert unique_slug("y", taken.__contains__) == "y"


@pytest.mark.parametrize(("kind", "args", "path", "meta", "headings"), [
    ("paper", ["--authors", "Ada Lovelace; Alan Turing", "--year", "2023", "--source",
               "https://example.org/p", "--venue", "NeurIPS", "--tags", "ml,theory",
               "--status", "read"],
     "papers/deep-double-descent.md",
     {"title": "Deep double descent", "authors": ["Ada Lovelace", "Alan Turing"], "year": 2023,
      "source": "https://example.org/p", "venue": "NeurIPS", "status": "read",
      "tags": ["ml", "theory"]},
     ["Summary", "Opinion", "Connections"]),
    ("take", ["--confidence", "0.95", "--tags", "ml"], "takes/deep-double-descent.md",
     {"title": "Deep double descent", "date": dt.date.today(), "confidence": 0.95,
      "tags": ["ml"]},
     ["Why I believe it"]),
    ("concept", ["--alias", "DDD", "--alias", "double descent"],
     "concepts/deep-double-descent.md",
     {"title": "Deep double descent", "aliases": ["DDD", "double descent"]}, ["Related"]),
    ("digest", ["--source", "https://example.org/d", "--date", "2024-01-02"],
     "digests/deep-double-descent.md",
     {"title": "Deep double descent", "date": dt.date(2024, 1, 2),
      "source": "https://example.org/d"}, ["Items"]),
])
def test_new_creates_each_kind_and_it_lints_clean(vault_root: Path, kind: str, args: list,
                                                 path: str, meta: dict, headings: list) -> None:
    result = run(vault_root, "new", kind, "Deep double descent", *args)
    assert (result.exit_code, result.output) == (0, f"{vault_root / path}\n")
    vault = load_vault(vault_root)
    note = vault.notes[path]
    assert (note.kind.value, dict(note.meta)) == (kind, meta)
    assert [h.text for h in note.headings] == headings
    assert vault.diagnostics == []
    assert extra_diagnostics(vault, suggest=True) == []
    assert run(vault_root, "lint").exit_code == 0


def test_new_take_without_confidence_is_only_info(vault_root: Path) -> None:
    assert run(vault_root, "new", "take", "Scaling works").exit_code == 0
    result = run(vault_root, "lint")
    assert result.exit_code == 0
    assert result.output.endswith("3 notes: 1 info\n")


@pytest.mark.parametrize(("args", "message"), [
    (["concept", "grokking"], "a note titled 'Grokking' already exists: concepts/grokking.md"),
    (["take", "Delayed Generalisation"], "'Delayed Generalisation' is already an alias of "
     "concepts/grokking.md ('Grokking')"),
    (["concept", "Late generalisation", "--alias", "GROKKING"],
     "a note titled 'Grokking' already exists: concepts/grokking.md"),
    (["concept", "Attending", "--slug", "grokking"], "concepts/grokking.md already exists "
     "(note 'Grokking'); nothing was written"),
    (["concept", "Attending", "--slug", "Not A Slug"], "slug 'Not A Slug' must be lower-case "
     "ASCII words joined by '-', e.g. 'not-a-slug'"),
    (["concept", "Something", "--slug", "grok"], "file name 'grok' would take over links: "
     "'grok' is already an alias of concepts/grokking.md ('Grokking')"),
    (["concept", "Attention"], "'Attention' is already the file name of papers/attention.md "
     "('Attention is all you need')"),
])
def test_new_refuses_to_overwrite_a_file_title_or_alias(vault_root: Path, args: list,
                                                        message: str) -> None:
    before = files(vault_root)
    result = run(vault_root, "new", *args)
    assert result.exit_code in (1, 2)
    assert result.output == f"error: {message}\n"
    assert files(vault_root) == before


def test_clashes_exit_1_and_usage_errors_exit_2(vault_root: Path) -> None:
    assert run(vault_root, "new", "concept", "Grokking").exit_code == 1
    assert run(vault_root, "new", "concept", "X", "--slug", "grokking").exit_code == 1
    assert run(vault_root, "new", "concept", "X", "--slug", "Bad Slug").exit_code == 2


@pytest.mark.parametrize(("args", "message"), [
    (["paper", "P", "--year", "2020"], "a paper note needs --authors, --source"),
    (["concept", "C", "--year", "2020"], "--year is for paper notes, not concept notes"),
    (["take", "T", "--source", "https://x.org"],
     "--source is for paper notes and digest notes, not take notes"),
    (["take", "T", "--confidence", "1.5"], "'confidence' must be a probability between 0 and 1 "
     "(or a percentage like '95%') (got 1.5)"),
    (["paper", "P", "--authors", "A", "--year", "2020", "--source", "example.org"],
     "'source' must be an http(s) URL (got 'example.org')"),
    (["paper", "P", "--authors", "A", "--year", "20", "--source", "https://e.org"],
     "'year' must be a four-digit year, e.g. 2023 (got 20)"),
    (["take", "T", "--date", "yesterday"], "--date 'yesterday' is not a date written YYYY-MM-DD"),
    (["concept"], 'missing TITLE: lemma new concept "Title of the note"'),
    (["concept", "two\nlines"], "the title must be one non-empty line"),
])
def test_new_rejects_bad_options_with_exit_2(vault_root: Path, args: list, message: str) -> None:
    before = files(vault_root)
    result = run(vault_root, "new", *args)
    assert (result.exit_code, result.output) == (2, f"error: {message}\n")
    assert files(vault_root) == before


def test_take_accepts_a_percentage_confidence(vault_root: Path) -> None:
    assert run(vault_root, "new", "take", "T", "--confidence", "80%").exit_code == 0
    assert load_vault(vault_root).notes["takes/t.md"].meta["confidence"] == "80%"


def test_slug_is_made_unique_against_files_and_names(vault_root: Path) -> None:
    write_files(vault_root, {"concepts/other.md": "---\ntitle: Ridge\n---\nA ridge.\n",
                             "concepts/lasso.md": "---\ntitle: Lasso?\n---\nL1.\n"})
    assert run(vault_root, "new", "concept", "Lasso!").output == \
        f"{vault_root / 'concepts/lasso-2.md'}\n"
    # the file name 'ridge' would make [[Ridge]] resolve to the new note: it is taken too
    assert run(vault_root, "new", "concept", "Ridge.").output == \
        f"{vault_root / 'concepts/ridge-2.md'}\n"
    vault = load_vault(vault_root)
    assert vault.find("Ridge").path == "concepts/other.md"


def test_titles_that_need_yaml_quoting_round_trip(vault_root: Path) -> None:
    title = "Yes: no # maybe, [really]?"
    assert run(vault_root, "new", "concept", title, "--alias", "true",
               "--alias", "a, b").exit_code == 0
    note = load_vault(vault_root).notes[f"concepts/{slugify(title)}.md"]
    assert (note.title, note.aliases) == (title, ("true", "a, b"))


@pytest.mark.parametrize("value", ["plain", "2023", "true", "null", "- x", "a: b", "x #y",
                                   "'quoted'", "{x}", "@at", "café", "1.5", "2024-01-02 ", "", "ON",
                                   "no", "~"])
def test_yaml_value_reads_back_as_written(value: str) -> None:
    assert yaml.safe_load(f"k: {yaml_value(value)}") == {"k": value}
    assert yaml.safe_load(f"k: {yaml_value([value, 'b, c'])}") == {"k": [value, "b, c"]}


def test_failed_write_leaves_no_file_and_no_temp(vault_root: Path, monkeypatch) -> None:
    before = files(vault_root)

    real = authoring_apply.write_temp

    def disk_full(temp: Path, text: str, mode: int | None = None) -> None:
        if vault_root in temp.parents:  # the journal beside the vault still gets written
            raise OSError(28, "No space left on device")
        real(temp, text, mode)

    monkeypatch.setattr(authoring_apply, "write_temp", disk_full)
    result = run(vault_root, "new", "take", "Half written")
    assert (result.exit_code, result.output) == (
        1, "error: could not write takes/half-written.md: No space left on device; "
           "nothing was written\n")
    assert files(vault_root) == before
    assert not (vault_root / "takes").exists()  # the folder it had to create is gone too


def test_create_never_overwrites_even_if_the_file_appears_after_planning(
        vault_root: Path) -> None:
    vault = load_vault(vault_root)
    creation = plan_new(vault, NewNote(NoteKind.CONCEPT, "Racing"))
    (vault_root / creation.path).write_text("written by someone else", encoding="utf-8")
    with pytest.raises(LemmaError, match=r"^concepts/racing.md already exists; nothing"):
        create_note(vault_root, creation)
    assert (vault_root / creation.path).read_text(encoding="utf-8") == "written by someone else"
    assert [p.name for p in (vault_root / "concepts").iterdir() if p.name.startswith(".")] == []


def test_create_without_hard_links_is_still_exclusive(vault_root: Path, monkeypatch) -> None:
    def no_links(src, dst) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(authoring_files.os, "link", no_links)
    creation = Creation("concepts/new.md", "---\ntitle: New\n---\nNew.\n", "test")
    create_note(vault_root, creation)
    assert (vault_root / "concepts/new.md").read_text(encoding="utf-8") == creation.text
    with pytest.raises(LemmaError, match="already exists"):
        create_note(vault_root, Creation("concepts/new.md", "other", "test"))
    assert (vault_root / "concepts/new.md").read_text(encoding="utf-8") == creation.text


def test_vault_templates_override_the_built_in_ones(vault_root: Path) -> None:
    write_files(vault_root, {"templates/take.md": (
        "---\ntitle: {{title}}\ndate: {{ date }}\nconfidence: {{confidence}}\nsource: {{source}}\n"
        "---\nClaim: {{title}} ({{kind}}, file {{slug}}.md, tags {{tags}}).\n\n## Evidence\n")})
    result = run(vault_root, "new", "take", "Rain: likely", "--confidence", "0.7",
                 "--tags", "a,b")
    assert result.exit_code == 0
    text = (vault_root / "takes/rain-likely.md").read_text(encoding="utf-8")
    assert text == (f'---\ntitle: "Rain: likely"\ndate: {TODAY}\nconfidence: 0.7\n---\n'
                    "Claim: Rain: likely (take, file rain-likely.md, tags a, b).\n\n## Evidence\n")
    vault = load_vault(vault_root)
    assert "templates/take.md" not in vault.notes  # the templates folder holds no notes
    assert vault.diagnostics == []


@pytest.mark.parametrize(("template", "message"), [
    ("---\ntitle: {{title}}\n---\n{{titel}}\n", "templates/concept.md:4: unknown placeholder "
     "'{{titel}}' (known: title, kind, slug, date, authors, year, source, venue, status, tags, "
     "aliases, confidence)"),
    ("---\ntitle: Fixed\n---\nText\n", "templates/concept.md must set the title (write "
     "'title: {{title}}' in its frontmatter)"),
    ("---\ntitle: {{title}}\nkind: paper\n---\n", "templates/concept.md gives an invalid "
     "note: paper note is missing required field 'authors'; fix the template"),
])
def test_bad_templates_are_reported(vault_root: Path, template: str, message: str) -> None:
    write_files(vault_root, {"templates/concept.md": template})
    result = run(vault_root, "new", "concept", "Anything")
    assert (result.exit_code, result.output) == (2, f"error: {message}\n")
    assert not (vault_root / "concepts/anything.md").exists()


def test_edit_opens_the_editor_on_the_new_note(vault_root: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('edited\\n')\n",
                      encoding="utf-8")
    result = run(vault_root, "new", "concept", "Edited", "--edit",
                 env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    assert result.exit_code == 0, result.output
    assert (vault_root / "concepts/edited.md").read_text(encoding="utf-8").endswith("edited\n")


def test_new_does_not_import_sympy_or_networkx(vault_root: Path) -> None:
    code = (
        "import sys\nfrom lemma.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = sorted(m for m in ('sympy', 'networkx', 'mkdocs.config', 'mkdocs.plugins', "
        "'jinja2') if m in sys.modules)\n"
        "print('heavy:', heavy)\n")
    result = subprocess.run(
        [sys.executable, "-c", code, "--notes", str(vault_root), "new", "concept", "Light"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "EDITOR": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "heavy: []"
    assert (vault_root / "concepts/light.md").is_file()


@pytest.mark.parametrize("module", ["authoring.new", "authoring.apply", "authoring.files",
                                    "authoring.lock", "authoring.rename",
                                    "authoring.listing", "bibtex", "lint_rules", "slug"])
def test_authoring_core_imports_no_framework(module: str) -> None:
    from tests.test_architecture import FORBIDDEN, closure

    assert closure(module) & FORBIDDEN == set()
