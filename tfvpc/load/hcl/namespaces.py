"""Lazy objects for the names an expression can start with: ``var``, ``local``, ``module``,
``data``, resource types, and the resource and module objects reached through them."""

from __future__ import annotations

from typing import Literal, Protocol

from tfvpc.load.hcl.values import LazyObject, Val
from tfvpc.load.resources import Ref


class Owner(Protocol):
    """The module instance that answers for its namespaces."""

    def variable(self, name: str) -> Val:
        """Return ``var.<name>``."""
        ...

    def local(self, name: str) -> Val:
        """Return ``local.<name>``."""
        ...

    def module_value(self, name: str) -> Val:
        """Return ``module.<name>`` (object, list or map of module objects)."""
        ...

    def resource_collection(
        self, mode: Literal["managed", "data"], type_name: str, name: str
    ) -> Val:
        """Return ``<type>.<name>`` (object, list or map of resource objects)."""
        ...

    def output(self, name: str) -> Val:
        """Return this module's output `name`."""
        ...


class InstanceAttributes(Protocol):
    """Answers attribute lookups on one resource instance."""

    def resource_attribute(self, address: str, name: str) -> Val:
        """Return attribute `name` of the resource instance at `address`."""
        ...


class VarNamespace(LazyObject):
    """``var``."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner

    def get_attr(self, name: str) -> Val:
        """Return the variable's value."""
        return self.owner.variable(name)

    def describe(self) -> str:
        """Return ``var``."""
        return "var"


class LocalNamespace(LazyObject):
    """``local``."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner

    def get_attr(self, name: str) -> Val:
        """Return the local value."""
        return self.owner.local(name)

    def describe(self) -> str:
        """Return ``local``."""
        return "local"


class ModuleNamespace(LazyObject):
    """``module``."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner

    def get_attr(self, name: str) -> Val:
        """Return the module call's object(s)."""
        return self.owner.module_value(name)

    def describe(self) -> str:
        """Return ``module``."""
        return "module"


class ResourceTypeNamespace(LazyObject):
    """``aws_subnet`` or ``data.aws_vpc``: resources of one type by name."""

    def __init__(self, owner: Owner, mode: Literal["managed", "data"], type_name: str) -> None:
        self.owner = owner
        self.mode: Literal["managed", "data"] = mode
        self.type_name = type_name

    def get_attr(self, name: str) -> Val:
        """Return the resource's object(s)."""
        return self.owner.resource_collection(self.mode, self.type_name, name)

    def describe(self) -> str:
        """Return the type as written in configuration."""
        return f"data.{self.type_name}" if self.mode == "data" else self.type_name


class DataNamespace(LazyObject):
    """``data``."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner

    def get_attr(self, name: str) -> Val:
        """Return the data sources of type `name`."""
        return ResourceTypeNamespace(self.owner, "data", name)

    def describe(self) -> str:
        """Return ``data``."""
        return "data"


class ResourceObject(LazyObject):
    """One resource instance: configured attributes evaluate, computed ones are `Ref`s."""

    def __init__(self, attributes: InstanceAttributes, address: str) -> None:
        self.attributes = attributes
        self.address = address

    def get_attr(self, name: str) -> Val:
        """Return the attribute's configured value, or a reference to it."""
        return self.attributes.resource_attribute(self.address, name)

    def describe(self) -> str:
        """Return the instance address."""
        return self.address

    def as_ref(self) -> Ref:
        """Return a reference to the instance's id."""
        return Ref(self.address, "id")


class ModuleObject(LazyObject):
    """One module instance: its attributes are its outputs."""

    def __init__(self, owner: Owner, address: str) -> None:
        self.owner = owner
        self.address = address

    def get_attr(self, name: str) -> Val:
        """Return the output's value."""
        return self.owner.output(name)

    def describe(self) -> str:
        """Return the module instance address."""
        return self.address
