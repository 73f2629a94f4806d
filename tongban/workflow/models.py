"""Process definitions, running instances and the human tasks of their inboxes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.models import BaseModel
from tongban.organization.models import Department
from tongban.workflow.constants import InstanceStatus, TaskStatus


class ProcessDefinition(BaseModel):
    """A validated BPMN file; immutable once stored (a change is a new version)."""

    key = models.SlugField(_("key"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    process_id = models.CharField(_("BPMN process id"), max_length=200)
    bpmn = models.TextField(_("BPMN 2.0 XML"))
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="workflow_processdefinition_key_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class ProcessInstance(BaseModel):
    """One run of a definition for something an upper app names (e.g. a case), in a region.

    ``subject_type``/``subject_id`` are plain strings, not a foreign key: the engine knows
    nothing of what it approves (DESIGN.md §4).
    """

    definition = models.ForeignKey(
        ProcessDefinition,
        on_delete=models.PROTECT,
        related_name="instances",
        verbose_name=_("definition"),
    )
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=9)
    status = models.CharField(
        _("status"), max_length=16, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING
    )
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)
    # Text, not JSON: PostgreSQL's jsonb reorders keys, and the engine's state depends on the
    # order of its task map (which branch's data a join passes on).
    state = models.TextField(_("engine state"), default="{}")
    # The earliest moment a waiting timer is due: the deadline job loads only these instances.
    next_timer_at = models.DateTimeField(_("next timer at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="workflow_instance_subject"),
            models.Index(
                fields=["next_timer_at"],
                condition=models.Q(status="running", next_timer_at__isnull=False),
                name="workflow_instance_timer_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=InstanceStatus.values),
                name="workflow_processinstance_status",
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} {self.subject_type}:{self.subject_id}"


class HumanTask(BaseModel):
    """A user task waiting for (or done by) a department and role: one inbox row."""

    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("instance")
    )
    engine_task_id = models.UUIDField(_("engine task id"), unique=True)
    element_id = models.CharField(_("BPMN element id"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="workflow_tasks",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    due_soon_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["department", "role", "created_at", "id"],
                condition=models.Q(status__in=["open", "claimed"]),
                name="workflow_task_inbox",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(status__in=["open", "claimed"], due_at__isnull=False),
                name="workflow_task_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=TaskStatus.values), name="workflow_humantask_status"
            )
        ]

    def __str__(self) -> str:
        return self.name
