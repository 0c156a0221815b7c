"""`canonical_cidr` reads dotted IPv4 CIDRs itself: it must agree with `ipaddress` (R-CIDR-1)."""

from __future__ import annotations

import ipaddress
import itertools

import pytest

from tfvpc.aws.values import canonical_cidr


def _by_ipaddress(text: str) -> str | None:
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        return None


OCTETS = ["0", "1", "00", "01", "10", "99", "255", "256", "007", "1000", "", "٣"]
PREFIXES = ["0", "1", "8", "08", "16", "24", "31", "32", "33", "", "1a", "٣"]


@pytest.mark.parametrize("octet", OCTETS)
def test_every_octet_and_prefix_spelling_agrees_with_ipaddress(octet: str) -> None:
    for other, prefix in itertools.product(OCTETS, PREFIXES):
        for text in (f"{octet}.{other}.2.3/{prefix}", f"10.{other}.{octet}.7/{prefix}"):
            assert canonical_cidr(text) == _by_ipaddress(text), text


@pytest.mark.parametrize(
    "text",
    [
        " 10.0.0.5/16 ",
        "172.31.255.255/20",
        "255.255.255.255/1",
        "192.168.1.1",
        "10.0.0.0/255.255.0.0",
        "10.0.0.0/0.0.255.255",
        "2001:db8::1/64",
        "10.0.0.0/16/1",
        "10.0.0.0 /16",
    ],
)
def test_other_spellings_are_read_by_ipaddress(text: str) -> None:
    assert canonical_cidr(text) == _by_ipaddress(text)


def test_every_prefix_length_clears_host_bits_like_ipaddress() -> None:
    for prefix in range(33):
        text = f"203.0.113.77/{prefix}"
        assert canonical_cidr(text) == _by_ipaddress(text)
