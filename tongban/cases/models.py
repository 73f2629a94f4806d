"""Applications (办件): the case, its materials, its timeline, and what they need around them.

The case keeps its own status, due dates and citizen-visible timeline, so "my case" is a few
indexed reads and never a tour of the approval engine (DESIGN.md §6); the engine's instance
is only referenced.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Enterprise
from tongban.cases.constants import (
    ApplicantKind,
    AutomaticStepStatus,
    CaseChannel,
    CaseEventKind,
    CaseStatus,
    ClockKind,
    CorrectionStatus,
    DecisionKind,
    DeliveryStatus,
    EscalationLevel,
    ExtensionStatus,
    IdentityCheckMethod,
    MaterialSource,
    NoticeKind,
    PauseKind,
    SupplementationStatus,
)
from tongban.catalog.constants import Delivery
from tongban.catalog.models import Bundle, Material, ServiceItem, ServiceVersion
from tongban.core.fields import EncryptedTextField
from tongban.core.models import BaseModel
from tongban.organization.models import Department, Region, ServiceHall, Window
from tongban.workflow.models import ProcessInstance


class CommitmentText(BaseModel):
    """A version of the credit commitment (信用承诺) text; a case stores the version confirmed."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("credit commitment text")
        verbose_name_plural = _("credit commitment texts")

    def __str__(self) -> str:
        return f"v{self.version}"


