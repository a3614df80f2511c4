"""The Markdown extension `lemma.site.markdown` renders a page without MkDocs: in a fresh
interpreter with plain Python-Markdown, a note comes out as the MkDocs build shows it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_site_build import GOOD, MKDOCS_YML, build_site, write_files

NOTES = {
    **GOOD,
    "concepts/rich.md": (
        "---\ntitle: Rich note\ntags: [maths]\n---\n"
        "Links [[Tight frame]] and #inline/tag, a ==highlight== and $\\nabla f$.\n\n"
        "> [!tip] A callout\n> With [[A take]].\n\n"
        "```derivation id=square\ngiven:\n  a: real\n  b: real\n"
        "calc:\n  (a + b)^2\n  = a^2 + 2*a*b + b^2\n```\n"
    ),
    "concepts/tight-frame.md": GOOD["concepts/tight-frame.md"] + "Back to [[Rich note]].\n",
}

RENDER = """
import json, sys
import markdown
from lemma.site.markdown import LemmaExtension, site_extensions

extensions, configs = site_extensions(strict_line_breaks=False)
text = open(sys.argv[2], encoding="utf-8").read()
md = markdown.Markdown(extensions=[*extensions, LemmaExtension(
    path=sys.argv[3], config_file=sys.argv[1])], extension_configs=configs)
html = md.convert(text)
engines = sorted(m for m in ("mkdocs", "material", "properdocs") if m in sys.modules)
print(json.dumps({"html": html, "engines": engines}))
"""


def render_standalone(project: Path, path: str) -> dict:
    """Render one note of `project` in a fresh interpreter with plain Python-Markdown."""
    out = subprocess.run(
        [sys.executable, "-c", RENDER, str(project / "mkdocs.yml"),
         str(project / "notes" / path), path],
        capture_output=True, text=True, check=True, cwd=project,
        env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("md")
    cache = project / "cache"
    yml = MKDOCS_YML.replace("  - lemma\n", f"  - lemma:\n      cache_dir: {cache}\n")
    (project / "mkdocs.yml").write_text(yml, encoding="utf-8")
    write_files(project / "notes", NOTES)
    return project


def test_a_page_renders_without_mkdocs(project: Path) -> None:
    rendered = render_standalone(project, "concepts/rich.md")
    html = rendered["html"]
    assert rendered["engines"] == []
    for piece, what in [
        ('href="../tight-frame/"', "wikilink"),
        ('href="../../tags/inline/tag/"', "inline tag"),
        ("<mark>highlight</mark>", "highlight"),
        ('class="admonition tip"', "callout"),
        ('class="katex"', "math typeset at build time"),
        ("lemma-derivation", "derivation display"),
        ('class="lemma-graph-data"', "local graph data"),
        ("Linked from", "backlinks"),
        ('class="lemma-card', "note card"),
    ]:
        assert piece in html, what


@pytest.mark.parametrize("path", ["concepts/rich.md", "papers/dnfa.md", "takes/t.md"])
def test_the_standalone_page_is_the_mkdocs_page(project: Path, path: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole converted page appears verbatim in the page MkDocs built."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site = project / "site"
    if not site.exists():
        build_site(project, {}, strict=False, yml=(project / "mkdocs.yml").read_text())
    built = (site / path.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    html = render_standalone(project, path)["html"]
    assert len(html) > 200 and html in built
