"""Every instance a plan or state holds, indexed for reference resolution (R-LINK-1)."""

from __future__ import annotations

from collections.abc import Iterable

from tfvpc.load.plan_address import Key, ModulePath
from tfvpc.load.plan_entries import Entry
from tfvpc.load.plan_nodes import is_unknown_anywhere

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
    """Instances by resource block and module instances by call, in key order.

    Only the resource blocks that references name are ordered and given key sets, on first use:
    most blocks of a large plan are never named by a reference that needs them.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries: dict[str, Entry] = {}
        self._resources: dict[ResourceKey, dict[Key | None, str]] = {}
        modules: dict[tuple[ModulePath, str], set[Key | None]] = {}
        for entry in entries:
            text = entry.text
            module, _, mode, type_, name, key = entry.address
            self._entries.setdefault(text, entry)
            self._resources.setdefault((module, mode, type_, name), {}).setdefault(key, text)
            for depth in range(len(module)):
                call, call_key = module[depth]
                modules.setdefault((module[:depth], call), set()).add(call_key)
        self._ordered: set[ResourceKey] = set()
        # Equal key sets are one object, so that "same count/for_each shape" is an identity test.
        self._shapes: dict[frozenset[Key | None], frozenset[Key | None]] = {}
        self._keys: dict[ResourceKey, frozenset[Key | None]] = {}
        self._modules = {slot: self._interned(keys) for slot, keys in modules.items()}

    def instances(self, slot: ResourceKey) -> dict[Key | None, str]:
        """Return instance key -> full address for one resource block (empty if it has none)."""
        found = self._resources.get(slot)
        if found is None:
            return {}
        # Most resource blocks have one instance, already in order: no sort for them.
        if len(found) > 1 and slot not in self._ordered:
            self._ordered.add(slot)
            found = self._resources[slot] = dict(
                sorted(found.items(), key=lambda item: key_order(item[0]))
            )
        return found

    def keys(self, slot: ResourceKey) -> frozenset[Key | None]:
        """Return the instance keys of one resource block (None: unrepeated), interned."""
        keys = self._keys.get(slot)
        if keys is None:
            keys = self._keys[slot] = self._interned(self._resources.get(slot, ()))
        return keys

    def module_keys(self, parent: ModulePath, name: str) -> frozenset[Key | None]:
        """Return the instance keys of module call `name` under `parent`, interned."""
        return self._modules.get((parent, name), frozenset())

    def type_of(self, address: str) -> str | None:
        """Return the resource type of instance `address`, None if the plan has no such instance."""
        entry = self._entries.get(address)
        return entry.address.type if entry is not None else None

    def known_value(self, address: str, attr: str) -> tuple[bool, object]:
        """Return whether instance `address` has a known top-level `attr`, and its value."""
        entry = self._entries.get(address)
        if entry is None or attr not in entry.after:
            return False, None
        marker = entry.unknown
        if isinstance(marker, dict) and is_unknown_anywhere(marker.get(attr)):
            return False, None
        return True, entry.after[attr]

    def _interned(self, keys: Iterable[Key | None]) -> frozenset[Key | None]:
        """Return the one frozenset of `keys` kept for this index, adding it if new."""
        frozen = frozenset(keys)
        return self._shapes.setdefault(frozen, frozen)
