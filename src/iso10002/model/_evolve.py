"""How model values are made from checked values: one plan of checks per class.

Every value in a model object passes its field's converter and validator
exactly once: when it enters (through :meth:`Plan.check` or a constructor) or
when the value it was copied from was built. A changed copy therefore needs
only the new values checked (:func:`evolve`), and the class's cross-field
checks (``__attrs_post_init__``) run on the result. Values an engine derives
from checked ones (a sequence number, a state from a compiled workflow, facts
written from checked fields) are not parsed again. The checks of a class are
looked up once and kept in its :class:`Plan`; nothing is generated or
executed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from iso10002.errors import ValidationError

__all__ = ["Check", "Plan", "evolve", "plan_of"]

_T = TypeVar("_T")
_SETATTR = object.__setattr__
_NEW = object.__new__

Check = tuple[Any, Callable[[Any], Any] | None, Any]
"""A field's attribute, converter (or ``None``) and validator (or ``None``)."""


@attrs.frozen
class Plan:
    """What checking a change of one class takes, looked up once per class.

    Args:
        cls: The class.
        checks: Each field's :data:`Check`, by name.
        names: The field names, in definition order.
        has_dict: Whether instances keep their fields in an instance dict
            (copied with one ``dict.copy()``) rather than slots.
        post_init: The class's cross-field checks, if it has any.
    """

    cls: type
    checks: dict[str, Check]
    names: tuple[str, ...]
    has_dict: bool
    post_init: Callable[[Any], None] | None

    def copy(self, instance: _T) -> _T:
        """Return a shallow copy of ``instance``, its fields only."""
        new: _T = _NEW(self.cls)
        if self.has_dict:
            values = instance.__dict__
            if len(values) == len(self.names):
                values = values.copy()
            else:  # a cache besides the fields, not copied
                values = {name: values[name] for name in self.names}
            _SETATTR(new, "__dict__", values)
        else:
            for name in self.names:
                _SETATTR(new, name, getattr(instance, name))
        return new

    def check(self, name: str, value: Any) -> Any:
        """Return ``value`` through field ``name``'s converter, once validated.

        Raises:
            ValidationError: naming the field, if it is unknown or ``value``
                is invalid.
        """
        check = self.checks.get(name)
        if check is None:
            raise ValidationError.single(name, f"is not a field of {self.cls.__name__}")
        field, convert, validate = check
        if convert is not None:
            value = convert(value)
        if validate is not None:
            validate(None, field, value)
        return value

    def build(self, checked: dict[str, Any]) -> Any:
        """Return a new instance from ``checked``: a checked value for every field.

        Each value must have passed its field's check (:meth:`check`, or the
        same check on the value it was copied from); the class's cross-field
        checks run here. ``checked`` is kept by an instance-dict class.
        """
        new: Any = _NEW(self.cls)
        if self.has_dict:
            _SETATTR(new, "__dict__", checked)
        else:
            for name, value in checked.items():
                _SETATTR(new, name, value)
        if self.post_init is not None:
            self.post_init(new)
        return new

    def derive(self, instance: _T, checked: dict[str, Any]) -> _T:
        """Return a copy of ``instance`` with ``checked``, values already checked.

        Like :func:`evolve` for values that passed their field's check
        already (:meth:`check`); the class's cross-field checks run.
        """
        new = self.copy(instance)
        for name, value in checked.items():
            _SETATTR(new, name, value)
        if self.post_init is not None:
            self.post_init(new)
        return new


_PLANS: dict[type, Plan] = {}


def plan_of(cls: type) -> Plan:
    """Return the :class:`Plan` of the attrs class ``cls``.

    Raises:
        ValidationError: if ``cls`` is not an attrs class.
    """
    found = _PLANS.get(cls)
    if found is None:
        if not attrs.has(cls):
            raise ValidationError.single(
                "instance", f"{cls.__name__} is not a model class"
            )
        fields = attrs.fields_dict(cls)
        found = _PLANS[cls] = Plan(
            cls=cls,
            checks={
                name: (
                    field,
                    field.converter if callable(field.converter) else None,
                    field.validator,
                )
                for name, field in fields.items()
            },
            names=tuple(fields),
            has_dict=not hasattr(cls, "__slots__"),
            post_init=getattr(cls, "__attrs_post_init__", None),
        )
    return found


def evolve(instance: _T, **changes: Any) -> _T:
    """Return a copy of a model value with ``changes``, validating only those.

    Like :func:`attrs.evolve`, but the fields that do not change are not
    validated again (they were when ``instance`` was built): each changed
    value goes through its field's converter and validator, then the class's
    cross-field checks (``__attrs_post_init__``) run on the result. The
    workflow engine and :meth:`~iso10002.model.Complaint.next_version` make
    every version through the same per-class checks.

    Args:
        instance: A model value, e.g. a :class:`~iso10002.model.HistoryEvent`.
        **changes: New values by field name.

    Returns:
        The new value.

    Raises:
        ValidationError: naming the field, if a change is invalid or unknown.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The one way to change a model value: each class's checks are looked
       up once, and nothing is generated.
    """
    plan = _PLANS.get(type(instance)) or plan_of(type(instance))
    new = plan.copy(instance)
    checks = plan.checks
    for name, value in changes.items():
        check = checks.get(name)
        if check is None:
            raise ValidationError.single(
                name, f"is not a field of {type(instance).__name__}"
            )
        field, convert, validate = check
        if convert is not None:
            value = convert(value)  # noqa: PLW2901 - the converted value is checked
        if validate is not None:
            validate(new, field, value)
        _SETATTR(new, name, value)
    if plan.post_init is not None:
        plan.post_init(new)
    return new
