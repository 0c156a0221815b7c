"""cidrsubnet, cidrsubnets, cidrhost and cidrnetmask, as Terraform computes them (R-EVAL-9).

Terraform parses prefixes with Go's ``net.ParseCIDR`` (host bits are masked off, IPv4 octets
with leading zeros read as decimal) and computes with ``go-cidr``; these functions reproduce
both, including their error cases, on plain integers.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from tfvpc.load.hcl.fn_support import VARIADIC, Function, arity
from tfvpc.load.hcl.values import EvalError, Val, need_int, need_string

_IPV4_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


@dataclass(frozen=True)
class Network:
    """A parsed prefix: network address as an integer, prefix length, address width in bits."""

    address: int
    length: int
    bits: int

    def format(self, address: int, length: int | None = None) -> str:
        """Return `address` (with ``/length`` when given) in Go's text form."""
        if self.bits == 32:
            text = str(ipaddress.IPv4Address(address))
        else:
            text = str(ipaddress.IPv6Address(address))
        return text if length is None else f"{text}/{length}"


def parse_cidr(text: str) -> Network:
    """Return the network of a CIDR prefix, masking host bits. Raises `EvalError`."""
    address, slash, length_text = text.partition("/")
    if not slash or not length_text.isdigit() or (len(length_text) > 1 and length_text[0] == "0"):
        raise EvalError(f"invalid CIDR expression: invalid CIDR address: {text}")
    try:
        if ":" in address:
            parsed: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv6Address(address)
            bits = 128
        else:
            parsed = ipaddress.IPv4Address(_IPV4_LEADING_ZEROS.sub("", address))
            bits = 32
    except ValueError:
        raise EvalError(f"invalid CIDR expression: invalid CIDR address: {text}") from None
    length = int(length_text)
    if length > bits:
        raise EvalError(f"invalid CIDR expression: invalid CIDR address: {text}")
    mask = ((1 << length) - 1) << (bits - length)
    return Network(int(parsed) & mask, length, bits)


def _cidrsubnet(args: list[Val]) -> Val:
    arity(args, 3)
    network = parse_cidr(need_string(args[0], "the prefix"))
    newbits = need_int(args[1], "newbits")
    netnum = need_int(args[2], "netnum")
    new_length = network.length + newbits
    if new_length > network.bits:
        raise EvalError(
            f"insufficient address space to extend prefix of {network.length} by {newbits}"
        )
    if newbits < 0 or netnum < 0 or netnum.bit_length() > newbits:
        raise EvalError(
            f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        )
    address = network.address | (netnum << (network.bits - new_length))
    return network.format(address, new_length)


def _cidrhost(args: list[Val]) -> Val:
    arity(args, 2)
    network = parse_cidr(need_string(args[0], "the prefix"))
    hostnum = need_int(args[1], "hostnum")
    max_host = (1 << (network.bits - network.length)) - 1
    number = hostnum if hostnum >= 0 else max_host + 1 + hostnum  # negative counts from the end
    if not 0 <= number <= max_host:
        raise EvalError(
            f"prefix of {network.length} does not accommodate a host numbered {hostnum}"
        )
    return network.format(network.address + number)


def _cidrnetmask(args: list[Val]) -> Val:
    arity(args, 1)
    text = need_string(args[0], "the prefix")
    network = parse_cidr(text)
    if network.bits != 32:
        raise EvalError(f"IPv6 addresses cannot have a netmask: {text}")
    return network.format(((1 << network.length) - 1) << (32 - network.length))


def _cidrsubnets(args: list[Val]) -> Val:
    """Terraform's CidrSubnetsFunc: consecutive, aligned allocations inside the prefix."""
    arity(args, 1, VARIADIC)
    network = parse_cidr(need_string(args[0], "the prefix"))
    if len(args) == 1:
        return []
    full = (1 << network.bits) - 1
    first = network.length + need_int(args[1], "newbits")
    # go-cidr PreviousSubnet: the block of the first size just below the prefix.
    current = _block(network.address - 1 & full, first, network.bits)
    current_length = first
    result: list[Val] = []
    for position, arg in enumerate(args[1:], start=1):
        newbits = need_int(arg, "newbits")
        if newbits < 1:
            raise EvalError(f"argument {position + 1}: must extend prefix by at least one bit")
        if newbits > 32:
            raise EvalError(f"argument {position + 1}: may not extend prefix by more than 32 bits")
        length = network.length + newbits
        if length > network.bits:
            family = "IPv4" if network.bits == 32 else "IPv6"
            raise EvalError(
                f"argument {position + 1}: would extend prefix to {length} bits, "
                f"which is too long for an {family} address"
            )
        # go-cidr NextSubnet: from the last address of the current block, the next block.
        last = current | ((1 << (network.bits - current_length)) - 1)
        aligned_last = _block(last, length, network.bits) | ((1 << (network.bits - length)) - 1)
        following = (aligned_last + 1) & full
        candidate = _block(following, length, network.bits)
        inside = _block(candidate, network.length, network.bits) == network.address
        if following == 0 or not inside:
            previous = network.format(current, current_length)
            raise EvalError(
                f"argument {position + 1}: not enough remaining address space for a subnet "
                f"with a prefix of {length} bits after {previous}"
            )
        current, current_length = candidate, length
        result.append(network.format(current, current_length))
    return result


def _block(address: int, length: int, bits: int) -> int:
    return address & (((1 << length) - 1) << (bits - length))


FUNCTIONS: dict[str, Function] = {
    "cidrsubnet": _cidrsubnet,
    "cidrsubnets": _cidrsubnets,
    "cidrhost": _cidrhost,
    "cidrnetmask": _cidrnetmask,
}
