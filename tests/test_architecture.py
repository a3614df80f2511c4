"""Dependencies point inward: the core never imports click, mkdocs, networkx or sympy."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tools" / "lemma"
CORE = ["model", "links", "frontmatter", "frontmatter_yaml", "vault", "vault_fs", "config",
        "index.store", "index.parse", "index.rows", "index.refresh", "index.stored",
        "index.queries", "index.writer", "names", "note_attributes", "link_text", "cache_files",
        "vault_changes", "note_parse"]
FORBIDDEN = {"click", "mkdocs", "networkx", "sympy", "material", "pymdownx"}


def module_file(name: str) -> Path:
    """The source file of `lemma.<name>` (a dotted name may be a module or a package)."""
    base = PACKAGE.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


TYPING_ONLY = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports at run time (at any depth; what only `if TYPE_CHECKING:`
    imports for annotations, e.g. a mixin naming its class, is no dependency): `lemma.<dotted>`
    for its own, the top-level name for others."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in TYPING_ONLY:
            node.body = []
    package = path.relative_to(PACKAGE).parent.parts
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "lemma":
                    found.add(_existing(alias.name.split(".")[1:]))
                else:
                    found.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
            elif (node.module or "").split(".")[0] == "lemma":
                base = []
            else:
                found.add((node.module or "").split(".")[0])
                continue
            module = (node.module or "").split(".") if node.module else []
            base += module[1:] if not node.level else module
            for alias in node.names:
                found.add(_existing([*base, alias.name]))
    return found - {"lemma"}


def _existing(parts: list[str]) -> str:
    """`lemma.<dotted>` for the longest prefix of `parts` that is a module or a package."""
    for end in range(len(parts), 0, -1):
        whole = ".".join(parts[:end])
        if module_file(whole).exists():
            return "lemma." + whole
    return "lemma"


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


#: The package's layers, lowest first: a module may import its own layer or a lower one, never a
#: higher one. A top-level module or package is named once; derive's rooms have their own order.
LAYERS: list[tuple[str, ...]] = [
    ("model", "frontmatter_yaml", "slug", "resolution", "links_regions", "synth", "terminal",
     "search_text"),
    ("config", "frontmatter", "links", "links_cite", "names", "vault_fs", "note_attributes",
     "link_text", "cache_files", "publish_config", "bibliography", "bibliography_cache",
     "cite_style", "macros", "note_parse"),
    ("vault_changes", "vault", "lint_rules", "publish", "canvas", "bases", "citations"),
    ("index",),
    ("graph", "authoring", "derive", "bibtex_sync"),
    ("bibtex", "arxiv", "lsp", "site"),
    ("cli",),
]
ROOMS: dict[str, list[str]] = {"derive": ["language", "proof", "evidence", "running"]}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (dotted names without `lemma.`)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[name] = {m.removeprefix("lemma.") for m in imported_modules(path)
                       if m.startswith("lemma.")} - {name}
    return graph


def rank(module: str) -> tuple[int, int]:
    """(layer of its top-level name, room of derive) -- the room only matters inside derive."""
    top, _, rest = module.partition(".")
    layer = next(i for i, names in enumerate(LAYERS) if top in names)
    rooms = ROOMS.get(top, [])
    room = rest.partition(".")[0]
    return layer, rooms.index(room) if room in rooms else len(rooms)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan, iterative enough here)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer() -> None:
    named = {name for layer in LAYERS for name in layer}
    tops = {module.partition(".")[0] for module in import_graph()} - {""}
    assert tops - named == set()


def test_no_import_circle_between_files() -> None:
    assert cycles(import_graph()) == []


def test_imports_point_down_the_layers() -> None:
    upward = sorted(f"{a} -> {b}" for a, targets in import_graph().items() if a
                    for b in targets if b and rank(b) > rank(a))
    assert upward == []


def test_derive_rooms_are_the_layers_named() -> None:
    """Every file of derive/ sits in one of its rooms (the package facade aside)."""
    loose = [p.name for p in (PACKAGE / "derive").glob("*.py") if p.name != "__init__.py"]
    rooms = sorted(p.name for p in (PACKAGE / "derive").iterdir() if (p / "__init__.py").exists())
    assert (loose, rooms) == ([], sorted(ROOMS["derive"]))


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
], ids=["two", "three-with-a-tail", "none"])
def test_the_circle_finder_finds_circles(graph: dict[str, set[str]], expected: list) -> None:
    assert cycles(graph) == expected


def test_an_upward_import_is_ranked_higher() -> None:
    assert rank("index.store") > rank("vault") and rank("derive.running.check") > rank(
        "derive.language.expr") and rank("cli") > rank("site.plugin")



#: The MkDocs shim: the plugin and its helpers, the only modules of the site that speak MkDocs.
SHIM = {"site.plugin", "site.plugin_config", "site.plugin_files", "site.plugin_errors",
        "site.plugin_search_repair", "site.plugin_preview"}
ENGINES = {"mkdocs", "material", "properdocs"}


def module_files() -> dict[str, Path]:
    """Dotted module name (without `lemma.`) -> its file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def test_only_the_shim_imports_mkdocs() -> None:
    speakers = {name for name, path in module_files().items()
                if imported_modules(path) & ENGINES}
    assert speakers == SHIM  # the CLI reads mkdocs.yml with its own loader (cli.config_yaml)


@pytest.mark.parametrize("module", ["site.markdown", "site.prepare", "site.page_render",
                                    "site.context", "site.outputs", "site.navigation"])
def test_the_site_layer_reaches_no_engine(module: str) -> None:
    """The Markdown extension and the prepare step run where MkDocs is not installed."""
    assert closure(module) & ENGINES == set()


def test_nothing_but_the_shim_reaches_the_shim() -> None:
    importers = {name for name, targets in import_graph().items() if targets & SHIM}
    assert importers <= SHIM
