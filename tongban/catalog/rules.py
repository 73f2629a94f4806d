"""Instant approval (秒批): declarative rules a service version carries, checked and evaluated.

A version's ``auto_approval_rules`` is data, never code: a list of rules, each
``{"id": "individual", "explanation": "以个人经营形式申请", "logic": {...}}`` where ``logic``
is a JSON Logic expression (https://jsonlogic.com) over two kinds of variables:

* ``answers.<field key>`` — the applicant's answer to a field of the version's form;
* ``facts.<fact key>`` — a fact a registry holds about the applicant (``rule_facts``), read
  through ``registry_read`` with a purpose, so the applicant sees who read what and why.

Only a small, total subset of JSON Logic is evaluated (no loops, no arithmetic on strings):
``var == != < <= > >= and or ! in``. Publishing refuses a rule that names an unknown field or
fact, or an operator outside the subset, so a published rule can always be evaluated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.core.exceptions import FieldError
from tongban.core.registry import Registry
from tongban.core.working_days import local_date
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.services import (
    EnterprisesRepresentedBy,
    InsuranceActivityOf,
    Reader,
    Resident,
    ResidentByIdNumber,
    registry_read,
)

OPERATORS = frozenset({"var", "==", "!=", "<", "<=", ">", ">=", "and", "or", "!", "in"})
RULES_MAX = 30
RULE_ID_MAX_LENGTH = 64
EXPLANATION_MAX_LENGTH = 300
# Recorded with every registry read the rules make (the applicant sees it).
RULES_PURPOSE = "instant approval rules of an application"


@dataclass(frozen=True)
class FactSubject:
    """Whom the facts are about, and who reads them (``None``: the platform itself)."""

    id_number: str
    reader_id: uuid.UUID | None = None


@dataclass
class FactReader:
    """Reads each registry once per evaluation, however many facts come from it."""

    subject: FactSubject
    _cache: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, read: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def resident(self) -> Resident | None:
        def read() -> Resident | None:
            if not self.subject.id_number:
                return None
            found = registry_read(
                source=RegistrySourceKey.POPULATION,
                query=ResidentByIdNumber(self.subject.id_number),
                reader=Reader(id=self.subject.reader_id),
                purpose=RULES_PURPOSE,
            )
            return found[0] if found else None

        result: Resident | None = self.once("population", read)
        return result


@dataclass(frozen=True)
class RuleFact:
    key: str
    label: str | Promise
    read: Callable[[FactReader], Any]


rule_facts: Registry[RuleFact] = Registry("rule fact")


def _today() -> dt.date:
    # Ages and "days since" are counted in China's calendar, whatever the server's zone: at
    # 00:30 in Haichuan it is already the next day there, though still yesterday in UTC.
    return local_date(timezone.now())


def _age(reader: FactReader) -> int | None:
    resident = reader.resident()
    if resident is None:
        return None
    today = _today()
    born = resident.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _living(reader: FactReader) -> bool:
    resident = reader.resident()
    return resident is not None and resident.deceased_on is None


def _registered_address(reader: FactReader) -> str:
    resident = reader.resident()
    return resident.address if resident is not None else ""


def _region_code(reader: FactReader) -> str:
    resident = reader.resident()
    return resident.region_code if resident is not None else ""


def _enterprises_represented(reader: FactReader) -> int | None:
    def read() -> int | None:
        # Without a person's ID number the count is unknown, not zero.
        if not reader.subject.id_number:
            return None
        return len(
            registry_read(
                source=RegistrySourceKey.ENTERPRISE,
                query=EnterprisesRepresentedBy(reader.subject.id_number),
                reader=Reader(id=reader.subject.reader_id),
                purpose=RULES_PURPOSE,
            )
        )

    result: int | None = reader.once("enterprises", read)
    return result


def _days_since_activity(reader: FactReader) -> int | None:
    """Days since the newest medical visit, pharmacy purchase or contribution; ``None`` when
    the social-insurance registry knows none (the rule then does not pass)."""

    def read() -> int | None:
        if not reader.subject.id_number:
            return None
        found = registry_read(
            source=RegistrySourceKey.SOCIAL_SECURITY,
            query=InsuranceActivityOf(reader.subject.id_number),
            reader=Reader(id=reader.subject.reader_id),
            purpose=RULES_PURPOSE,
        )
        if not found:
            return None
        return (_today() - max(record.occurred_on for record in found)).days

    result: int | None = reader.once("social_security", read)
    return result


for _fact in (
    RuleFact("population.living", gettext_lazy("Registered as living"), _living),
    RuleFact("population.age", gettext_lazy("Age in years"), _age),
    RuleFact(
        "population.registered_address",
        gettext_lazy("Address of the registered household"),
        _registered_address,
    ),
    RuleFact("population.region_code", gettext_lazy("Region of residence"), _region_code),
    RuleFact(
        "social_security.days_since_activity",
        gettext_lazy("Days since the latest social-insurance activity"),
        _days_since_activity,
    ),
    RuleFact(
        "enterprises.represented_count",
        gettext_lazy("Enterprises the applicant represents"),
        _enterprises_represented,
    ),
):
    rule_facts.register(_fact.key, _fact)


# --- checking a rule set (at publish) ----------------------------------------------------


def _variables(logic: Any) -> Iterator[str]:
    if isinstance(logic, dict):
        for operator, argument in logic.items():
            if operator == "var":
                name = argument[0] if isinstance(argument, list) and argument else argument
                yield str(name)
            else:
                yield from _variables(argument)
    elif isinstance(logic, list):
        for item in logic:
            yield from _variables(item)


def _operators(logic: Any) -> Iterator[str]:
    if isinstance(logic, dict):
        for operator, argument in logic.items():
            yield str(operator)
            if operator != "var":
                yield from _operators(argument)
    elif isinstance(logic, list):
        for item in logic:
            yield from _operators(item)


def rules_problems(rules: Any, *, field_keys: set[str]) -> dict[str, list[FieldError]]:
    """Every reason a rule set cannot be published (empty when it can)."""
    problems: dict[str, list[FieldError]] = {}

    def add(name: str, code: str, message: str) -> None:
        problems.setdefault(name, []).append(FieldError(code, message))

    if rules in (None, []):
        return problems
    if not isinstance(rules, list) or len(rules) > RULES_MAX:
        add("auto_approval_rules", "rules_invalid", _("The rules must be a list of rules."))
        return problems
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict) or not isinstance(rule.get("logic"), dict):
            add(
                f"auto_approval_rules.{index}",
                "rule_invalid",
                _("A rule needs an id, an explanation and its logic."),
            )
            continue
        rule_id = str(rule.get("id") or "").strip()
        name = f"auto_approval_rules.{rule_id or index}"
        if not rule_id or len(rule_id) > RULE_ID_MAX_LENGTH or rule_id in seen:
            add(name, "rule_id_invalid", _("Give every rule its own short id."))
        seen.add(rule_id)
        explanation = str(rule.get("explanation") or "").strip()
        if not explanation or len(explanation) > EXPLANATION_MAX_LENGTH:
            add(name, "rule_explanation_required", _("Explain the rule in plain words."))
        unknown_operators = sorted(set(_operators(rule["logic"])) - OPERATORS)
        if unknown_operators:
            add(
                name,
                "rule_operator_unknown",
                _("Unknown operators: %s") % ", ".join(unknown_operators),
            )
        for variable in sorted(set(_variables(rule["logic"]))):
            kind, _dot, key = variable.partition(".")
            if kind == "answers" and key in field_keys:
                continue
            if kind == "facts" and rule_facts.get(key) is not None:
                continue
            add(
                name,
                "rule_fact_unknown",
                _(
                    "The rule refers to “%(name)s”, which is neither a field of the form nor "
                    "a known fact."
                )
                % {"name": variable},
            )
    return problems


def rules_digest(rules: Any) -> str:
    return hashlib.sha256(
        json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:16]


# --- evaluating a rule set (after submission) -------------------------------------------


class _Unknown(Exception):
    """A value the rule needs is missing or of the wrong kind: the rule does not pass."""


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator in ("==", "!="):
        equal = left == right
        if isinstance(left, (int, float)) and isinstance(right, str):
            equal = str(left) == right
        return equal if operator == "==" else not equal
    numbers = (int, float)
    if not (
        isinstance(left, numbers)
        and isinstance(right, numbers)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ):
        raise _Unknown()
    return {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[operator]


def _evaluate(logic: Any, lookup: Callable[[str], Any]) -> Any:
    if isinstance(logic, list):
        return [_evaluate(item, lookup) for item in logic]
    if not isinstance(logic, dict):
        return logic
    if len(logic) != 1:
        raise _Unknown()
    ((operator, argument),) = logic.items()
    if operator == "var":
        name = argument[0] if isinstance(argument, list) and argument else argument
        return lookup(str(name))
    arguments = argument if isinstance(argument, list) else [argument]
    if operator == "and":
        return all(bool(_evaluate(item, lookup)) for item in arguments)
    if operator == "or":
        return any(bool(_evaluate(item, lookup)) for item in arguments)
    if operator == "!":
        value = _evaluate(arguments[0], lookup)
        # "Not X" of an absent answer or fact is unknown, never a pass: a missing record must
        # not approve anything by itself.
        if value is None:
            raise _Unknown()
        return not bool(value)
    values = [_evaluate(item, lookup) for item in arguments]
    if len(values) != 2:
        raise _Unknown()
    if operator == "in":
        needle, haystack = values
        if isinstance(haystack, str) and isinstance(needle, str):
            return needle in haystack
        if isinstance(haystack, list):
            return needle in haystack
        raise _Unknown()
    if operator in ("==", "!=", "<", "<=", ">", ">="):
        if values[0] is None or values[1] is None:
            raise _Unknown()
        return _compare(operator, values[0], values[1])
    raise _Unknown()


@dataclass(frozen=True)
class RuleResult:
    id: str
    explanation: str
    passed: bool
    # The variables the rule read (names only: the values may be personal data).
    uses: tuple[str, ...]
    checkable: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "explanation": self.explanation,
            "passed": self.passed,
            "uses": list(self.uses),
            "checkable": self.checkable,
        }


@dataclass(frozen=True)
class RulesOutcome:
    results: tuple[RuleResult, ...]
    digest: str

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(result.passed for result in self.results)

    def failed(self) -> list[RuleResult]:
        return [result for result in self.results if not result.passed]


def rules_evaluate(
    *, rules: list[Mapping[str, Any]], answers: Mapping[str, Any], subject: FactSubject
) -> RulesOutcome:
    """Evaluates every rule (never stopping at the first failure, so staff see them all)."""
    reader = FactReader(subject=subject)

    def lookup(name: str) -> Any:
        kind, _dot, key = name.partition(".")
        if kind == "answers":
            value = answers.get(key)
            return None if value in ("", None) else value
        if kind == "facts":
            fact = rule_facts.get(key)
            if fact is None:
                raise _Unknown()
            return fact.read(reader)
        raise _Unknown()

    results = []
    for rule in rules:
        uses = tuple(sorted(set(_variables(rule.get("logic")))))
        try:
            passed = bool(_evaluate(rule.get("logic"), lookup))
            checkable = True
        except (_Unknown, TypeError, KeyError, IndexError):
            passed, checkable = False, False
        results.append(
            RuleResult(
                id=str(rule.get("id", "")),
                explanation=str(rule.get("explanation", "")),
                passed=passed,
                uses=uses,
                checkable=checkable,
            )
        )
    return RulesOutcome(results=tuple(results), digest=rules_digest(rules))
