"""Search in any script: CJK by characters (a query's run is a phrase), accents folded — the
text transforms, then `lemma search` on a small vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.search_text import ZWSP, folded_words, index_text, query_words, shown_text
from tests.conftest import write_files


@pytest.mark.parametrize(("text", "expected"), [
    ("正切核", ["正", "切", "核"]),
    ("NTK正切核", ["NTK", "正", "切", "核"]),
    ("見出しの概要", ["見", "出", "し", "の", "概", "要"]),
    ("접선 커널", ["접", "선", "커", "널"]),
    ("Łódź", ["Lódź"]),
    ("kernel-regime", ["kernel", "regime"]),
], ids=["chinese", "mixed", "japanese", "korean", "stroke-l", "ascii"])
def test_query_words(text: str, expected: list[str]) -> None:
    assert query_words(text) == expected


def test_index_text_round_trips_through_a_snippet() -> None:
    text = "NTK 正切核の定義"
    stored = index_text(text)
    assert stored == f"NTK {ZWSP}正{ZWSP}{ZWSP}切{ZWSP}{ZWSP}核{ZWSP}{ZWSP}の{ZWSP}" \
                     f"{ZWSP}定{ZWSP}{ZWSP}義{ZWSP}"
    assert shown_text(stored) == text
    assert index_text("plain text") == "plain text"


def test_folded_words_are_only_those_that_change() -> None:
    assert folded_words("Über Łódź", "Ærøskøbing and Ærøskøbing") == "Lódź Aeroskobing"
    assert folded_words("no special letters, café") == ""


NOTES = {
    "zh.md": "---\ntitle: 正切核\n---\n神经网络的正切核的定义。\n",
    "ja.md": "---\ntitle: 概要\n---\n見出しの概要とニューラルネットワーク。\n",
    "ko.md": "---\ntitle: 커널\n---\n신경망 접선 커널의 정의\n",
    "de.md": "---\ntitle: Überblick\n---\nÜber Łódź and Ærøskøbing.\n",
    "en.md": "---\ntitle: Kernel\n---\nThe tangent kernel, naïvely.\n",
}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_files(tmp_path / "notes", NOTES)


@pytest.mark.parametrize(("query", "paths"), [
    ("正切核", ["zh.md"]),
    ("切核", ["zh.md"]),
    ("核", ["zh.md"]),
    ("正核", []),  # characters of the note, but not next to each other
    ("概要", ["ja.md"]),
    ("ニューラル", ["ja.md"]),
    ("접선 커널", ["ko.md"]),
    ("uberblick", ["de.md"]),
    ("ÜBERBLICK", ["de.md"]),
    ("lodz", ["de.md"]),
    ("aeroskobing", ["de.md"]),
    ("naive*", ["en.md"]),
    ("kernel -naive*", []),
], ids=["chinese", "chinese-part", "one-character", "not-adjacent", "japanese", "katakana",
        "korean", "umlaut", "umlaut-upper", "stroke-l", "ae-ligature", "diaeresis",
        "exclusion"])
def test_search_finds_notes_in_any_script(notes: Path, query: str, paths: list[str]) -> None:
    result = CliRunner().invoke(main, ["--notes", str(notes), "search", query, "--format",
                                       "json"])
    assert result.exit_code == 0, result.output
    assert [hit["path"] for hit in json.loads(result.stdout)] == paths


def test_a_cjk_match_is_one_highlighted_word(notes: Path) -> None:
    result = CliRunner().invoke(main, ["--notes", str(notes), "search", "正切核", "--format",
                                       "json"])
    (hit,) = json.loads(result.stdout)
    assert hit["matches"] == ["正切核"]
    assert hit["snippet"] == "神经网络的正切核的定义。"


def test_has_foldable_finds_what_the_character_class_finds() -> None:
    from lemma.search_text import _FOLDABLE, has_foldable

    for char in [chr(c) for c in range(0x80, 0x2000)] + ["ẞ", "—", "正", "😀"]:
        for text in (char, f"plain {char} text", f"naïve — {char}"):
            assert has_foldable(text) is bool(_FOLDABLE.search(text)), text


def test_may_have_cjk_is_true_for_every_cjk_character() -> None:
    from lemma.search_text import _CJK_CHAR, may_have_cjk

    for code in [*range(0x80, 0xD800), *range(0xE000, 0x10000), 0x1F600, 0x20000]:
        char = chr(code)
        if _CJK_CHAR.match(char):
            assert may_have_cjk(f"text {char} text"), hex(code)
    assert not may_have_cjk("naïve — “quoted” Łódź 😀")
    assert not may_have_cjk("plain ascii")
    assert may_have_cjk("lone surrogate \udc80 and 正") and not may_have_cjk("\udc80")
