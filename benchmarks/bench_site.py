"""Site build benchmark: the lemma plugin against a bare Material build, 1k and 5k notes.

Both builds use the same synthetic vault (`lemma.synth.write_synthetic_vault`) in the same run;
the bare build is Material with `navigation.prune` and no lemma plugin. Prints wall time, CPU
time and peak memory of each build process and its output size (in total and per note: constant
per note means no page carries a copy of site-wide data), and the ratios. Also times what
`mkdocs serve --dirty` does after one note is edited at 1k notes.
Usage: `python benchmarks/bench_site.py [N ...]`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lemma.synth import write_synthetic_vault

MKDOCS = str(Path(sys.executable).with_name("mkdocs"))
COMMON = """site_name: Bench
docs_dir: notes
site_dir: site
theme:
  name: material
  font: false
  features: [navigation.prune, navigation.instant]
"""
CONFIGS = {
    "lemma": COMMON + "plugins:\n  - search\n  - lemma\n",
    "bare": COMMON + "plugins:\n  - search\n",
}


def tree_size(root: Path) -> tuple[int, int]:
    """(bytes, files) under `root`."""
    total = files = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return total, files


@dataclass
class Build:
    """One build's figures: wall and CPU seconds, peak memory, output size."""

    seconds: float
    cpu: float  # user + system seconds of the build process (less shaken by a busy machine)
    peak_mb: float  # its peak resident memory
    size: int  # output bytes
    files: int


def build(project: Path, timeout: float) -> Build:
    """Build `project` once in a child process and measure it."""
    shutil.rmtree(project / "site", ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    child = subprocess.Popen([MKDOCS, "build", "-q"], cwd=project, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _, status, usage = os.wait4(child.pid, 0)
    except BaseException:
        child.kill()
        raise
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {project} (exit {child.returncode})")
    size, files = tree_size(project / "site")
    return Build(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, size, files)


def bench(n: int, workdir: Path, timeout: float = 1800) -> dict[str, Build]:
    """Build the same N-note vault with both configurations."""
    notes = workdir / f"vault-{n}"
    write_synthetic_vault(notes, n, seed=0, broken=0)
    results = {}
    for name, config in CONFIGS.items():
        project = workdir / f"{name}-{n}"
        project.mkdir()
        (project / "notes").symlink_to(notes)
        (project / "mkdocs.yml").write_text(config, encoding="utf-8")
        results[name] = build(project, timeout)
        shutil.rmtree(project / "site", ignore_errors=True)
    return results


def serve_rebuild(n: int, workdir: Path) -> tuple[float, float]:
    """(first build, rebuild after editing one note) seconds, as `mkdocs serve --dirty` does it.

    Runs in this process so the plugin instance, and with it the vault, graph and checker
    results, survive between the builds exactly as they do under `mkdocs serve`.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    project = workdir / f"serve-{n}"
    write_synthetic_vault(project / "notes", n, seed=0, broken=0)
    (project / "mkdocs.yml").write_text(CONFIGS["lemma"], encoding="utf-8")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(config_file=str(project / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    start = time.perf_counter()
    mkdocs_build(config)
    first = time.perf_counter() - start
    edited = sorted((project / "notes" / "concepts").glob("*.md"))[0]
    time.sleep(0.01)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn edited sentence.\n",
                      encoding="utf-8")
    start = time.perf_counter()
    config = load_config(config_file=str(project / "mkdocs.yml"))
    mkdocs_build(config, dirty=True)
    again = time.perf_counter() - start
    page = project / "site" / edited.relative_to(project / "notes").with_suffix("") / "index.html"
    if "An edited sentence." not in page.read_text(encoding="utf-8"):
        raise SystemExit("the edited note was not re-rendered")
    return first, again


def main(sizes: list[int]) -> None:
    print(f"{'notes':>6} {'build':>6} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'MB':>7} "
          f"{'files':>7} {'KB/note':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        for n in sizes:
            results = bench(n, Path(tmp))
            for name, b in results.items():
                print(f"{n:>6} {name:>6} {b.seconds:>8.1f} {b.cpu:>7.1f} {b.peak_mb:>8.0f} "
                      f"{b.size / 1e6:>7.1f} {b.files:>7} {b.size / 1e3 / n:>8.1f}")
            lemma, bare = results["lemma"], results["bare"]
            print(f"{n:>6} ratio  time {lemma.seconds / bare.seconds:.2f}x  cpu "
                  f"{lemma.cpu / bare.cpu:.2f}x  memory {lemma.peak_mb / bare.peak_mb:.2f}x  "
                  f"size {lemma.size / bare.size:.2f}x (lemma / bare)")
        if 1000 in sizes:
            first, again = serve_rebuild(1000, Path(tmp))
            print(f"serve at 1000 notes: first build {first:.1f} s, "
                  f"re-render after editing one note {again:.2f} s (dirty rebuild)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000])
