"""A small builder of hand-made `Network`s for the reachability and conflict analyser tests.

It fills in what the real builder makes explicit: per VPC an implicit main route table with the
local routes, the default NACL (R-NACL-8) and the default SG (R-SG-9); the final ``*`` denies of
every NACL (R-NACL-3); the local route of every table (R-RT-4); a subnet's table and NACL
default to the VPC's main table and default NACL (R-RT-1, R-NACL-10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tfvpc.model import (
    Attachment,
    Gateway,
    GatewayKind,
    Location,
    Nacl,
    NaclRule,
    Network,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    implicit_address,
)

TCP, UDP, ICMP, ALL = 6, 17, 1, -1


def nacl_rule(
    rule_no: int,
    action: str,
    protocol: int,
    cidr: str | None,
    ports: tuple[int, int] | None = None,
    *,
    egress: bool = False,
    icmp: tuple[int, int] | None = None,
    origin: str = "",
    unknowns: tuple[str, ...] = (),
) -> NaclRule:
    """Return one NACL entry (origin filled in by `Net.nacl` when left empty)."""
    return NaclRule(
        rule_no=rule_no,
        egress=egress,
        action=action,  # type: ignore[arg-type]
        protocol=protocol,
        cidr=cidr,
        from_port=ports[0] if ports else None,
        to_port=ports[1] if ports else None,
        icmp_type=icmp[0] if icmp else None,
        icmp_code=icmp[1] if icmp else None,
        origin=origin,
        unknowns=unknowns,
    )


def sg_rule(
    direction: str,
    protocol: int,
    peer: str | None,
    ports: tuple[int, int] | None = None,
    *,
    kind: str = "cidr",
    origin: str = "",
    unknowns: tuple[str, ...] = (),
    prefix_list_cidrs: tuple[str, ...] | None = None,
) -> SgRule:
    """Return one security-group rule (origin filled in by `Net.sg` when left empty)."""
    return SgRule(
        direction=direction,  # type: ignore[arg-type]
        protocol=protocol,
        from_port=ports[0] if ports else None,
        to_port=ports[1] if ports else None,
        peer_kind=kind,  # type: ignore[arg-type]
        peer=peer,
        prefix_list_cidrs=prefix_list_cidrs,
        origin=origin,
        unknowns=unknowns,
    )


def _denies(egress: bool, origin: str) -> tuple[NaclRule, ...]:
    return tuple(
        nacl_rule(32767, "deny", ALL, cidr, egress=egress, origin=origin).model_copy(
            update={"is_default_deny": True}
        )
        for cidr in ("0.0.0.0/0", "::/0")
    )


def route(destination: str, kind: str, target: str | None, **extra: Any) -> Route:
    """Return a route declared by ``extra['origin']`` (the table when left out)."""
    return Route(
        destination=destination,
        target_kind=kind,  # type: ignore[arg-type]
        target=target,
        origin=extra.pop("origin", ""),
        **extra,
    )


@dataclass
class Net:
    """Collects model objects and returns them as a `Network` with the implicit parts added."""

    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, RouteTable] = field(default_factory=dict)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    nacls: dict[str, Nacl] = field(default_factory=dict)
    groups: dict[str, SecurityGroup] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    table_of: dict[str, list[str]] = field(default_factory=dict)
    nacl_of: dict[str, list[str]] = field(default_factory=dict)

    def vpc(
        self,
        address: str = "aws_vpc.main",
        cidrs: tuple[str, ...] = ("10.0.0.0/16",),
        ipv6: tuple[str, ...] = (),
        unknowns: tuple[str, ...] = (),
    ) -> str:
        """Add a VPC with its implicit main table, default NACL and default SG."""
        main = implicit_address(address, "main_route_table")
        nacl = implicit_address(address, "default_nacl")
        group = implicit_address(address, "default_security_group")
        self.vpcs[address] = Vpc(
            address=address,
            ipv4_cidrs=cidrs,
            ipv6_cidrs=ipv6,
            main_route_table=main,
            default_nacl=nacl,
            default_security_group=group,
            unknowns=unknowns,
        )
        self.tables[main] = RouteTable(address=main, vpc=address, is_main=True, implicit=True)
        allow = [
            nacl_rule(100 + i, "allow", ALL, c, egress=e)
            for e in (False, True)
            for i, c in enumerate(("0.0.0.0/0", *(("::/0",) if ipv6 else ())))
        ]
        self.nacl(nacl, address, allow, default=True)
        self.sg(group, address, [sg_rule("ingress", ALL, None, kind="self")], default=True)
        return address

    def subnet(self, address: str, vpc: str, cidr: str | None, **fields: Any) -> str:
        """Add a subnet; `fields` are further `Subnet` fields (ipv6_cidr, map_public_ip_...)."""
        self.subnets[address] = {"address": address, "vpc": vpc, "ipv4_cidr": cidr, **fields}
        return address

    def table(
        self,
        address: str,
        vpc: str,
        routes: Sequence[Route] = (),
        subnets: tuple[str, ...] = (),
        **fields: Any,
    ) -> str:
        """Add a route table with the VPC's local routes, associated with `subnets`."""
        model = self.vpcs[vpc]
        local = [
            Route(destination=c, target_kind="local", origin=address)
            for c in (*model.ipv4_cidrs, *model.ipv6_cidrs)
        ]
        own = [r if r.origin else r.model_copy(update={"origin": address}) for r in routes]
        self.tables[address] = RouteTable(address=address, vpc=vpc, routes=(*local, *own), **fields)
        for subnet in subnets:
            self.table_of.setdefault(subnet, []).append(address)
        return address

    def gateway(
        self, address: str, kind: GatewayKind, vpcs: tuple[str, ...] = (), **fields: Any
    ) -> str:
        """Add a gateway of any kind."""
        self.gateways[address] = Gateway(address=address, kind=kind, vpcs=vpcs, **fields)
        return address

    def nacl(
        self,
        address: str,
        vpc: str,
        rules: list[NaclRule],
        subnets: tuple[str, ...] = (),
        *,
        default: bool = False,
    ) -> str:
        """Add a NACL from its explicit rules (both directions); the ``*`` denies are appended."""
        rules = [r if r.origin else r.model_copy(update={"origin": address}) for r in rules]
        ingress = sorted((r for r in rules if not r.egress), key=lambda r: r.rule_no)
        egress = sorted((r for r in rules if r.egress), key=lambda r: r.rule_no)
        self.nacls[address] = Nacl(
            address=address,
            vpc=vpc,
            is_default=default,
            implicit=default and ":" in address,
            ingress=(*ingress, *_denies(False, address)),
            egress=(*egress, *_denies(True, address)),
        )
        for subnet in subnets:
            self.nacl_of.setdefault(subnet, []).append(address)
        return address

    def sg(self, address: str, vpc: str, rules: list[SgRule], *, default: bool = False) -> str:
        """Add a security group."""
        rules = [r if r.origin else r.model_copy(update={"origin": address}) for r in rules]
        self.groups[address] = SecurityGroup(
            address=address, vpc=vpc, is_default=default, rules=tuple(rules)
        )
        return address

    def attach(self, address: str, subnet: str, groups: tuple[str, ...], **fields: Any) -> str:
        """Add an attachment (an instance unless `kind` says otherwise) in `subnet`."""
        fields.setdefault("kind", address.split(".")[0])
        fields.setdefault("resource", address)
        self.attachments[address] = Attachment(
            address=address, subnets=(subnet,), security_groups=groups, **fields
        )
        return address

    def build(self) -> Network:
        """Return the network, resolving each subnet's table and NACL."""
        subnets = {}
        for address, fields in self.subnets.items():
            vpc = self.vpcs[fields["vpc"]]
            fields.setdefault(
                "route_tables", tuple(self.table_of.get(address, [vpc.main_route_table]))
            )
            fields.setdefault("nacls", tuple(self.nacl_of.get(address, [vpc.default_nacl])))
            subnets[address] = Subnet(**fields)
        everything = [
            *self.vpcs,
            *subnets,
            *self.tables,
            *self.gateways,
            *self.nacls,
            *self.groups,
            *self.attachments,
        ]
        return Network(
            vpcs=self.vpcs,
            subnets=subnets,
            route_tables=self.tables,
            gateways=self.gateways,
            nacls=self.nacls,
            security_groups=self.groups,
            attachments=self.attachments,
            locations={
                a: Location(file="main.tf", line=i + 1)
                for i, a in enumerate(everything)
                if ":" not in a
            },
        )
