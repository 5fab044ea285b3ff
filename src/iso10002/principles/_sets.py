"""Policy sets per edition and per regulatory pack; audits over many complaints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles._base import BasePolicy, is_open
from iso10002.principles._pack_guard import PackEscalationWording
from iso10002.principles._policy import Finding, Policy, PolicyContext, PolicyRegistry
from iso10002.principles._principle import Edition
from iso10002.principles.accessibility import (
    ChannelOffered,
    ContactDetailsKnown,
    ResponseInPreferredFormat,
)
from iso10002.principles.accountability import OwnerAssigned, StepsHaveNamedActors
from iso10002.principles.capability import WorkloadWithinLimit
from iso10002.principles.charges import NoChargeToComplainant
from iso10002.principles.commitment import AccountableManagerNamed
from iso10002.principles.competence import HandlerCompetent
from iso10002.principles.confidentiality import NeedToKnow, NoPersonalDataInHistory
from iso10002.principles.customer_focus import (
    DecisionGivesReasons,
    EscalationRouteMentions,
    EscalationRouteStated,
)
from iso10002.principles.improvement import RootCauseRecorded
from iso10002.principles.information_integrity import HistoryConsistent
from iso10002.principles.objectivity import (
    ComplainantHeardBeforeDecision,
    HandlerNotConflicted,
)
from iso10002.principles.packs import (
    HoldingResponseContent,
    SummaryResolutionCommunicated,
)
from iso10002.principles.responsiveness import AcknowledgedOnTime, KeptInformed
from iso10002.principles.timeliness import DeadlinesMet
from iso10002.principles.transparency import ComplaintsPolicyPublished

__all__ = [
    "POLICY_PACKS",
    "AuditReport",
    "default_policies",
    "evaluate_all",
    "policies_for",
]

_DEFAULT_TYPES: tuple[type[BasePolicy], ...] = (
    AccountableManagerNamed,
    WorkloadWithinLimit,
    ComplaintsPolicyPublished,
    ChannelOffered,
    ResponseInPreferredFormat,
    ContactDetailsKnown,
    AcknowledgedOnTime,
    KeptInformed,
    HandlerNotConflicted,
    ComplainantHeardBeforeDecision,
    NoChargeToComplainant,
    HistoryConsistent,
    NeedToKnow,
    NoPersonalDataInHistory,
    DecisionGivesReasons,
    EscalationRouteStated,
    OwnerAssigned,
    StepsHaveNamedActors,
    RootCauseRecorded,
    HandlerCompetent,
    DeadlinesMet,
)

_OMBUDSMAN = ("Financial Ombudsman Service", "ombudsman")
_SIX_MONTHS = ("six months", "6 months")


def _wording(
    pack: str, rule: str, *required: tuple[str, ...]
) -> EscalationRouteMentions:
    return EscalationRouteMentions(
        id=f"{pack}.escalation-route-wording", rule=rule, required=required
    )


def _pack_policies(pack: str) -> tuple[Policy, ...]:
    if pack == "uk.fca.disp":
        return (
            _wording(pack, "DISP 1.6.2R and DISP 1 Annex 3R", _OMBUDSMAN, _SIX_MONTHS),
            SummaryResolutionCommunicated(),
            HoldingResponseContent(),
        )
    if pack == "uk.fca.disp.psd":
        return (
            _wording(pack, "DISP 1.6.2AR and DISP 1 Annex 3R", _OMBUDSMAN, _SIX_MONTHS),
            HoldingResponseContent(
                id="uk.fca.disp.psd.holding-reply", required=("reason", "expected_by")
            ),
        )
    if pack == "eu.psd2":
        return (
            _wording(
                pack,
                "PSD2 Article 101(3)",
                (
                    "alternative dispute resolution",
                    "ADR",
                    "out-of-court",
                    "ombudsman",
                ),
            ),
            HoldingResponseContent(
                id="eu.psd2.holding-reply", required=("reason", "expected_by")
            ),
        )
    if pack == "au.asic.rg271":
        return (
            _wording(
                pack,
                "ASIC RG 271.60",
                ("Australian Financial Complaints Authority", "AFCA"),
            ),
        )
    if pack == "us.cfpb":
        return (
            _wording(
                pack,
                "CFPB complaint process",
                ("Consumer Financial Protection Bureau", "CFPB"),
            ),
        )
    # ca.bank: the only remaining name _PACKS admits.
    return (
        _wording(
            pack,
            "Bank Act s. 627.46 (Financial Consumer Protection Framework)",
            ("external complaints body", "ombudsman", "OBSI", "ADR Chambers"),
        ),
    )


POLICY_PACKS = (
    "au.asic.rg271",
    "ca.bank",
    "eu.psd2",
    "uk.fca.disp",
    "uk.fca.disp.psd",
    "us.cfpb",
)
"""Regulatory pack names :func:`policies_for` knows (each adds content rules)."""


def _name_of(edition_or_pack: object) -> str:
    if isinstance(edition_or_pack, Edition):
        return edition_or_pack.value
    if isinstance(edition_or_pack, str):
        return edition_or_pack
    name = getattr(edition_or_pack, "name", None)
    if isinstance(name, str):
        return name
    raise ValidationError.single(
        "edition_or_pack", "must be an edition, a pack name or a pack"
    )


def policies_for(edition_or_pack: Edition | str | Any) -> PolicyRegistry:
    """Return the default policy set for an ISO 10002 edition or a regulatory pack.

    ``"iso10002:2018"`` gives one or more policies for each of the fourteen
    principles. ``"iso10002:2014"`` (or ``"iso10002:2004"``) gives the policies
    whose principle the older edition has, reported under its nine clauses
    (timeliness under responsiveness; commitment, capability, information
    integrity and competence have no 2014 principle and are left out). A pack
    name (or a deadline pack object with that ``name``) gives the 2018 set plus
    the pack's content rules, e.g. the FCA's ombudsman and six-month wording.

    Args:
        edition_or_pack: An :class:`Edition`, an edition or pack name, or an
            object with a ``name`` attribute naming a pack.

    Returns:
        A registry of the policies, in clause order.

    Raises:
        ValidationError: for an unknown edition or pack name.

    .. versionadded:: 0.1.0
    """
    name = _name_of(edition_or_pack)
    if name in POLICY_PACKS:
        base = policies_for(Edition.ISO_10002_2018)
        return base.with_policies(*_pack_policies(name))
    try:
        edition = Edition(name)
    except ValueError:
        known = ", ".join([*(e.value for e in Edition), "iso10002:2004", *POLICY_PACKS])
        raise ValidationError.single(
            "edition_or_pack", f"unknown edition or pack {name!r}; known: {known}"
        ) from None
    chosen = [
        t(edition=edition)
        for t in _DEFAULT_TYPES
        if t.PRINCIPLE.counterpart(edition) is not None
    ]
    chosen.sort(key=lambda p: tuple(int(n) for n in p.clause.split(".")))
    return PolicyRegistry(chosen)


def default_policies() -> PolicyRegistry:
    """Return every policy the library ships: the one set guards resolve against.

    The 2018 set, every regulatory pack's content rules, each under its own
    id, and :class:`~iso10002.principles.packs.PackEscalationWording`, the
    guard that applies the wording rule of the pack in force.
    :class:`~iso10002.workflow.Workflow`, the complaints handler, the CLI and
    :func:`~iso10002.testing.stateful.workflow_state_machine` look a guard's
    policy id up here when the policies they are given do not have it, so a
    definition one of them accepts, every other accepts too. Policies run
    only where a guard names them: the set's size costs nothing.

    Returns:
        A registry of the policies (the same policy objects each call).

    .. versionadded:: 0.2.0
    """
    return _DEFAULT


def _read_only(value: Mapping[str, tuple[Finding, ...]]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class AuditReport:
    """What an audit of many complaints found.

    Args:
        audited: How many complaints were audited.
        findings: Complaint id → its findings (complaints without findings
            are left out).
        organisation: Findings of organisation-level policies, once each.

    .. versionadded:: 0.1.0
    """

    audited: int
    findings: Mapping[str, tuple[Finding, ...]] = attrs.field(
        factory=dict, converter=_read_only
    )
    organisation: tuple[Finding, ...] = ()

    def __iter__(self) -> Iterator[Finding]:
        """Iterate over every finding: organisation-level first."""
        yield from self.organisation
        for found in self.findings.values():
            yield from found

    @property
    def blocking(self) -> bool:
        """Tell whether any finding is blocking."""
        return any(f.blocking for f in self)

    def count_by_principle(self) -> dict[str, int]:
        """Count findings per principle.

        Returns:
            Principle name → number of findings, most frequent first.
        """
        return dict(Counter(f.principle for f in self).most_common())

    def count_by_code(self) -> dict[str, int]:
        """Count findings per ``policy_id/code``.

        Returns:
            ``policy_id/code`` → number of findings, most frequent first.
        """
        return dict(Counter(f"{f.policy_id}/{f.code}" for f in self).most_common())


def _registry(policies: PolicyRegistry | Iterable[Policy]) -> PolicyRegistry:
    if isinstance(policies, PolicyRegistry):
        return policies
    if isinstance(policies, Mapping):
        return PolicyRegistry(policies.values())
    if isinstance(policies, Iterable):
        return PolicyRegistry(policies)
    raise ValidationError.single("policies", "must be a PolicyRegistry or policies")


def evaluate_all(
    complaints: Iterable[Complaint],
    policies: PolicyRegistry | Iterable[Policy],
    context: PolicyContext,
) -> AuditReport:
    """Audit many complaints against a policy set.

    Policies whose class sets ``SCOPE = "organisation"`` check the
    organisation, not the complaint: their findings are reported once, in
    :attr:`AuditReport.organisation`. When ``context.workload`` is empty it is
    filled with the open complaints per assignee among ``complaints``.

    Args:
        complaints: The complaints (any iterable; read twice if workload is
            computed, so it is materialised).
        policies: A registry or any iterable of policies.
        context: The audit context (``now``, organisation profile, calendar,
            pack); ``previous`` and ``trigger`` are normally ``None``.

    Returns:
        The findings per complaint and for the organisation.

    Raises:
        ValidationError: if an item is not a complaint, ``policies`` holds
            something else than policies, or ``context`` is not a context.

    .. versionadded:: 0.1.0
    """
    registry = _registry(policies)
    if not isinstance(context, PolicyContext):
        raise ValidationError.single("context", "must be a PolicyContext")
    items = list(complaints)
    for i, complaint in enumerate(items):
        if not isinstance(complaint, Complaint):
            raise ValidationError.single(f"complaints[{i}]", "must be a Complaint")
    if not context.workload:
        load = Counter(c.assignee for c in items if c.assignee and is_open(c))
        context = attrs.evolve(context, workload=dict(load))
    per_complaint: dict[str, tuple[Finding, ...]] = {}
    organisation: dict[tuple[str, str], Finding] = {}
    for complaint in items:
        found: list[Finding] = []
        for policy in registry.values():
            results = policy.evaluate(complaint, context)
            if getattr(policy, "SCOPE", "complaint") == "organisation":
                for f in results:
                    organisation.setdefault((f.policy_id, f.code), f)
            else:
                found.extend(results)
        if found:
            per_complaint[complaint.id] = tuple(found)
    return AuditReport(
        audited=len(items),
        findings=per_complaint,
        organisation=tuple(organisation.values()),
    )


_DEFAULT = policies_for(Edition.ISO_10002_2018).with_policies(
    *(p for pack in POLICY_PACKS for p in _pack_policies(pack)),
    PackEscalationWording(),
)
