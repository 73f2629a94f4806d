"""Typed, documented environment variables.

Every setting that comes from the environment is read through one of the ``Env`` readers
below. Each read records the variable's name, type, default and meaning, so that
``manage.py config_doc`` can write ``docs/configuration.md`` straight from the settings code
and a test can fail when the document falls behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

# The readers below are named after the types they return; these aliases keep the builtins
# reachable inside the class.
_Str = str
_Bool = bool
_Int = int
_List = list

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Variable:
    name: str
    type_name: str
    default: str
    help: str
    required_in_production: bool = False
    secret: bool = False


class Env:
    """Reads variables from a mapping (``os.environ`` by default) and remembers what it read."""

    def __init__(self, source: Mapping[_Str, _Str] | None = None) -> None:
        self._source = os.environ if source is None else source
        self.variables: dict[_Str, Variable] = {}

    def _declare(self, variable: Variable) -> None:
        self.variables[variable.name] = variable

    def _read(
        self,
        name: _Str,
        *,
        type_name: _Str,
        default: T,
        shown_default: _Str,
        help: _Str,
        parse: Callable[[_Str], T],
        required_in_production: _Bool,
        secret: _Bool,
    ) -> T:
        self._declare(
            Variable(
                name=name,
                type_name=type_name,
                default=shown_default,
                help=help,
                required_in_production=required_in_production,
                secret=secret,
            )
        )
        raw = self._source.get(name)
        if raw is None:
            return default
        try:
            return parse(raw)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {error}") from error

    def is_set(self, name: _Str) -> _Bool:
        return bool(self._source.get(name, "").strip())

    def str(
        self,
        name: _Str,
        default: _Str,
        *,
        help: _Str,
        required_in_production: _Bool = False,
        secret: _Bool = False,
        shown_default: _Str | None = None,
    ) -> _Str:
        """``shown_default`` documents a default that depends on the machine (a path)."""
        return self._read(
            name,
            type_name="string",
            default=default,
            shown_default=shown_default or ("(empty)" if default == "" else f"`{default}`"),
            help=help,
            parse=lambda raw: raw,
            required_in_production=required_in_production,
            secret=secret,
        )

    def bool(self, name: _Str, default: _Bool, *, help: _Str) -> _Bool:
        def parse(raw: _Str) -> _Bool:
            value = raw.strip().lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
            raise ValueError(f"expected one of {sorted(_TRUE | _FALSE)}, got {raw!r}")

        return self._read(
            name,
            type_name="boolean",
            default=default,
            shown_default=f"`{str(default).lower()}`",
            help=help,
            parse=parse,
            required_in_production=False,
            secret=False,
        )

    def int(self, name: _Str, default: _Int, *, help: _Str, minimum: _Int | None = None) -> _Int:
        def parse(raw: _Str) -> _Int:
            value = int(raw.strip())
            if minimum is not None and value < minimum:
                raise ValueError(f"must be at least {minimum}, got {value}")
            return value

        return self._read(
            name,
            type_name="integer",
            default=default,
            shown_default=f"`{default}`",
            help=help,
            parse=parse,
            required_in_production=False,
            secret=False,
        )

    def list(
        self,
        name: _Str,
        default: _List[_Str],
        *,
        help: _Str,
        required_in_production: _Bool = False,
        secret: _Bool = False,
    ) -> _List[_Str]:
        """A comma-separated list; blanks around items are ignored."""

        def parse(raw: _Str) -> _List[_Str]:
            return [item.strip() for item in raw.split(",") if item.strip()]

        return self._read(
            name,
            type_name="comma-separated list",
            default=default,
            shown_default=("(empty)" if not default else f"`{','.join(default)}`"),
            help=help,
            parse=parse,
            required_in_production=required_in_production,
            secret=secret,
        )


def configuration_markdown(variables: Mapping[str, Variable]) -> str:
    """The text of docs/configuration.md."""
    lines = [
        "# Configuration",
        "",
        "Tongban reads every setting from the environment. This page is generated from the",
        "settings code by `make config-doc` (`manage.py config_doc`); a test fails when it is",
        "out of date, so edit the `help=` text in `tongban/config/settings/base.py`, not this",
        "file.",
        "",
        "The settings module is chosen with `DJANGO_SETTINGS_MODULE`:",
        "`tongban.config.settings.dev` (the default of `manage.py`, used by `make run`),",
        "`tongban.config.settings.test` (the test suite) or `tongban.config.settings.prod`.",
        "Production refuses to start unless every variable marked *required in production* is set.",
        "",
        "| variable | type | default | required in production | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for variable in sorted(variables.values(), key=lambda v: v.name):
        required = "yes" if variable.required_in_production else ""
        secret = " Secret: never commit it or print it." if variable.secret else ""
        lines.append(
            f"| `{variable.name}` | {variable.type_name} | {variable.default} | {required} "
            f"| {variable.help}{secret} |"
        )
    return "\n".join(lines) + "\n"


env = Env()
