"""What the library checks per principle, and what stays the organisation's evidence."""

from __future__ import annotations

from collections.abc import Iterable

from iso10002.principles._policy import Policy
from iso10002.principles._principle import Edition, Principle

__all__ = ["ORGANISATION_EVIDENCE", "coverage_table"]

_P = Principle
ORGANISATION_EVIDENCE: dict[Principle, str] = {
    _P.COMMITMENT: (
        "that top management actually promotes the process, sets objectives "
        "and provides resources"
    ),
    _P.CAPABILITY: "that staffing and tools are adequate beyond the workload count",
    _P.TRANSPARENCY: (
        "that the published information is clear, complete and easy to find"
    ),
    _P.VISIBILITY: (
        "that the published information is clear, complete and easy to find"
    ),
    _P.ACCESSIBILITY: (
        "that channels and formats really suit every complainant, including "
        "those with accessibility needs"
    ),
    _P.RESPONSIVENESS: (
        "that the complainant's immediate needs were addressed and the tone "
        "was courteous"
    ),
    _P.OBJECTIVITY: (
        "that the investigation was fair and unbiased in substance; undeclared "
        "conflicts"
    ),
    _P.CHARGES: "charges made outside the recorded history",
    _P.INFORMATION_INTEGRITY: (
        "that the recorded facts are true; records kept outside the library"
    ),
    _P.CONFIDENTIALITY: (
        "access outside recorded steps (reads, exports); personal data in "
        "free text written by staff"
    ),
    _P.CUSTOMER_FOCUSED_APPROACH: (
        "that the reasons address the desired outcome and the response is "
        "understandable"
    ),
    _P.ACCOUNTABILITY: "that the named people actually hold the authority",
    _P.IMPROVEMENT: (
        "that corrective actions are carried out and effective (clause 8 "
        "management review)"
    ),
    _P.CONTINUAL_IMPROVEMENT: (
        "that corrective actions are carried out and effective (clause 8 "
        "management review)"
    ),
    _P.COMPETENCE: "that declared competences are real (training records)",
    _P.TIMELINESS: "that deadlines set by the organisation itself are reasonable",
}
"""Per principle: what only the organisation's own evidence can show."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage_table(edition: Edition | str, policies: Iterable[Policy]) -> str:
    """Render a Markdown table: principle → clause → checks → what is left to evidence.

    Args:
        edition: The edition whose principles make the rows.
        policies: The policies to list (e.g. ``policies_for(edition).values()``);
            each is placed under its ``principle`` attribute, and described by
            its ``summary`` attribute when it has one.

    Returns:
        The table, one row per principle of the edition, in clause order.

    Raises:
        ValidationError: if ``edition`` is unknown.

    .. versionadded:: 0.1.0
    """
    by_principle: dict[str, list[Policy]] = {}
    for policy in policies:
        principle = getattr(policy, "principle", None)
        key = principle.value if isinstance(principle, Principle) else str(principle)
        by_principle.setdefault(key, []).append(policy)
    lines = [
        (
            "| Clause | Principle | Checks (policy id: what is verified) | "
            "Not verifiable: the organisation's evidence |"
        ),
        "|---|---|---|---|",
    ]
    for principle in Principle.of_edition(edition):
        checks = "<br>".join(
            f"`{p.id}`: {_cell(str(getattr(p, 'summary', '')))}"
            for p in by_principle.get(principle.value, [])
        )
        lines.append(
            f"| {principle.clause(edition)} | {principle.label} | "
            f"{checks or 'none'} | {_cell(ORGANISATION_EVIDENCE[principle])} |"
        )
    return "\n".join(lines) + "\n"
