"""What several analysers of one network read: route partitions, flow sets, usage.

The pipeline makes one `NetworkIndexes` per analysed input and hands it to every analyser, so
a NACL's decisions or a group's flows are worked out once per scan rather than once per
analyser. Each part is built on first use; all of them only read the network.
"""

from __future__ import annotations

from functools import cached_property

from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.routing import RoutingIndex
from tfvpc.analyse.usage import Usage, usage_of
from tfvpc.model import Network


class NetworkIndexes:
    """The shared indexes of one network, each built when first asked for."""

    def __init__(self, network: Network) -> None:
        self.network = network

    @cached_property
    def routing(self) -> RoutingIndex:
        """Return the route partitions of the network's tables."""
        return RoutingIndex(self.network)

    @cached_property
    def flows(self) -> FlowCache:
        """Return the memoised NACL and security-group flow sets."""
        return FlowCache(self.network)

    @cached_property
    def usage(self) -> Usage:
        """Return which subnets each security group is used in, and what sits in each subnet."""
        return usage_of(self.network)


def indexes_for(network: Network, indexes: NetworkIndexes | None) -> NetworkIndexes:
    """Return `indexes` when given for `network`, else new indexes of `network` (an analyser
    called on its own)."""
    if indexes is not None and indexes.network is network:
        return indexes
    return NetworkIndexes(network)