class Case(BaseModel):
    """One application for one published service version, from draft to decision."""

    number = models.CharField(
        _("case number"), max_length=40, blank=True, help_text=_("Given on submission.")
    )
    service_item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    # Pinned: the form, materials, periods and process the applicant saw, even after a new
    # version of the service is published.
    service_version = models.ForeignKey(
        ServiceVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service version"),
    )
    status = models.CharField(
        _("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=CaseChannel.choices, default=CaseChannel.ONLINE
    )
    # A case of a parallel review (串联改并联) or of a bundle points at the case it belongs to.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    # The parent case of a life-event bundle (一件事一次办) names its bundle; its children
    # name the parent.
    bundle = models.ForeignKey(
        Bundle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("life-event bundle"),
    )
    # --- who applies -----------------------------------------------------------------------
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=16, choices=ApplicantKind.choices
    )
    # The person the case is about (themselves, or the person who authorised the filer);
    # empty for an enterprise's case.
    applicant_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_as_applicant",
        verbose_name=_("applicant (person)"),
    )
    applicant_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("applicant (enterprise)"),
    )
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    # Who filled it in: the applicant, an agent or family member, or a counter clerk.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_filed",
        verbose_name=_("filed by"),
    )
    grant_id = models.UUIDField(_("agent grant"), null=True, blank=True)
    # --- the form ----------------------------------------------------------------------------
    # The answers hold personal data: encrypted at rest, as JSON text.
    answers_text = EncryptedTextField(_("answers"), blank=True, default="")
    # Per prefilled key: {"source": key, "label": shown source, "editable": bool, "value": ...}
    # of the value offered, so the review page and the burden figures know what was prefilled.
    prefill = models.JSONField(_("prefilled values"), default=dict, blank=True)
    current_step = models.CharField(_("current step"), max_length=100, blank=True)
    commitment = models.ForeignKey(
        CommitmentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit commitment confirmed"),
    )
    committed_at = models.DateTimeField(_("commitment confirmed at"), null=True, blank=True)
    # --- burden figures (DESIGN.md §2: once only), kept current on every save of the draft --
    fields_prefilled = models.PositiveSmallIntegerField(_("fields prefilled"), default=0)
    fields_typed = models.PositiveSmallIntegerField(_("fields to type"), default=0)
    materials_by_certificate = models.PositiveSmallIntegerField(
        _("materials satisfied by held documents"), default=0
    )
    materials_uploaded = models.PositiveSmallIntegerField(_("materials uploaded"), default=0)
    # Trips and paper (最多跑一次, 减材料): the trips in person the case needed, and the pages
    # not printed: uploaded instead, or replaced by a document the government already holds.
    trips_in_person = models.PositiveSmallIntegerField(_("trips in person"), default=0)
    pages_uploaded = models.PositiveIntegerField(_("pages uploaded instead of printed"), default=0)
    pages_reused = models.PositiveIntegerField(_("pages of held documents reused"), default=0)
    # --- where and by whom -------------------------------------------------------------------
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    handling_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("handling department"),
    )
    process_instance = models.ForeignKey(
        ProcessInstance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("process"),
    )
    # --- the two clocks (DESIGN.md §2), dates in Asia/Shanghai -------------------------------
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    # Supplementation (补正) stops the clock: while paused, ``paused_since`` is set; resumed
    # working days are added to the due date.
    paused_since = models.DateField(_("clock paused since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_kind = models.CharField(
        _("decision"), max_length=16, choices=DecisionKind.choices, blank=True
    )
    decision_reason = models.TextField(_("reasons"), blank=True)
    decision_legal_basis = models.TextField(_("legal basis"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Instant approval (秒批): the version's rules as evaluated after submission —
    # {"rule_set": {"service_version": n, "digest": ...}, "passed": bool, "evaluated_at": ...,
    #  "results": [{"id", "explanation", "passed", "uses", "checkable"}]}; empty when the
    # version has no rules.
    rules_outcome = models.JSONField(_("instant approval rules"), default=dict, blank=True)
    decided_automatically = models.BooleanField(_("decided by rules"), default=False)
    # --- what follows a decision --------------------------------------------------------------
    certificate_status = models.CharField(
        _("certificate issuing"),
        max_length=16,
        choices=AutomaticStepStatus.choices,
        default=AutomaticStepStatus.NONE,
        blank=True,
    )
    certificate_id = models.UUIDField(_("certificate issued"), null=True, blank=True)
    certificate_attempts = models.PositiveSmallIntegerField(_("issuing attempts"), default=0)
    # The draft-expiry job's reminder; a draft changed after it gets another one.
    draft_reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # "My applications", newest first, with a keyset cursor on (created_at, id).
            models.Index(fields=["applicant_person", "-created_at", "-id"], name="cases_person"),
            models.Index(
                fields=["applicant_enterprise", "-created_at", "-id"], name="cases_enterprise"
            ),
            models.Index(fields=["filed_by", "-created_at", "-id"], name="cases_filed_by"),
            # The periodic deemed-acceptance job and the supervisors' lists.
            models.Index(fields=["status", "acceptance_due"], name="cases_acceptance_due"),
            models.Index(fields=["handling_department", "status"], name="cases_department"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="cases_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="cases_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(applicant_kind=ApplicantKind.PERSON, applicant_person__isnull=False)
                    | models.Q(
                        applicant_kind=ApplicantKind.ENTERPRISE,
                        applicant_enterprise__isnull=False,
                    )
                ),
                name="cases_applicant_present",
            ),
            models.CheckConstraint(
                condition=models.Q(status=CaseStatus.DRAFT) | ~models.Q(number=""),
                name="cases_number_once_submitted",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft %(id)s") % {"id": str(self.pk)[:8]})

    @property
    def answers(self) -> dict[str, Any]:
        if not self.answers_text:
            return {}
        loaded = json.loads(self.answers_text)
        return loaded if isinstance(loaded, dict) else {}

    @answers.setter
    def answers(self, value: dict[str, Any]) -> None:
        self.answers_text = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""

    @property
    def is_draft(self) -> bool:
        return self.status == CaseStatus.DRAFT


def _material_path(instance: CaseMaterial, filename: str) -> str:
    # A random name: nothing about the applicant or the original file name in the path.
    return f"cases/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class CaseMaterial(BaseModel):
    """One material of a case: an uploaded file, or a document the government already holds."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="materials", verbose_name=_("case")
    )
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="+", verbose_name=_("material")
    )
    source = models.CharField(_("source"), max_length=16, choices=MaterialSource.choices)
    file = models.FileField(_("file"), upload_to=_material_path, blank=True, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # For a held document: which satisfier and which document (a certificate id).
    satisfier = models.CharField(_("satisfied by"), max_length=64, blank=True)
    reference = models.CharField(_("document reference"), max_length=200, blank=True)
    label = models.CharField(_("label"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        indexes = [models.Index(fields=["case", "material"], name="cases_material_case")]

    def __str__(self) -> str:
        return self.original_name or self.label or str(self.material)


class CaseEvent(models.Model):
    """One entry of a case's timeline, append-only; internal ones are not shown to the applicant."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CaseEventKind.choices)
    at = models.DateTimeField(_("at"))
    actor_id = models.UUIDField(_("actor"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    visible_to_applicant = models.BooleanField(_("shown to the applicant"), default=True)
    # Words shown with the entry (the reasons of a refusal, the deemed-acceptance note).
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at", "id"], name="cases_event_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseNumberSequence(models.Model):
    """The last case number given in one region on one day.

    One small row to lock per region and day, so submissions in different regions or on
    different days never wait on each other (no global numbering lock).
    """

    id = models.BigAutoField(primary_key=True)
    region_code = models.CharField(_("region code"), max_length=12)
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="cases_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}: {self.last}"


class SubmissionKey(models.Model):
    """An ``Idempotency-Key`` used to submit: the same key returns the same case."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=200)
    request_digest = models.CharField(_("request digest"), max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="submission_keys")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="cases_submission_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class CorrectionRequest(BaseModel):
    """An applicant flagged a prefilled value as wrong; the source department answers."""

    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("case"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="correction_requests",
        verbose_name=_("requested by"),
    )
    field_key = models.CharField(_("field"), max_length=64)
    field_label = models.CharField(_("field label"), max_length=200)
    source = models.CharField(_("source"), max_length=64)
    source_label = models.CharField(_("source label"), max_length=200)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source department"),
    )
    value_shown = EncryptedTextField(_("value shown"), blank=True, default="")
    value_claimed = EncryptedTextField(_("correct value according to the applicant"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.OPEN,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="cases_correction_user"),
            models.Index(fields=["department", "status"], name="cases_correction_department"),
        ]

    def __str__(self) -> str:
        return f"{self.field_label} ({self.get_status_display()})"


class DepartmentSeal(BaseModel):
    """The image of a department's special seal (专用章) printed on its notices.

    The demo draws one per department (a red ring, a star and the department's name); it is
    a picture for the demo, not a real seal.
    """

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    image = models.BinaryField(_("seal image (PNG)"))

    class Meta:
        verbose_name = _("department seal")
        verbose_name_plural = _("department seals")

    def __str__(self) -> str:
        return str(self.department)


def _notice_path(instance: CaseNotice, filename: str) -> str:
    return f"notices/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.pdf"


class CaseNotice(BaseModel):
    """A statutory notice a department issued on a case, as the PDF the applicant received."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notices", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    number = models.CharField(_("document number"), max_length=80, unique=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    reasons = models.TextField(_("reasons"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    file = models.FileField(_("PDF"), upload_to=_notice_path, max_length=200)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            # A case may be sent back for supplementation more than once; every other notice
            # is issued once.
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=~models.Q(kind=NoticeKind.SUPPLEMENTATION),
                name="cases_notice_once_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.number


# --- the deadline clock ----------------------------------------------------------------------


class CaseClock(BaseModel):
    """A working-day period someone must keep on a case: the case's acceptance or decision
    period, or one task (a branch of a parallel review has its own, in its own department).

    ``due_on`` is ``starts_on`` plus ``period_days + extension_days + paused_days`` working
    days (core calendar). A task clock without its own period follows the case's running
    clock (``follows_case``) and is kept equal to it. Paused time never counts: while
    ``paused_since`` is set the clock stands still, and on resuming the working days it stood
    are added to ``paused_days``.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ClockKind.choices)
    # The workflow task (``workflow.HumanTask``) a task clock measures.
    task_id = models.UUIDField(_("task"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    follows_case = models.BooleanField(_("follows the case's period"), default=False)
    starts_on = models.DateField(_("starts on"))
    period_days = models.PositiveSmallIntegerField(_("period in working days"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("extension in working days"), default=0)
    paused_days = models.PositiveIntegerField(_("working days paused"), default=0)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    provisional = models.BooleanField(_("due date provisional"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    on_time = models.BooleanField(_("kept"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            # The escalation job and the supervisors' lists: open clocks by due date.
            models.Index(
                fields=["due_on"],
                condition=models.Q(closed_on__isnull=True),
                name="cases_clock_open_due",
            ),
            models.Index(fields=["department", "closed_on"], name="cases_clock_department"),
            models.Index(fields=["case", "closed_on"], name="cases_clock_case"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(task_id__isnull=True),
                name="cases_clock_once_per_case_kind",
            ),
            models.UniqueConstraint(
                fields=["task_id"],
                condition=models.Q(task_id__isnull=False),
                name="cases_clock_once_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ClockPause(BaseModel):
    """A time the case's clocks stood still: supplementation, or a formal suspension."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PauseKind.choices)
    reason = models.TextField(_("reason"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("working days not counted"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_on__isnull=True),
                name="cases_pause_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.started_on}"


class ClockExtension(BaseModel):
    """The one extension of a case's decision period: requested with a reason, approved by a
    supervisor of the department who is not the requester."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("case")
    )
    clock = models.ForeignKey(
        CaseClock, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("clock")
    )
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            # One extension: a refused request may be followed by another, never a second
            # pending or approved one.
            models.UniqueConstraint(
                fields=["clock"],
                condition=~models.Q(status=ExtensionStatus.REFUSED),
                name="cases_extension_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class Supplementation(BaseModel):
    """A request to supplement (补正): every missing or faulty item at once, with reasons.

    ``items`` is a list of ``{"kind": "field" | "material", "key": field key or material id,
    "label": shown name, "reason": why}``; the applicant may change only those.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="supplementations", verbose_name=_("case")
    )
    task_id = models.UUIDField(_("task"), null=True, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    items = models.JSONField(_("items"), default=list)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SupplementationStatus.choices,
        default=SupplementationStatus.OPEN,
    )
    # The status the case returns to when supplemented (submitted or accepted).
    resume_status = models.CharField(_("status after"), max_length=32, choices=CaseStatus.choices)
    notice = models.ForeignKey(
        CaseNotice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice"),
    )
    answered_at = models.DateTimeField(_("supplemented at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supplementation request")
        verbose_name_plural = _("supplementation requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status=SupplementationStatus.OPEN),
                name="cases_supplementation_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ({self.get_status_display()})"

    def field_keys(self) -> list[str]:
        return [str(i["key"]) for i in self.items if i.get("kind") == "field"]

    def material_ids(self) -> list[str]:
        return [str(i["key"]) for i in self.items if i.get("kind") == "material"]


class CaseUrge(models.Model):
    """An urge (催办): from the applicant (once per working day) or from a supervisor."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="urges", verbose_name=_("case")
    )
    clock = models.ForeignKey(
        CaseClock,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clock"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    urged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("urged by"),
    )
    by_supervisor = models.BooleanField(_("by a supervisor"), default=False)
    # The working day the urge counts for (a weekend urge counts for the next working day).
    working_day = models.DateField(_("working day"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        indexes = [models.Index(fields=["department", "-at"], name="cases_urge_department")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "working_day"],
                condition=models.Q(by_supervisor=False),
                name="cases_urge_once_per_working_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.working_day}"


class CounterIntake(BaseModel):
    """How a case started at a counter (一窗受理): who received it, where, and the identity
    check."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="counter_intake", verbose_name=_("case")
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("clerk"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("window"),
    )
    identity_method = models.CharField(
        _("identity checked by"), max_length=32, choices=IdentityCheckMethod.choices
    )
    # The number on the card the clerk checked: personal data, encrypted at rest.
    identity_number = EncryptedTextField(_("ID number checked"))
    identity_checked_at = models.DateTimeField(_("identity checked at"))
    raised_to_l3 = models.BooleanField(_("real name raised to L3"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("counter intake")
        verbose_name_plural = _("counter intakes")

    def __str__(self) -> str:
        return str(self.case)


class CaseDelivery(BaseModel):
    """How the result of a case reaches the applicant: wallet, post or pickup at a hall."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="delivery", verbose_name=_("case")
    )
    method = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    status = models.CharField(
        _("delivery status"),
        max_length=32,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.WAITING,
    )
    # By post: personal data, encrypted at rest, masked on screen.
    recipient_name = EncryptedTextField(_("recipient"), blank=True, default="")
    address = EncryptedTextField(_("postal address"), blank=True, default="")
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    hall = models.ForeignKey(
        ServiceHall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pickup hall"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last updated by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["method", "status"], name="cases_delivery_status")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.method}"
