"""TFV101 internet-exposure: what the internet can open to each attachment, and the path.

Every attachment is walked twice (`exposure_paths`): the strict reading gives what is certainly
exposed, the permissive one what could be. Findings are per reported resource (attachments of
one resource, such as the nodes of a load balancer, are merged) and per protocol: a definite
finding for the strict flows, a possible one for the flows only the permissive reading exposes,
naming every unknown they rest on (R-MODEL-1). Paths through an edge-associated appliance
(R-RT-3) become a possible finding of their own.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from tfvpc.analyse.exposure_detours import detour_findings
from tfvpc.analyse.exposure_evidence import (
    EvidenceMemo,
    fix_for,
    location_of,
    path_of,
    reasons_for,
    related_of,
    reply_notes,
    uses_of,
)
from tfvpc.analyse.exposure_groups import PortRanges, ProtocolGroup, protocol_groups
from tfvpc.analyse.exposure_paths import Doubt, Entry, Walk, WalkContext, walk
from tfvpc.analyse.exposure_text import describe_names, describe_traffic
from tfvpc.analyse.indexes import NetworkIndexes
from tfvpc.analyse.internet import source_cidrs
from tfvpc.findings import Certainty, Finding, Severity, make_finding
from tfvpc.model import Attachment, Network
from tfvpc.space import PORT_MAX, FlowSet, describe_cidrs

RULE_ID = "TFV101"

ADMIN_PORTS: frozenset[int] = frozenset(
    {
        21,  # ftp
        22,  # ssh
        23,  # telnet
        135,  # msrpc
        137,  # netbios
        138,
        139,
        445,  # smb
        1433,  # sql server
        1434,
        1521,  # oracle
        2049,  # nfs
        2375,  # docker api
        2376,
        2379,  # etcd
        2380,
        3306,  # mysql
        3389,  # rdp
        5432,  # postgresql
        5601,  # kibana
        5900,  # vnc
        5984,  # couchdb
        5985,  # winrm
        5986,
        6379,  # redis
        6443,  # kubernetes api
        8086,  # influxdb
        9042,  # cassandra
        9092,  # kafka
        9200,  # elasticsearch
        9300,
        10250,  # kubelet
        11211,  # memcached
        27017,  # mongodb
        27018,
    }
)
"""Administration and database ports: any of them open to the internet is critical."""

WEB_PORTS: frozenset[int] = frozenset({80, 443})
"""tcp ports whose exposure alone is low: serving the web is usually the point."""


def find_exposures(network: Network, indexes: NetworkIndexes | None = None) -> list[Finding]:
    """Return the TFV101 findings of the network, sorted by resource, protocol and ports."""
    context = WalkContext(network, indexes)
    by_resource: dict[str, list[Attachment]] = {}
    addressable: set[str] = set()
    for _, attachment in sorted(network.attachments.items()):
        by_resource.setdefault(attachment.resource, []).append(attachment)
        if _addressable(attachment):
            addressable.add(attachment.resource)
    report = _Report(network, context)
    findings: list[Finding] = []
    for resource in sorted(addressable):
        attachments = by_resource[resource]
        loose = [walk(context, a, permissive=True) for a in attachments]
        if not any(found.entries or found.detours for found in loose):
            continue
        findings.extend(report.resource_findings(resource, attachments, loose))
    return sorted(findings, key=_order)


def _addressable(attachment: Attachment) -> bool:
    """Return False when the attachment certainly has no public IPv4 and no IPv6 address: no
    internet client can address it (§1.6 step 2), so its walks find no way in. A resource
    none of whose attachments is addressable has no finding, and no doubt to report."""
    return attachment.public_ipv4 is not False or attachment.ipv6 is not False


_LABEL_ORDER = {"all": 0, "tcp": 1, "udp": 2, "icmp": 3, "icmpv6": 4}


def _order(finding: Finding) -> tuple[str, int, int, tuple[tuple[int, int], ...], str]:
    label = finding.protocol or ""
    rank = _LABEL_ORDER.get(label, 5)
    number = int(label) if label.isdigit() else -1
    return (finding.resource, rank, number, finding.ports or (), finding.certainty)


class _Report:
    """Turns walks into findings; resources exposed alike (same groups, NACLs and routes in
    VPCs built alike) share the flow sets, so their words are worked out once."""

    def __init__(self, network: Network, context: WalkContext) -> None:
        self.network = network
        self.context = context
        self._groups: dict[FlowSet, list[ProtocolGroup]] = {}
        self._internet: dict[tuple[str | None, ...], FlowSet] = {}
        self._sources: dict[tuple[FlowSet, FlowSet], list[str]] = {}
        self._described: dict[tuple[str, ...], str] = {}
        self._ports: dict[ProtocolGroup, PortRanges | None] = {}
        self.evidence = EvidenceMemo()

    def resource_findings(
        self, resource: str, attachments: list[Attachment], loose: list[Walk]
    ) -> list[Finding]:
        """Return the findings of one resource from the permissive walks of its attachments,
        walking them strictly when something may be exposed."""
        loose_entries = [entry for found in loose for entry in found.entries]
        doubts = [doubt for found in loose for doubt in found.doubts]
        most = FlowSet.union_all(entry.exposed for entry in loose_entries)
        out: list[Finding] = []
        if most:
            # What is certainly exposed is also possibly exposed: the strict reading only
            # matters where the permissive one exposes something.
            strict_entries = [
                entry
                for attachment in attachments
                for entry in walk(self.context, attachment, permissive=False).entries
            ]
            least = FlowSet.union_all(entry.exposed for entry in strict_entries) & most
            readings: tuple[tuple[Certainty, FlowSet, list[Entry]], ...] = (
                ("definite", least, strict_entries),
                ("possible", most - least, loose_entries),
            )
            for certainty, flows, entries in readings:
                out.extend(
                    self.finding(resource, certainty, group, entries, doubts)
                    for group in self.protocol_groups(flows)
                )
        detours = [detour for found in loose for detour in found.detours]
        out.extend(detour_findings(self.network, RULE_ID, resource, detours))
        return out

    def protocol_groups(self, flows: FlowSet) -> list[ProtocolGroup]:
        """Return `protocol_groups(flows)`, once per distinct set."""
        found = self._groups.get(flows)
        if found is None:
            found = self._groups[flows] = protocol_groups(flows) if flows else []
        return found

    def sources(self, flows: FlowSet, vpcs: Iterable[str | None]) -> list[str]:
        """Return `source_cidrs(flows, internet_of(network, vpcs))`, once per distinct pair
        of sets (the internet of each VPC is the walks')."""
        seen = tuple(dict.fromkeys(vpcs))
        internet = self._internet.get(seen)
        if internet is None:
            internet = self._internet[seen] = FlowSet.union_all(
                self.context.clients(vpc or None, ipv4=True, ipv6=True) for vpc in seen
            )
        key = (flows, internet)
        found = self._sources.get(key)
        if found is None:
            found = self._sources[key] = source_cidrs(flows, internet)
        return found

    def ports(self, group: ProtocolGroup) -> PortRanges | None:
        """Return `group.ports()`, once per distinct group."""
        if group not in self._ports:
            self._ports[group] = group.ports()
        return self._ports[group]

    def describe_cidrs(self, cidrs: list[str]) -> str:
        """Return `describe_cidrs(cidrs)`, once per distinct list."""
        key = tuple(cidrs)
        found = self._described.get(key)
        if found is None:
            found = self._described[key] = describe_cidrs(cidrs)
        return found

    def finding(
        self,
        resource: str,
        certainty: Certainty,
        group: ProtocolGroup,
        entries: Sequence[Entry],
        doubts: Sequence[Doubt],
    ) -> Finding:
        """Return the finding of one protocol group of one resource under one reading."""
        network = self.network
        flows = group.flows
        uses = uses_of(entries, flows, self.evidence)
        ports = self.ports(group)
        sources = self.sources(flows, (use.entry.vpc for use in uses))
        path = path_of(network, resource, uses, self.evidence)
        gateways = list(dict.fromkeys(use.entry.gateway for use in uses))
        verb = "accepts" if certainty == "definite" else "may accept"
        message = (
            f"{resource} {verb} {describe_traffic(group.label, ports, group.excluded)} from the "
            f"internet ({self.describe_cidrs(sources)}) via {describe_names(gateways)}"
            f"{reply_notes(uses, self.evidence)}"
        )
        if certainty == "possible":
            message += f", resting on unknowns: {'; '.join(reasons_for(doubts, flows))}"
        message += f"; {fix_for(resource, uses)}"
        return make_finding(
            RULE_ID,
            resource=resource,
            message=message,
            severity=severity_of(group.label, ports),
            certainty=certainty,
            related=related_of(resource, path, uses),
            protocol=group.label,
            ports=ports,
            sources=tuple(sources),
            path=tuple(path),
            location=location_of(network, resource, uses),
            fingerprint_extra="" if certainty == "definite" else "possible",
        )


def severity_of(label: str, ports: PortRanges | None) -> Severity:
    """Return critical for every protocol, every tcp/udp port or an admin/database port, low
    for tcp on web ports only, high otherwise."""
    if label == "all":
        return Severity.CRITICAL
    if label in ("tcp", "udp") and ports:
        if ports == ((0, PORT_MAX),) or any(_holds_admin_port(lo, hi) for lo, hi in ports):
            return Severity.CRITICAL
        if label == "tcp" and all(p in WEB_PORTS for lo, hi in ports for p in range(lo, hi + 1)):
            return Severity.LOW
    return Severity.HIGH


_SORTED_ADMIN_PORTS = sorted(ADMIN_PORTS)


def _holds_admin_port(lo: int, hi: int) -> bool:
    index = bisect_left(_SORTED_ADMIN_PORTS, lo)
    return index < len(_SORTED_ADMIN_PORTS) and _SORTED_ADMIN_PORTS[index] <= hi
