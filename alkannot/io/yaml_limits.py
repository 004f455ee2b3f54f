"""Bound what a YAML document may expand to: aliases make a few lines stand for billions of
nodes ("billion laughs"); anything walking the result (schema validation, reports) would then run
out of time or memory. The expanded size is counted once per distinct node, in bounded time."""

from __future__ import annotations

#: Far above any real catalogue (the bundled one expands to a few thousand nodes).
MAX_EXPANDED_NODES = 1_000_000


def expanded_size(data: object, limit: int = MAX_EXPANDED_NODES) -> int:
    """Number of nodes ``data`` stands for with every alias expanded; stops past ``limit``.

    Raises
    ------
    ValueError
        When the expansion exceeds ``limit`` or a node contains itself (a recursive alias).
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(x: object) -> int:
        if not isinstance(x, (dict, list)):
            return 1
        key = id(x)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ValueError("a node contains itself (recursive alias)")
        active.add(key)
        children = list(x.keys()) + list(x.values()) if isinstance(x, dict) else x
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                raise ValueError(f"aliases expand it beyond {limit:,} nodes")
        active.discard(key)
        sizes[key] = total
        return total

    return size(data)


def unique_key_loader(base: type) -> type:
    """``base`` (a PyYAML loader class) refusing a mapping that repeats a key.

    YAML 1.2 (section 3.2.1.1) requires the keys of a mapping to be unique; PyYAML keeps the
    last value silently, so a curator's second ``calls:`` under one entry would replace the first.
    """
    import yaml

    class UniqueKeyLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: the base class says so
                    continue
                if first != key_node.start_mark.line + 1:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key!r} (first on line {first})",
                        key_node.start_mark,
                    )
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader
