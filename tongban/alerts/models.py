"""Emergency alerts shaped like OASIS CAP 1.2 (one ``info`` block in the alert's language).

An alert is drafted by one member of staff and approved by a second (four eyes); once sent it
is never edited: an update or a cancellation is a new alert whose ``references`` names the one
it replaces, as CAP's ``msgType``/``references`` do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.alerts.constants import (
    CAP_SENDER_SUFFIX,
    AlertState,
    CapCategory,
    CapStatus,
    Certainty,
    MessageType,
    Scope,
    Severity,
    Urgency,
)
from tongban.core.models import BaseModel
from tongban.notifications.models import Notification
from tongban.organization.models import Department, Region


class Alert(BaseModel):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=AlertState.choices, default=AlertState.DRAFT
    )
    # --- CAP <alert> ---
    sender = models.CharField(_("sender"), max_length=200)
    sent = models.DateTimeField(_("sent"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CapStatus.choices, default=CapStatus.ACTUAL
    )
    msg_type = models.CharField(
        _("message type"), max_length=16, choices=MessageType.choices, default=MessageType.ALERT
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.PUBLIC)
    references = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("references"),
        help_text=_("The alert this update or cancellation replaces."),
    )
    # --- CAP <info> ---
    language = models.CharField(_("language"), max_length=16, default="zh-CN")
    category = models.CharField(_("category"), max_length=16, choices=CapCategory.choices)
    event = models.CharField(_("event"), max_length=100)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices)
    headline = models.CharField(_("headline"), max_length=160)
    description = models.TextField(_("description"))
    instruction = models.TextField(_("instruction"), blank=True)
    expires = models.DateTimeField(_("expires"))
    # --- CAP <area>: the regions by their administrative codes (GB/T 2260 geocodes) ---
    areas = models.ManyToManyField(Region, related_name="+", verbose_name=_("areas"))
    # --- four eyes ---
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fan_out_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("emergency alert")
        verbose_name_plural = _("emergency alerts")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "-sent"], name="alerts_state_sent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=AlertState.values), name="alerts_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(msg_type=MessageType.ALERT, references__isnull=True)
                | (~models.Q(msg_type=MessageType.ALERT) & models.Q(references__isnull=False)),
                name="alerts_references_iff_update",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def identifier(self) -> str:
        """CAP identifier: unique for the sender, no spaces, commas or restricted characters."""
        return f"tongban-alert-{self.id}"

    @staticmethod
    def sender_for(department: Department) -> str:
        return f"{department.code}@{CAP_SENDER_SUFFIX}"

    def is_active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return (
            self.state == AlertState.SENT
            and self.msg_type != MessageType.CANCEL
            and self.expires > moment  # type: ignore[operator]
        )
