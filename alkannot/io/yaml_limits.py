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
