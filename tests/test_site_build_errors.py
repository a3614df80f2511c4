"""`mkdocs build` that cannot write its output ends with one line, not a traceback (issue 27,
item 7a). A full disk is simulated with RLIMIT_FSIZE in the child (writes past it fail with
EFBIG, as they do with ENOSPC on a full disk)."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from lemma.site.plugin_errors import abort_for
from tests.conftest import REPO, write_files

MKDOCS_YML = "site_name: T\ndocs_dir: notes\nsite_dir: site\nplugins:\n  - lemma:\n" \
             "      check: false\n"


def test_a_full_disk_during_the_build_is_one_line(tmp_path: Path) -> None:
    write_files(tmp_path, {"mkdocs.yml": MKDOCS_YML, "notes/a.md": "# A\n[[B]]\n",
                           "notes/b.md": "# B\n"})

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path,
                          preexec_fn=limited, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot write {tmp_path}/site/")
    assert lines[0].endswith(": File too large (free some space or raise the file size limit)")


def test_each_write_failure_names_the_file_and_what_to_do() -> None:
    cases = {
        OSError(errno.ENOSPC, "No space left on device", "/s/a.html"):
            "error: cannot write /s/a.html: No space left on device (free some space)",
        OSError(errno.EROFS, "Read-only file system", "/src", None, "/s/x.css"):
            "error: cannot write /s/x.css: Read-only file system (choose a writable site_dir)",
        OSError(errno.EACCES, "Permission denied", "/s"):
            "error: cannot write /s: Permission denied (make site_dir writable)",
    }
    for error, message in cases.items():
        abort = abort_for(error)
        assert abort is not None and abort.format_message() == message
    assert abort_for(ValueError("not a write")) is None


def test_a_line_of_ten_thousand_wikilinks_builds_in_bounded_time(tmp_path: Path) -> None:
    """Issue 27, item 8: as Markdown links they made the build quadratic (it never finished)."""
    crowded = " ".join(f"[[B|b{i}]]" for i in range(10_000))
    write_files(tmp_path, {"mkdocs.yml": MKDOCS_YML, "notes/b.md": "# B\n",
                           "notes/a.md": f"# A\n\nFew: [[B]] and [[B#Nope]].\n\n{crowded}\n"})
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site/a/index.html").read_text(encoding="utf-8")
    assert page.count('<a class="lemma-wikilink" href="../b/">b') == 10_000
    assert '<a class="lemma-wikilink" href="../b/">b9999</a>' in page
    assert '<a class="lemma-wikilink" href="../b/">B</a> and' in page  # an ordinary line


def test_a_derivation_of_ten_thousand_links_builds_in_bounded_time(tmp_path: Path) -> None:
    """Issue 27, item 8: the build took 952 s; the block now gets an error verdict at once."""
    block = ("# Long\n\n```derivation id=long\ngiven:\n  x: real\ncalc:\n  x\n"
             + "  = x + 0\n" * 10_000 + "```\n")
    write_files(tmp_path, {"mkdocs.yml": "site_name: T\ndocs_dir: notes\nsite_dir: site\n"
                                         "plugins:\n  - lemma\n", "notes/long.md": block})
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert ("WARNING -  long.md:3: derivation 'long': 10,000 links and check: lines, more than "
            "the 200 checked in one block: split it into several derivation blocks") in done.stderr
    page = (tmp_path / "site/long/index.html").read_text(encoding="utf-8")
    assert 'id="long"' in page
