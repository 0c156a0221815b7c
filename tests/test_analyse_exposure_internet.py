"""The internet as a source space, and sources rendered as CIDRs."""

from __future__ import annotations

import ipaddress

import pytest
from model_helpers import vpc

from tfvpc.analyse.internet import internet_sources, public_addresses, source_cidrs
from tfvpc.space import FlowSet


def holds(flows: FlowSet, address: str) -> bool:
    parsed = ipaddress.ip_address(address)
    return flows.contains(4 if parsed.version == 4 else 6, 6, int(parsed), 443)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("10.1.2.3", False),
        ("172.31.255.255", False),
        ("172.32.0.1", True),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("100.128.0.1", True),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("0.1.2.3", False),
        ("192.0.0.8", False),
        ("192.0.2.1", False),
        ("198.18.0.1", False),
        ("198.51.100.7", False),
        ("203.0.113.9", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("2600:1f18::1", True),
        ("2001:4860:4860::8888", True),
        ("2001:db8::1", False),
        ("3fff::1", False),
        ("2001:2::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::1", False),
        ("ff02::1", False),
    ],
)
def test_public_address_space(address: str, public: bool) -> None:
    family = 4 if ":" not in address else 6
    assert holds(public_addresses(family), address) is public


def test_internet_sources_leave_out_the_vpc_even_when_public() -> None:
    own = vpc(ipv4=("8.8.0.0/16",), ipv6=("2600:1f18::/56",))
    assert not holds(internet_sources(own, 4), "8.8.8.8")
    assert holds(internet_sources(own, 4), "8.9.0.1")
    assert not holds(internet_sources(own, 6), "2600:1f18::1")
    assert holds(internet_sources(None, 4), "8.8.8.8")


def test_world_open_sources_render_as_the_whole_space() -> None:
    internet = public_addresses(4) | public_addresses(6)
    sources = FlowSet.of(6, "0.0.0.0/0", (22, 22)) & internet
    assert source_cidrs(sources, internet) == ["0.0.0.0/0"]
    both = (FlowSet.of(6, "0.0.0.0/0", (22, 22)) | FlowSet.of(6, "::/0", (22, 22))) & internet
    assert source_cidrs(both, internet) == ["0.0.0.0/0", "::/0"]


def test_a_carved_out_range_renders_as_the_blocks_around_it() -> None:
    internet = public_addresses(4)
    sources = internet - FlowSet.of(-1, "1.2.3.0/24")
    everything_else = ipaddress.ip_network("0.0.0.0/0").address_exclude(
        ipaddress.ip_network("1.2.3.0/24")
    )
    # 0.0.0.0/8 holds no internet client, so it is not a source block.
    expected = sorted(str(n) for n in everything_else if str(n) != "0.0.0.0/8")
    assert sorted(source_cidrs(sources, internet)) == expected
    assert len(expected) == 23


def test_narrow_sources_stay_exact() -> None:
    internet = public_addresses(4)
    sources = FlowSet.of(6, "1.2.3.4/32", (22, 22)) | FlowSet.of(6, "5.6.0.0/16", (22, 22))
    assert source_cidrs(sources, internet) == ["1.2.3.4/32", "5.6.0.0/16"]
