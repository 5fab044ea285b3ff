"""ISO 10002 guiding principles as executable policies (clause 4).

Each principle has a small module of policies (``accessibility``,
``accountability`` …); :func:`policies_for` assembles the default set for an
edition or a regulatory pack, a workflow uses them as guards, and
:func:`evaluate_all` runs them over many complaints for an audit.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.principles._coverage import ORGANISATION_EVIDENCE, coverage_table
from iso10002.principles._policy import (
    Finding,
    FindingSeverity,
    Policy,
    PolicyContext,
    PolicyRegistry,
    has_blocking,
)
from iso10002.principles._principle import Edition, Principle
from iso10002.principles._profile import (
    ANY_CATEGORY,
    DEFAULT_KEEP_INFORMED_INTERVAL,
    OrganisationProfile,
)
from iso10002.principles._sets import (
    POLICY_PACKS,
    AuditReport,
    default_policies,
    evaluate_all,
    policies_for,
)

__all__ = [
    "ANY_CATEGORY",
    "DEFAULT_KEEP_INFORMED_INTERVAL",
    "ORGANISATION_EVIDENCE",
    "POLICY_PACKS",
    "AuditReport",
    "Edition",
    "Finding",
    "FindingSeverity",
    "OrganisationProfile",
    "Policy",
    "PolicyContext",
    "PolicyRegistry",
    "Principle",
    "coverage_table",
    "default_policies",
    "evaluate_all",
    "has_blocking",
    "policies_for",
]

publish(globals())
