"""A strict YAML loader: safe tags only, and duplicate mapping keys are refused.

PyYAML's default loaders silently keep the last of two equal keys, so a stage written twice would
quietly lose its first half. ``StrictLoader`` refuses that; ``load_yaml`` reports every duplicate
with its path, drops the later copies and still builds the data so that other problems in the
same file are reported too.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class DuplicateKeyError(ConstructorError):
    pass


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that raises ``DuplicateKeyError`` on a repeated mapping key."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if _hashable(key) and key in seen:
                raise DuplicateKeyError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            if _hashable(key):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _join(path: str, part: str) -> str:
    if part.startswith("["):
        return f"{path}{part}"
    return f"{path}.{part}" if path else part


def _drop_duplicates(node: Node, path: str, found: list[tuple[str, str]]) -> None:
    """Remove repeated keys from mapping nodes in place, recording (path, message) for each."""
    if isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            _drop_duplicates(child, _join(path, f"[{index}]"), found)
        return
    if not isinstance(node, MappingNode):
        return
    kept: list[tuple[Node, Node]] = []
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        name = key_node.value if isinstance(key_node, ScalarNode) else None
        if name is not None and name in first_line:
            line = key_node.start_mark.line + 1
            message = f"duplicate key '{name}' (line {line}; first at line {first_line[name]})"
            found.append((_join(path, name), message))
            continue
        if name is not None:
            first_line[name] = key_node.start_mark.line + 1
        kept.append((key_node, value_node))
        _drop_duplicates(value_node, _join(path, str(name)), found)
    node.value = kept


def load_yaml(text: str) -> tuple[Any, list[tuple[str, str]]]:
    """Parse one YAML document; returns (data, [(path, message) for each duplicate key])."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        duplicates: list[tuple[str, str]] = []
        _drop_duplicates(node, "", duplicates)
        return loader.construct_document(node), duplicates
    finally:
        loader.dispose()
