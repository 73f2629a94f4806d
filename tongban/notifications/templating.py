"""The template language administrators write: text with ``{{ variable }}`` placeholders.

Deliberately not Django's template language: an administrator's template must not reach
attributes, call methods or load tags, and every variable it names must be one the event
provides, so a typo is refused when the template is saved instead of sending "Dear ,".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import FieldError
from tongban.notifications.exceptions import TemplateInvalid

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}")


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


def variables_in(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def template_problems(text: str, *, allowed: Iterable[str]) -> list[FieldError]:
    """What is wrong with ``text`` (empty when it can be used)."""
    problems: list[FieldError] = []
    leftover = _PLACEHOLDER.sub("", text)
    if _TEMPLATE_SYNTAX.search(leftover):
        problems.append(
            FieldError(
                "syntax",
                _("Write variables as {{ name }}; other template syntax is not allowed."),
            )
        )
    unknown = sorted(variables_in(text) - set(allowed))
    if unknown:
        problems.append(
            FieldError(
                "unknown_variable",
                _("Unknown variable: %(names)s. This event provides: %(allowed)s.")
                % {
                    "names": ", ".join(unknown),
                    "allowed": ", ".join(sorted(allowed)) or "-",
                },
            )
        )
    return problems


def template_validate(text: TemplateText, *, allowed: Iterable[str]) -> None:
    """Raises ``TemplateInvalid`` naming the field (subject or body) and each problem."""
    allowed = tuple(allowed)
    errors = {
        name: problems
        for name, value in (("subject", text.subject), ("body", text.body))
        if (problems := template_problems(value, allowed=allowed))
    }
    if errors:
        raise TemplateInvalid(errors=errors)


def render(text: str, context: Mapping[str, object]) -> str:
    """Fills the placeholders. Values are inserted as plain text; pages escape on output."""
    return _PLACEHOLDER.sub(lambda match: str(context.get(match.group(1), "")), text)
