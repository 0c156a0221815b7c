"""Every instance a plan or state holds, indexed for reference resolution (R-LINK-1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from tfvpc.load.plan_address import InstanceAddress, Key, ModulePath
from tfvpc.load.plan_nodes import is_unknown_anywhere


class IndexedInstance(NamedTuple):
    """One instance: its address, its parts, its values and their ``after_unknown`` marker.

    A named tuple: one is made per instance, at a third of a frozen dataclass's cost.
    """

    text: str
    address: InstanceAddress
    values: dict[str, object]
    unknown: object


ResourceKey = tuple[ModulePath, str, str, str]
"""(module instance path, mode, type, name): one resource block within one module instance."""


def key_order(key: Key | None) -> tuple[int, int, str]:
    """Return a sort key putting no key first, then count indexes, then for_each keys."""
    if key is None:
        return (0, 0, "")
    if isinstance(key, int):
        return (1, key, "")
    return (2, 0, key)


class InstanceIndex:
    """Instances by resource block and module instances by call, in key order."""

    def __init__(self, instances: Iterable[IndexedInstance]) -> None:
        by_resource: dict[ResourceKey, dict[Key | None, str]] = {}
        modules: dict[tuple[ModulePath, str], set[Key | None]] = {}
        self._markers: dict[str, dict[str, object]] = {}
        self._values: dict[str, dict[str, object]] = {}
        for instance in instances:
            address = instance.address
            text = instance.text
            marker = instance.unknown if isinstance(instance.unknown, dict) else {}
            self._markers.setdefault(text, marker)
            self._values.setdefault(text, instance.values)
            slot = (address.module, address.mode, address.type, address.name)
            by_resource.setdefault(slot, {}).setdefault(address.key, text)
            for depth in range(len(address.module)):
                name, key = address.module[depth]
                modules.setdefault((address.module[:depth], name), set()).add(key)
        # Most resource blocks have one instance, already in order: no sort for them.
        self._resources = {
            slot: keys
            if len(keys) < 2
            else dict(sorted(keys.items(), key=lambda item: key_order(item[0])))
            for slot, keys in by_resource.items()
        }
        # Equal key sets are one object, so that "same count/for_each shape" is an identity test.
        shapes: dict[frozenset[Key | None], frozenset[Key | None]] = {}
        self._keys = {slot: _interned(shapes, keys) for slot, keys in by_resource.items()}
        self._modules = {slot: _interned(shapes, keys) for slot, keys in modules.items()}

    def instances(self, slot: ResourceKey) -> dict[Key | None, str]:
        """Return instance key -> full address for one resource block (empty if it has none)."""
        return self._resources.get(slot, {})

    def keys(self, slot: ResourceKey) -> frozenset[Key | None]:
        """Return the instance keys of one resource block (None: unrepeated), interned."""
        return self._keys.get(slot, frozenset())

    def module_keys(self, parent: ModulePath, name: str) -> frozenset[Key | None]:
        """Return the instance keys of module call `name` under `parent`, interned."""
        return self._modules.get((parent, name), frozenset())

    def known_value(self, address: str, attr: str) -> tuple[bool, object]:
        """Return whether instance `address` has a known top-level `attr`, and its value."""
        values = self._values.get(address)
        if values is None or attr not in values:
            return False, None
        if is_unknown_anywhere(self._markers[address].get(attr)):
            return False, None
        return True, values[attr]


def _interned(
    shapes: dict[frozenset[Key | None], frozenset[Key | None]], keys: Iterable[Key | None]
) -> frozenset[Key | None]:
    """Return the one frozenset of `keys` kept in `shapes`, adding it if new."""
    frozen = frozenset(keys)
    return shapes.setdefault(frozen, frozen)
