"""Address views the conflict analysers need beyond `tfvpc.analyse.flows`.

`open_addresses` is the counterpart of `flows.open_ports`: it keeps protocols and ports and opens
the address dimension. `group_peer_subnets` gives a security-group peer (R-SG-5) an address space:
the CIDRs of the subnets where attachments carrying that group sit. The peer's ENIs hold private
addresses somewhere in those subnets, so a conclusion that holds for *every* address of such a
subnet holds for the peer (see `for_every_address`).
"""

from __future__ import annotations

from tfvpc.analyse.usage import Usage
from tfvpc.model import Network, SgRule, Subnet
from tfvpc.space import Family, FlowSet

_EVERY_ADDRESS: dict[Family, tuple[int, int]] = {4: (0, (1 << 32) - 1), 6: (0, (1 << 128) - 1)}


def open_addresses(flows: FlowSet) -> FlowSet:
    """Return the flows with the same families, protocols and ports, from or to any address."""
    return FlowSet.union_all(
        FlowSet.box(family, protocols, _EVERY_ADDRESS[family], ports)
        for family, protocols, ports in dict.fromkeys(
            (family, protocols, ports) for family, protocols, _, ports in flows.boxes()
        )
    )


def for_every_address(flows: FlowSet, within: FlowSet) -> FlowSet:
    """Return the part of `within` whose protocol and port `flows` holds for every address.

    `within` is one subnet's flows of some protocols and ports; `flows` a subset of it. A
    (protocol, port) pair qualifies when `flows` holds it for the whole address range of
    `within`: the complement of "some address of `within` lacks it".
    """
    return within - open_addresses(within - flows)


def group_peer_subnets(rule: SgRule, group: str, network: Network, usage: Usage) -> list[Subnet]:
    """Return the subnets with known CIDRs where the security-group peer of `rule` sits.

    ``self`` is `group` itself. Returns nothing for other peer kinds and for a peer group no
    attachment of the model carries.
    """
    if rule.peer_kind == "self":
        peer = group
    elif rule.peer_kind == "security_group" and rule.peer is not None:
        peer = rule.peer
    else:
        return []
    subnets = (network.subnets.get(a) for a in usage.subnets_of_group(peer))
    return [s for s in subnets if s is not None and (s.ipv4_cidr or s.ipv6_cidr)]


def with_cidr_peer(rule: SgRule, cidr: str) -> SgRule:
    """Return `rule` with its peer replaced by `cidr` (same protocol, ports and unknowns)."""
    return rule.model_copy(update={"peer_kind": "cidr", "peer": cidr, "prefix_list_cidrs": None})
