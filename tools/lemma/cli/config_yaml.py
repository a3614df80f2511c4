"""mkdocs.yml read without running code: `INHERIT` and `!ENV` as MkDocs reads them, no `!!python/*`.

`mkdocs build` runs such tags by MkDocs' design; Lemma's own commands (and the language server,
which an editor starts in any folder it opens) must not: a cloned vault's mkdocs.yml is untrusted.
`!!python/name:` is looked up only in the Markdown, pymdown-extensions, Material and MkDocs
packages (a toc `slugify` names one), `!!python/object/apply:` calls only the slugify factory
of pymdown-extensions, with plain arguments; any other `!!python/` tag is ignored with a warning.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

#: Packages whose names `!!python/name:` may refer to (looking a name up runs no code of the vault).
TRUSTED_PACKAGES = ("markdown", "pymdownx", "material", "mkdocs")
PYTHON_TAG = "tag:yaml.org,2002:python/"


def load_config_yaml(path: Path) -> tuple[Any, list[str]]:
    """The parsed file (INHERIT merged, !ENV resolved) and a warning per tag that was ignored."""
    import yaml
    import yaml_env_tag

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
    SafeConfigLoader.add_constructor("!ENV", yaml_env_tag.construct_env_tag)  # as MkDocs does
    SafeConfigLoader.add_multi_constructor("!", other_tag)  # e.g. !relative: a plain value
    return _load_inheriting(Path(path), SafeConfigLoader, ()), warnings


class ConfigFileError(Exception):
    """mkdocs.yml (or a file it inherits) cannot be read: one line saying which and why."""


def _load_inheriting(path: Path, loader: Any, seen: tuple[Path, ...]) -> Any:
    """The file, with `INHERIT:` merged under it as MkDocs merges it (mappings deeply, every
    other value replaced by the child's); MkDocs' own loader is not imported (it costs the CLI
    ~45 ms of start-up for what these lines do)."""
    import yaml

    try:
        with open(path, "rb") as file:
            data = yaml.load(file, Loader=loader)
    except yaml.YAMLError as error:
        raise ConfigFileError(f"the YAML cannot be read: {error}") from None
    except OSError as error:
        raise ConfigFileError(f"{path}: {error.strerror}") from None
    if not isinstance(data, dict) or "INHERIT" not in data:
        return {} if data is None else data
    relative = str(data.pop("INHERIT"))
    parent_path = Path(os.path.normpath(path.parent / relative))
    if parent_path.resolve() in seen:
        raise ConfigFileError(f"INHERIT goes round in a circle at '{parent_path}'")
    if not parent_path.is_file():
        raise ConfigFileError(f"Inherited config file '{relative}' does not exist at "
                              f"'{parent_path}'.")
    return _merged(_load_inheriting(parent_path, loader, (*seen, path.resolve())), data)


def _merged(parent: Any, child: dict[str, Any]) -> Any:
    """`child` over `parent`: mappings merged key by key, anything else taken from `child`."""
    if not isinstance(parent, dict):
        return child
    out = dict(parent)
    for key, value in child.items():
        out[key] = (_merged(out[key], value) if isinstance(value, dict)
                    and isinstance(out.get(key), dict) else value)
    return out


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
