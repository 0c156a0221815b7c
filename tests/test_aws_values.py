"""Coercion of attribute values (R-TF-4, R-SG-7, R-CIDR-1)."""

from __future__ import annotations

import pytest

from tfvpc.aws.values import (
    as_bool,
    as_int,
    as_str,
    canonical_cidr,
    cidr_family,
    is_unset,
    protocol_number,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(200, 200), ("200", 200), (" 22 ", 22), (443.0, 443), (-1, -1), ("-1", -1)],
)
def test_as_int_reads_numbers_and_numeric_strings(value: object, expected: int) -> None:
    assert as_int(value) == expected


@pytest.mark.parametrize("value", [True, False, "tcp", 1.5, None, [], ""])
def test_as_int_refuses_what_is_not_a_number(value: object) -> None:
    assert as_int(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("False", False), ("yes", None), (1, None)],
)
def test_as_bool(value: object, expected: bool | None) -> None:
    assert as_bool(value) is expected


def test_as_str_treats_empty_as_unset_and_formats_numbers() -> None:
    assert as_str("") is None
    assert as_str(None) is None
    assert as_str("x") == "x"
    assert as_str(6) == "6"
    assert as_str(6.0) == "6"
    assert as_str(True) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tcp", 6),
        ("TCP", 6),
        ("udp", 17),
        ("icmp", 1),
        ("icmpv6", 58),
        ("all", -1),
        ("-1", -1),
        (-1, -1),
        ("6", 6),
        (17, 17),
        ("50", 50),
        ("esp", 50),
        ("gre", 47),
        (0, 0),
    ],
)
def test_protocol_names_and_numbers_normalise_to_iana_numbers(value: object, expected: int) -> None:
    assert protocol_number(value) == expected


@pytest.mark.parametrize("value", ["tcpx", 256, -2, None, True, ""])
def test_protocol_number_refuses_unknown_protocols(value: object) -> None:
    assert protocol_number(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.0.0.0/16", "10.0.0.0/16"),
        ("10.0.0.5/16", "10.0.0.0/16"),
        ("10.1.2.3", "10.1.2.3/32"),
        ("2001:db8::1/32", "2001:db8::/32"),
        ("::/0", "::/0"),
    ],
)
def test_canonical_cidr_clears_host_bits(value: str, expected: str) -> None:
    assert canonical_cidr(value) == expected


@pytest.mark.parametrize("value", ["", "10.0.0.0/33", "not-a-cidr", None, 10])
def test_canonical_cidr_refuses_non_cidrs(value: object) -> None:
    assert canonical_cidr(value) is None


def test_cidr_family_and_unset() -> None:
    assert cidr_family("10.0.0.0/8") == 4
    assert cidr_family("::/0") == 6
    assert is_unset(None) and is_unset("")
    assert not is_unset(0) and not is_unset(False) and not is_unset([])
