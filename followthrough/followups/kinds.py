"""The kinds of follow-up, registered by the apps that send them.

The engine does not know its clients' words: each app registers its kinds in its
AppConfig.ready() (`kinds.register(Kind("check_in", _("Check-in"), ...))`), with the templates a
follow-up of that kind may use and the model it is about. FollowUp.kind is a plain column
checked against this registry, so a new kind needs no change and no migration here.

A Kind is a str (its stored value), so it compares, hashes and filters as one. A registered kind
is also reachable by its name in capitals, `Kind.CHECK_IN`, as when this was an enumeration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy


class UnknownKind(ValueError):
    """No app registered this kind: a programming error, refused before anything is stored."""


class KindMeta(type):
    """`Kind.CHECK_IN` looks the registered kind "check_in" up."""

    def __getattr__(cls, name: str) -> Kind:
        if name.isupper():
            found = _registry.get(name.lower())
            if found is not None:
                return found
        raise AttributeError(f"No follow-up kind {name.lower()!r} is registered")


class Kind(str, metaclass=KindMeta):
    """One kind of follow-up: its stored value, its label, the templates it sends (emails/<name>.*)
    and the model it is about ("app_label.Model"; anything when empty)."""

    label: str | Promise
    templates: tuple[str, ...]
    about_model: str

    def __new__(
        cls,
        value: str,
        label: str | Promise,
        templates: tuple[str, ...] = (),
        about_model: str = "",
    ) -> Kind:
        kind = super().__new__(cls, value)
        kind.label = label
        kind.templates = tuple(templates)
        kind.about_model = about_model
        return kind

    @property
    def value(self) -> str:
        return str(self)

    def same_as(self, other: Kind) -> bool:
        return (str(self), str(self.label), self.templates, self.about_model) == (
            str(other),
            str(other.label),
            other.templates,
            other.about_model,
        )

    def check(self, about: models.Model | None) -> None:
        """Refuses an object this kind is not about. (Its templates are what it usually sends;
        a notice or a test may send another, so they are not enforced.)"""
        if self.about_model and about is not None:
            expected = apps.get_model(self.about_model)
            if not isinstance(about, expected):
                raise UnknownKind(
                    f"A {self} follow-up is about a {self.about_model}, not {about!r}"
                )


_registry: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Adds kinds; registering the same kind again (ready() may run twice) changes nothing, but
    two different kinds under one value are refused."""
    for kind in kinds:
        if len(kind) > 32:
            raise ValueError(f"A kind's value has at most 32 characters: {kind!r}")
        known = _registry.get(str(kind))
        if known is not None and not known.same_as(kind):
            raise ValueError(f"The follow-up kind {kind!r} is already registered differently")
        _registry[str(kind)] = kind


def unregister(value: str) -> None:
    _registry.pop(value, None)


def get(value: str) -> Kind:
    try:
        return _registry[value]
    except KeyError:
        raise UnknownKind(f"No follow-up kind {value!r} is registered") from None


def registered() -> Iterator[Kind]:
    """Every registered kind, by label."""
    return iter(sorted(_registry.values(), key=lambda kind: str(kind.label)))


def choices() -> list[tuple[str, str]]:
    return [(str(kind), str(kind.label)) for kind in registered()]


def label(value: str) -> str:
    """The label of a kind; a stored value whose app no longer registers it shows as it is."""
    kind = _registry.get(value)
    return str(kind.label) if kind is not None else value


def validate(value: Any) -> None:
    """FollowUp.kind's validator (forms and full_clean); schedule() checks the same."""
    if value not in _registry:
        raise ValidationError(
            gettext("%(value)s is not a known kind of follow-up."), params={"value": value}
        )


# The engine's own kind: a one-off message about anything (answers, notices to admins).
NOTICE = Kind("notice", gettext_lazy("Notice"))
