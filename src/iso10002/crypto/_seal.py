"""A complaint's sealed shape: personal fields out, a keyed reference to them in."""

from __future__ import annotations

import re
from typing import Any

import attrs

from iso10002.crypto._cipher import PersonalDataCipher
from iso10002.crypto._ciphertexts import CiphertextStore
from iso10002.errors import IntegrityError, ValidationError
from iso10002.integrity import erased_fields, personal_data
from iso10002.model import Complaint
from iso10002.serialization import from_dict, to_dict

__all__ = ["SEALED", "seal", "sealed_reference", "unseal"]

SEALED = re.compile(r"\[sealed:([0-9a-f]{64})\]")
"""What a sealed complaint's ``description`` holds: the reference to its values."""

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def sealed_reference(complaint: Complaint) -> str | None:
    """Return the reference a sealed complaint points to, or ``None`` if not sealed."""
    if complaint.description is None:  # an imported record without one
        return None
    found = SEALED.fullmatch(complaint.description)
    return None if found is None else found.group(1)


def seal(
    complaint: Complaint, cipher: PersonalDataCipher
) -> tuple[Complaint, str | None, dict[str, str]]:
    """Return the sealed shape, the reference and the tokens of ``complaint``.

    The shape is what erasure would leave (see
    :func:`iso10002.integrity.erased_fields`) with ``description`` set to
    ``[sealed:<reference>]``; an erased complaint has nothing to seal and
    comes back as it is, with no tokens.
    """
    shape, changed = erased_fields(complaint)
    if not changed:
        return complaint, None, {}
    values = personal_data(complaint)
    tokens = cipher.encrypt(complaint.id, values)
    reference = cipher.reference(complaint.id, values)
    return attrs.evolve(shape, description=f"[sealed:{reference}]"), reference, tokens


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    parts = [name or int(index) for name, index in _PART.findall(path)]
    target: Any = document
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def unseal(
    complaint: Complaint, cipher: PersonalDataCipher, store: CiphertextStore
) -> Complaint:
    """Return ``complaint`` with its sealed values back (as it is when not sealed).

    Raises:
        IntegrityError: if the values are missing, cannot be decrypted (the
            key was destroyed), or are not the ones the reference names.
    """
    reference = sealed_reference(complaint)
    if reference is None:
        return complaint
    tokens = store.get(complaint.id, reference)
    if tokens is None:
        msg = f"sealed personal data of complaint {complaint.id!r} is missing"
        raise IntegrityError(msg, complaint_id=complaint.id)
    values = cipher.decrypt(complaint.id, tokens)
    if cipher.reference(complaint.id, values) != reference:
        msg = f"sealed personal data of complaint {complaint.id!r} was replaced"
        raise IntegrityError(msg, complaint_id=complaint.id)
    document = to_dict(complaint)
    try:
        for path, value in values.items():
            _set(document, path, value)
        return from_dict(Complaint, document)
    except (KeyError, IndexError, TypeError, ValidationError) as exc:
        msg = f"sealed personal data of complaint {complaint.id!r} does not fit it"
        raise IntegrityError(msg, complaint_id=complaint.id) from exc
