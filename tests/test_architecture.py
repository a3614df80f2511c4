"""Dependencies point inward: the core never imports click, mkdocs, networkx or sympy."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tools" / "lemma"
CORE = ["model", "links", "frontmatter", "vault", "vault_fs", "config", "index.store",
        "index.parse", "index.rows", "index.refresh", "index.stored", "index.queries",
        "index.writer", "names",
        "graph.attributes",
        "graph.text"]
FORBIDDEN = {"click", "mkdocs", "networkx", "sympy", "material", "pymdownx"}


def module_file(name: str) -> Path:
    """The source file of `lemma.<name>` (a dotted name may be a module or a package)."""
    base = PACKAGE.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports: `lemma.<dotted>` for its own, top-level names for others."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE).parent.parts
    if path.name == "__init__.py":
        package = path.relative_to(PACKAGE).parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                base += node.module.split(".") if node.module else []
                for alias in node.names:
                    whole = ".".join((*base, alias.name))
                    exists = module_file(whole).exists() if whole else False
                    found.add("lemma." + (whole if exists else ".".join(base)).strip("."))
            else:
                found.add((node.module or "").split(".")[0])
    return found


def closure(module: str) -> set[str]:
    """Every third-party top-level name reachable by imports from a core module."""
    seen, todo, external = set(), [module], set()
    while todo:
        name = todo.pop()
        if name in seen or not name:
            continue
        seen.add(name)
        for imported in imported_modules(module_file(name)):
            if imported.startswith("lemma."):
                todo.append(imported.removeprefix("lemma."))
            else:
                external.add(imported)
    return external


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_framework(module: str) -> None:
    assert closure(module) & FORBIDDEN == set()


def test_sympy_lives_only_in_derive() -> None:
    offenders = [
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
        if "sympy" in imported_modules(path) and "derive" not in path.relative_to(PACKAGE).parts
    ]
    assert offenders == []


def test_no_code_execution_on_note_text() -> None:
    """The hook's own check: no eval/exec/parse_expr/sympify call anywhere in tools/."""
    pattern = re.compile(r"\b(eval|exec|parse_expr|sympify)\(")
    hits = [f"{p}:{n}" for p in PACKAGE.rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]
    assert hits == []


def test_core_imports_cleanly_in_a_fresh_interpreter() -> None:
    code = ("import sys, lemma.vault, lemma.links, lemma.frontmatter, lemma.model\n"
            "print(sorted(m for m in ('click','mkdocs','networkx','sympy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
