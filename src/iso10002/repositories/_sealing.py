"""What an import may seal as it writes: complaints whose document agrees with history.

A seal vouches for a complaint's stored rows (see
:mod:`iso10002.integrity._quick`). A bulk import seals the rows it has just
written from validated complaints, in the same transaction, so nothing
else can have changed them; what the deep check would still find in such
rows comes from the complaint itself: a document that disagrees with the
fold of its history. :func:`agrees` is that comparison, made before
sealing.
"""

from __future__ import annotations

import json

from iso10002.history import differences, is_replayable
from iso10002.integrity import dump_document
from iso10002.model import Complaint

__all__ = ["agrees"]


def agrees(complaint: Complaint, document: str | None = None) -> bool:
    """Tell whether ``complaint``'s document agrees with the fold of its history.

    Args:
        complaint: The complaint being written.
        document: Its stored document text (or head), when already made.

    Returns:
        ``True`` when the deep check would find no field that differs from
        what the history records (or, as it has it, the history is not
        replayable).
    """
    if not is_replayable(complaint.history):
        return True
    text = dump_document(complaint) if document is None else document
    return not differences(json.loads(text), complaint.history)
