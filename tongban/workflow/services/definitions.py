"""Storing and validating process definitions."""

from __future__ import annotations

import logging
import re
import uuid

from django.db import transaction

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError
from tongban.organization.constants import StaffRole
from tongban.organization.models import DepartmentType
from tongban.workflow.callbacks import (
    service_handlers,
)
from tongban.workflow.constants import (
    TaskOutcome,
)
from tongban.workflow.engine.definitions import (
    Definition,
    Problem,
    bpmn_digest,
    definition_check,
    definition_parse_cached,
)
from tongban.workflow.exceptions import (
    InvalidProcessDefinition,
)
from tongban.workflow.models import ProcessDefinition

logger = logging.getLogger(__name__)

DATA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def workflow_validate_definition(*, bpmn: bytes | str) -> list[Problem]:
    """Every problem of a BPMN file, empty when the engine can run it.

    Malformed or hostile XML (DTDs, entities), unsupported elements, scripts, expressions
    outside the restricted grammar, service tasks naming no registered handler, user tasks
    without a department type and role, and lanes or tasks naming an unknown department type
    or role. For the catalog, before it publishes a service version.
    """
    _, problems = _definition_check(bpmn)
    return problems


def _definition_check(bpmn: bytes | str) -> tuple[Definition | None, list[Problem]]:
    data = bpmn.encode() if isinstance(bpmn, str) else bpmn
    return definition_check(
        data,
        known_handlers=set(service_handlers.keys()),
        known_department_types=set(DepartmentType.objects.values_list("code", flat=True)),
        known_roles=set(StaffRole.values),
        known_outcomes=set(TaskOutcome.values),
    )


@transaction.atomic
def process_definition_register(
    *, key: str, bpmn: bytes | str, actor_id: uuid.UUID | None = None
) -> ProcessDefinition:
    """Stores a validated definition as the next version of ``key`` (the same file: no-op)."""
    definition, problems = _definition_check(bpmn)
    if definition is None:
        raise InvalidProcessDefinition(
            errors={
                problem.element_id or "bpmn": [FieldError(problem.code, problem.message)]
                for problem in problems
            }
        )
    text = bpmn.decode() if isinstance(bpmn, bytes) else bpmn
    digest = bpmn_digest(text.encode())
    latest = (
        ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()
    )
    if latest is not None and latest.digest == digest:
        return latest
    stored = ProcessDefinition.objects.create(
        key=key,
        version=(latest.version + 1) if latest else 1,
        name=definition.name[:200],
        process_id=definition.process_id,
        bpmn=text,
        digest=digest,
    )
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor_id,
        object_type="workflow.processdefinition",
        object_id=str(stored.pk),
        summary={"key": key, "version": stored.version},
    )
    return stored


def definition_of(stored: ProcessDefinition) -> Definition:
    return definition_parse_cached(stored.bpmn.encode(), stored.digest)
