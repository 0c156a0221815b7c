"""Findings, their severities, the rule catalogue and the report that carries them.

Rule ids and slugs are public API (design.md): they are never reused or renamed.
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tfvpc.model import Location


class Severity(str, Enum):
    """How urgent a finding is; ordered from most to least severe by `rank`."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Return 4 for critical down to 0 for info, so that higher is worse."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}

Certainty = Literal["definite", "possible"]


class Rule(BaseModel):
    """One entry of the rule catalogue."""

    model_config = ConfigDict(frozen=True)

    id: str
    slug: str
    severity: Severity
    """The default severity; a finding may carry another one where the rule page says so."""
    title: str


RULES: tuple[Rule, ...] = (
    Rule(
        id="TFV001",
        slug="input-not-analysed",
        severity=Severity.MEDIUM,
        title="A file could not be parsed or read; the answer is partial",
    ),
    Rule(
        id="TFV002",
        slug="module-not-resolved",
        severity=Severity.MEDIUM,
        title="A module's source is not on disk; its resources are unknown",
    ),
    Rule(
        id="TFV101",
        slug="internet-exposure",
        severity=Severity.HIGH,
        title="An attachment accepts connections from the internet",
    ),
    Rule(
        id="TFV201",
        slug="unreachable-subnet",
        severity=Severity.MEDIUM,
        title="No source can open any connection into the subnet",
    ),
    Rule(
        id="TFV202",
        slug="public-subnet-without-internet-route",
        severity=Severity.MEDIUM,
        title="The subnet hands out public addresses but has no route to an internet gateway",
    ),
    Rule(
        id="TFV203",
        slug="blackhole-route",
        severity=Severity.MEDIUM,
        title="A route whose target cannot carry traffic",
    ),
    Rule(
        id="TFV204",
        slug="cidr-conflict",
        severity=Severity.HIGH,
        title="Address plan that AWS rejects or that breaks routing",
    ),
    Rule(
        id="TFV301",
        slug="sg-rule-blocked-by-nacl",
        severity=Severity.MEDIUM,
        title="A security-group rule admits traffic that the subnet's NACL drops",
    ),
    Rule(
        id="TFV302",
        slug="nacl-return-traffic-blocked",
        severity=Severity.MEDIUM,
        title="Replies to admitted traffic are dropped by the NACL on the return side",
    ),
    Rule(
        id="TFV303",
        slug="nacl-rule-shadowed",
        severity=Severity.LOW,
        title="A NACL rule that can never match",
    ),
    Rule(
        id="TFV304",
        slug="sg-rule-redundant",
        severity=Severity.INFO,
        title="A security-group rule that adds nothing to its group",
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULES_BY_SLUG: dict[str, Rule] = {rule.slug: rule for rule in RULES}


class Hop(BaseModel):
    """One step of the evidence path: an object and, optionally, what it did."""

    model_config = ConfigDict(frozen=True)

    hop: str
    detail: str | None = None


PortRange = tuple[int, int]


class Finding(BaseModel):
    """One answer, with the evidence that supports it (design.md, output contract)."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    rule: str
    severity: Severity
    certainty: Certainty = "definite"
    resource: str
    related: tuple[str, ...] = ()
    protocol: str | None = None
    ports: tuple[PortRange, ...] | None = None
    sources: tuple[str, ...] | None = None
    path: tuple[Hop, ...] = ()
    message: str
    location: Location | None = None
    fingerprint: str


def fingerprint(
    rule_id: str,
    resource: str,
    protocol: str | None = None,
    ports: tuple[PortRange, ...] | None = None,
    extra: str = "",
) -> str:
    """Return a stable 16-hex-digit hash of rule, resource, protocol and ports (no line numbers).

    `extra` distinguishes findings of one rule on one resource that are not about traffic
    (for example the rule number of a shadowed NACL rule).
    """
    ports_text = ",".join(f"{lo}-{hi}" for lo, hi in ports) if ports else ""
    key = "|".join((rule_id, resource, protocol or "", ports_text, extra))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def make_finding(
    rule_id: str,
    *,
    resource: str,
    message: str,
    severity: Severity | None = None,
    certainty: Certainty = "definite",
    related: tuple[str, ...] = (),
    protocol: str | None = None,
    ports: tuple[PortRange, ...] | None = None,
    sources: tuple[str, ...] | None = None,
    path: tuple[Hop, ...] = (),
    location: Location | None = None,
    fingerprint_extra: str = "",
) -> Finding:
    """Return a `Finding` for catalogue rule `rule_id`, filling slug, default severity and
    fingerprint."""
    rule = RULES_BY_ID[rule_id]
    return Finding(
        rule_id=rule.id,
        rule=rule.slug,
        severity=severity or rule.severity,
        certainty=certainty,
        resource=resource,
        related=related,
        protocol=protocol,
        ports=ports,
        sources=sources,
        path=path,
        message=message,
        location=location,
        fingerprint=fingerprint(rule.id, resource, protocol, ports, fingerprint_extra),
    )


class InputSummary(BaseModel):
    """One scanned input as the report lists it."""

    model_config = ConfigDict(frozen=True)

    path: str
    kind: Literal["hcl", "plan", "state"]


class Report(BaseModel):
    """Everything a reporter needs; reporters format it and compute nothing."""

    version: str
    inputs: tuple[InputSummary, ...] = ()
    findings: tuple[Finding, ...] = ()
    skipped_types: dict[str, int] = Field(default_factory=dict)
    resources_read: int = 0
    notes: tuple[str, ...] = ()
    locations: dict[str, Location] = Field(default_factory=dict)
    """Declaration site of addresses the findings name (resource, related), for reporters."""
