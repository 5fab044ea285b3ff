"""Named step methods: typed declarations over the one generic step.

A named method of :class:`~iso10002.handler.ComplaintsHandler` is declared by
its signature and docstring only; :func:`named_step` gives it its one shared
body: take the workflow step of the same trigger through
:meth:`~iso10002.handler.ComplaintsHandler.step`, whose keyword data follows
from the fields the workflow definition says the step sets. The declaration
keeps what a type checker needs (``mypy --strict`` still checks the keywords
of ``handler.decide(...)``) and what the reference documents; the behaviour
is the generic step's, so the named methods and ``step`` cannot drift apart.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec

if TYPE_CHECKING:
    from iso10002.handler._unit import StepResult

__all__ = ["named_step"]

_P = ParamSpec("_P")


def named_step(
    **fixed: Any,
) -> Callable[[Callable[_P, StepResult]], Callable[_P, StepResult]]:
    """Give a declared step method the generic body, with ``fixed`` keyword data.

    The trigger is the method's name; the first two parameters are the
    handler and the complaint id, every other argument given is passed on
    to ``step`` as a keyword (``**fields`` flattened), then ``fixed``.
    """

    def declare(declaration: Callable[_P, StepResult]) -> Callable[_P, StepResult]:
        trigger = declaration.__name__
        signature = inspect.signature(declaration)
        keywords = [
            p
            for p in signature.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        ]
        required = frozenset(p.name for p in keywords if p.default is p.empty)
        spread = next(
            (
                p.name
                for p in signature.parameters.values()
                if p.kind is inspect.Parameter.VAR_KEYWORD
            ),
            None,
        )
        known = None if spread else frozenset(p.name for p in keywords)

        @functools.wraps(declaration)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> StepResult:
            handler: Any
            names = kwargs.keys()
            if (
                len(args) == 2  # noqa: PLR2004 - the handler and the complaint id
                and required <= names
                and (known is None or names <= known)
            ):
                handler, complaint_id = args
                fields: dict[str, Any] = kwargs
            else:  # any other shape: bind as Python would, or its TypeError
                fields = signature.bind(*args, **kwargs).arguments
                handler = fields.pop("self")
                complaint_id = fields.pop("complaint_id")
                fields.update(fields.pop(spread, {}) if spread else {})
            step: Callable[..., StepResult] = handler.step
            return step(trigger, complaint_id, **fields, **fixed)

        return run

    return declare
