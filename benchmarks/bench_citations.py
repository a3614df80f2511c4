"""Citations benchmark: a site build with 1,000 citations, and `lemma lint` on 10k notes with a
5,000-entry bibliography.

The vaults are `lemma.synth` vaults with citations appended to their notes (every Pandoc form,
~1 in 5 to a paper note's citekey, the rest to entries of a generated BibTeX file with accents
and braces). Prints wall times with and without citations, and the bibliography's parse time.
Usage: `python benchmarks/bench_citations.py [--notes 10000] [--entries 5000]
[--site-notes 500] [--citations 1000]`.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lemma.bibliography import load_bibliography
from lemma.synth import write_synthetic_vault

BIN = Path(sys.executable).parent
_FAMILIES = ("Müller", "Erdős", "Gödel", "de la Fuente", "Noether", "Turing", "Lovelace",
             "Ñúñez", "Łukasiewicz", "van der Waals")
CONFIG = """site_name: Bench
docs_dir: notes
site_dir: site
theme:
  name: material
  font: false
  features: [navigation.prune]
plugins:
  - search
  - lemma:
      check: false
"""


def bibliography(n: int) -> str:
    """N BibTeX entries (keys `ref0`…), LaTeX accents and protective braces included."""
    entries = []
    for i in range(n):
        family = _FAMILIES[i % len(_FAMILIES)].replace("ü", '{\\"u}').replace("ő", "{\\H{o}}")
        entries.append(
            f"@article{{ref{i},\n  title = {{On {{K}}ernels and Features, Part {i}}},\n"
            f"  author = {{{family}, Ada and Second, Bo and Third, Cy}},\n"
            f"  journal = {{Journal of Benchmarks}},\n  volume = {{{i % 40}}},\n"
            f"  pages = {{{i}--{i + 9}}},\n  year = {{{1950 + i % 70}}},\n"
            f"  doi = {{10.1000/bench.{i}}}\n}}\n")
    return "\n".join(entries)


def add_citations(notes: Path, count: int, entries: int, seed: int = 0) -> int:
    """Append `count` citations to the notes (paper notes get citekeys); returns notes changed."""
    rng = random.Random(seed)
    files = sorted(notes.rglob("*.md"))
    papers = [f for f in files if f.parent.name == "papers"]
    for i, paper in enumerate(papers):
        text = paper.read_text("utf-8")
        paper.write_text(text.replace("\n", f"\ncitekey: note{i}\n", 1), "utf-8")
    forms = ("[@{k}]", "[@{k}, p. 3]", "[see @{k}; @{j}]", "@{k}", "[-@{k}]")
    extra: dict[Path, list[str]] = {}
    written = 0
    while written < count:
        key = (f"note{rng.randrange(len(papers))}" if papers and rng.random() < 0.2
               else f"ref{rng.randrange(entries)}")
        form = rng.choice(forms)
        text = form.format(k=key, j=f"ref{rng.randrange(entries)}")
        written += 2 if "; " in text else 1
        extra.setdefault(rng.choice(files), []).append(f"As shown by {text}, it holds.")
    for path, sentences in extra.items():
        with path.open("a", encoding="utf-8") as out:
            out.write("\n\n" + " ".join(sentences) + "\n")
    return len(extra)


class Timed:
    """Wall and CPU seconds (user + system of the child) of one command."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall / {self.cpu:.1f} s CPU"


def run(args: list[str], cwd: Path) -> Timed:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=3600, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu)


def project(root: Path, n: int, citations: int, entries: int) -> Path:
    write_synthetic_vault(root / "notes", n)
    config = CONFIG
    if citations:
        (root / "refs.bib").write_text(bibliography(entries), "utf-8")
        add_citations(root / "notes", citations, entries)
        config += "      bibliography: refs.bib\n"
    (root / "mkdocs.yml").write_text(config, "utf-8")
    return root


def bench_site(n: int, citations: int, entries: int, work: Path) -> None:
    for label, count in (("without citations", 0), (f"with {citations} citations", citations)):
        root = project(work / f"site-{count}", n, count, entries)
        first = run([str(BIN / "mkdocs"), "build", "-q"], root)
        shutil.rmtree(root / "site", ignore_errors=True)
        again = run([str(BIN / "mkdocs"), "build", "-q"], root)
        print(f"site build, {n} notes {label}: first {first} (index and bibliography "
              f"cache built), again {again}", flush=True)


def bench_lint(n: int, entries: int, work: Path) -> None:
    citations = 2 * n
    for label, count in (("without citations", 0),
                         (f"with {citations} citations, {entries}-entry bibliography", citations)):
        root = project(work / f"lint-{count}", n, count, entries)
        cold = run([str(BIN / "lemma"), "lint"], root)
        warm = run([str(BIN / "lemma"), "lint"], root)
        print(f"lemma lint, {n} notes {label}: cold {cold} (index and bibliography cache "
              f"built), warm {warm}", flush=True)
        if count:
            start = time.perf_counter()
            bib = load_bibliography([root / "refs.bib"], root)
            print(f"  parsing the {len(bib)}-entry bibliography alone: "
                  f"{time.perf_counter() - start:.2f} s wall", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--site-entries", type=int, default=1_000)
    parser.add_argument("--site-notes", type=int, default=500)
    parser.add_argument("--citations", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
              flush=True)
        bench_site(args.site_notes, args.citations, args.site_entries, work)
        bench_lint(args.notes, args.entries, work)


if __name__ == "__main__":
    main()
