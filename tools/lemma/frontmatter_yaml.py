"""A frontmatter's YAML as PyYAML loads it (libyaml's parser), with the usual frontmatter, a
mapping of text keys to scalars and lists of scalars, constructed at a fraction of the cost."""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml is ~10x faster; PyYAML wheels ship it
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - a PyYAML built without libyaml
    _Loader = yaml.SafeLoader
#: The loader frontmatter is read with (for a line-by-line reading of a bad one, too).
YAML_LOADER = _Loader


def load_yaml(raw: str) -> Any:
    """`yaml.load(raw, Loader=_Loader)`, with a cheaper construction of the usual frontmatter.

    PyYAML parses, resolves tags and composes the nodes as always; a mapping of text keys to
    scalars and lists of scalars is then built in one loop (text scalars are their node's value,
    as YAML defines; every other scalar is made by PyYAML's constructor for its tag) instead of
    PyYAML's generic constructor, which costs a frontmatter ~40% of its load. Anything else
    (aliases, merge keys, nested or tagged collections, an error) goes the general way.
    """
    return load_plain_yaml(raw)[0]


def load_plain_yaml(raw: str) -> tuple[Any, bool]:
    """`load_yaml(raw)`, and whether it is a plain mapping (of text keys: see `_plain_mapping`)."""
    loader_class = _memo_loader()
    if "*" in raw:  # an alias: one object shared by several keys, as only PyYAML builds it
        return yaml.load(raw, Loader=loader_class), False
    loader = loader_class(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, False
        try:
            data = _plain_mapping(loader, node)
        except Exception:  # the general way below raises the error it should
            data = None
        if data is not None:
            return data, True
    finally:
        loader.dispose()
    return yaml.load(raw, Loader=loader_class), False


class _MemoLoader(_Loader):  # type: ignore[misc,valid-type]
    """`_Loader` that asks PyYAML's resolver the tag of each distinct plain scalar only once.

    The resolver tries up to three patterns on every key and unquoted value (`title`, `2024`,
    `on`...): ~6 us of a usual frontmatter's ~25 us load. Without path resolvers (see
    `_memo_loader`) the tag of a plain scalar depends on its text alone, so a memo of the
    answers gives the same tags; everything else is resolved as PyYAML does.
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = _plain_tags.get(value)
            if tag is None:
                tag = _plain_tags[value] = _Loader.resolve(self, kind, value, implicit)
            return tag  # type: ignore[no-any-return]
        return _Loader.resolve(self, kind, value, implicit)  # type: ignore[no-any-return]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Nothing to follow: `_memo_loader` hands this loader out only without path resolvers."""

    def ascend_resolver(self) -> None:
        """As `descend_resolver`."""


#: Plain scalar text -> its tag, as `_Loader`'s resolver gives it (see `_MemoLoader`).
_plain_tags: dict[str, str] = {}
_MEMO_LIMIT = 20_000
_memo_of: list[Any] = [None, 0]  # the implicit resolvers `_plain_tags` was filled with


def _memo_loader() -> type:
    """`_MemoLoader`, its memo emptied if it grew past `_MEMO_LIMIT` or if implicit resolvers
    were added since (PyYAML's `add_implicit_resolver`); `_Loader` if path resolvers were."""
    if _MemoLoader.yaml_path_resolvers:
        return _Loader
    resolvers = _MemoLoader.yaml_implicit_resolvers
    count = sum(map(len, resolvers.values()))
    if resolvers is not _memo_of[0] or count != _memo_of[1] or len(_plain_tags) > _MEMO_LIMIT:
        _plain_tags.clear()
        _memo_of[:] = resolvers, count
    return _MemoLoader


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{tag}" for tag in ("str", "seq", "map"))
_SAFE = yaml.constructor.SafeConstructor
_STANDARD = (_SAFE.construct_yaml_str, _SAFE.construct_yaml_seq, _SAFE.construct_yaml_map)
#: The tags of the scalars other than text, each with PyYAML's own constructor for it.
_SCALARS = {f"tag:yaml.org,2002:{name}": getattr(_SAFE, f"construct_yaml_{name}")
            for name in ("null", "bool", "int", "float", "timestamp")}


def _plain_mapping(loader: Any, node: yaml.Node) -> dict[str, Any] | None:
    """The mapping `node` as PyYAML constructs it, if it is plain (see `load_yaml`), else None."""
    constructors = loader.yaml_constructors
    if not (isinstance(node, yaml.MappingNode) and node.tag == _MAP) or (
            constructors.get(_STR), constructors.get(_SEQ), constructors.get(_MAP)) != _STANDARD:
        return None
    scalar_node = yaml.ScalarNode
    data: dict[str, Any] = {}
    lists: set[int] = set()
    for key_node, value_node in node.value:
        if not (isinstance(key_node, scalar_node) and key_node.tag == _STR):
            return None  # a merge key `<<`, a number, a date, a null...
        if isinstance(value_node, scalar_node):
            value = (value_node.value if value_node.tag == _STR
                     else _scalar(loader, value_node))
        elif (isinstance(value_node, yaml.SequenceNode) and value_node.tag == _SEQ
              and id(value_node) not in lists):  # an alias: PyYAML shares one list
            lists.add(id(value_node))
            value = []
            for item in value_node.value:
                if not isinstance(item, scalar_node):
                    return None
                value.append(item.value if item.tag == _STR else _scalar(loader, item))
        else:
            return None
        data[key_node.value] = value
    return data


def _scalar(loader: Any, node: yaml.ScalarNode) -> Any:
    """A scalar other than text as PyYAML constructs it: a null, boolean, number or date by
    PyYAML's constructor for its tag, called directly (`construct_object` adds only what
    aliases and collections need), and any other by `construct_object`."""
    construct = _SCALARS.get(node.tag)
    if construct is None or loader.yaml_constructors.get(node.tag) is not construct:
        return loader.construct_object(node)
    return construct(loader, node)
