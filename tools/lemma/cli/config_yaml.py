"""mkdocs.yml read without running code: `INHERIT` and `!ENV` as MkDocs reads them, no `!!python/*`.

`mkdocs build` runs such tags by MkDocs' design; Lemma's own commands (and the language server,
which an editor starts in any folder it opens) must not: a cloned vault's mkdocs.yml is untrusted.
`!!python/name:` is looked up only in the Markdown, pymdown-extensions, Material and MkDocs
packages (a toc `slugify` names one), `!!python/object/apply:` calls only the slugify factory
of pymdown-extensions, with plain arguments; any other `!!python/` tag is ignored with a warning.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

#: Packages whose names `!!python/name:` may refer to (looking a name up runs no code of the vault).
TRUSTED_PACKAGES = ("markdown", "pymdownx", "material", "mkdocs")
PYTHON_TAG = "tag:yaml.org,2002:python/"


def load_config_yaml(path: Path) -> tuple[Any, list[str]]:
    """The parsed file (INHERIT merged, !ENV resolved) and a warning per tag that was ignored."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    warnings: list[str] = []

    class SafeConfigLoader(yaml.SafeLoader):
        pass

    def python_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if suffix.startswith("name:") and isinstance(node, yaml.ScalarNode):
            found = _trusted_name(suffix[len("name:"):])
            if found is not _MISSING:
                return found
        if suffix.startswith("object/apply:") and suffix[13:].strip() in SAFE_CALLS:
            made = _safe_call(loader, suffix[13:].strip(), node)
            if made is not _MISSING:
                return made
        where = f"{loader.name}:{node.start_mark.line + 1}"
        warnings.append(f"warning: {where}: the tag !!python/{suffix} was ignored (lemma "
                        "commands run no code from mkdocs.yml)")
        return None

    def other_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)  # type: ignore[arg-type]

    SafeConfigLoader.add_multi_constructor(PYTHON_TAG, python_tag)
    SafeConfigLoader.add_multi_constructor("!", other_tag)  # e.g. !relative: a plain value
    loader = get_yaml_loader(loader=SafeConfigLoader)
    with open(path, "rb") as file:
        return yaml_load(file, loader), warnings


_MISSING = object()
#: Factories `!!python/object/apply:` may call (pymdown-extensions documents this form for a
#: configured slugify); with plain arguments only, they build a function and touch nothing.
SAFE_CALLS = ("pymdownx.slugs.slugify",)


def _safe_call(loader: Any, name: str, node: Any) -> Any:
    """`name(*args, **kwds)` from the tag's plain-data arguments, else _MISSING."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
        args, kwds = value.get("args", []), value.get("kwds", {})
    elif isinstance(node, yaml.SequenceNode):
        args, kwds = loader.construct_sequence(node, deep=True), {}
    else:
        return _MISSING
    plain = (str, int, float, bool, type(None))
    if not (isinstance(args, list) and isinstance(kwds, dict)
            and all(isinstance(a, plain) for a in args)
            and all(isinstance(k, str) and isinstance(v, plain) for k, v in kwds.items())):
        return _MISSING
    function = _trusted_name(name)
    try:
        return function(*args, **kwds) if callable(function) else _MISSING
    except Exception:  # wrong arguments: as if the tag were not there
        return _MISSING


def _trusted_name(name: str) -> Any:
    """The object `module.attribute` names if it is in a trusted package, else _MISSING."""
    module, _, attribute = name.strip().rpartition(".")
    if module.split(".")[0] not in TRUSTED_PACKAGES or not attribute:
        return _MISSING
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError):
        return None  # a name that cannot be found: the CLI needs none but the toc slugify
