"""What makes two intakes under one idempotency key the same submission."""

from __future__ import annotations

import hashlib

from iso10002.integrity import canonical_text
from iso10002.model import Channel, ComplaintForm
from iso10002.serialization import to_dict

__all__ = ["DIGEST_PREFIX", "intake_digest"]

DIGEST_PREFIX = "sha256:"
"""The prefix of :func:`intake_digest` values (names the hash, for later change)."""


def intake_digest(form: ComplaintForm, channel: Channel) -> str:
    """Return the canonical digest of a submission: the form and its channel.

    The form's ``to_dict`` value and the channel, written as canonical JSON
    (sorted keys, no spaces), hashed with SHA-256. Equal forms give equal
    digests however they were built; any changed field gives another.
    """
    text = canonical_text({"channel": channel.value, "form": to_dict(form)})
    payload = text.encode("utf-8", "surrogatepass")
    return DIGEST_PREFIX + hashlib.sha256(payload).hexdigest()
