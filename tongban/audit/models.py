"""The append-only audit log.

How the log stays append-only and tamper-evident without a global lock
=====================================================================

*Writing.* ``audit_event_record`` is a plain ``INSERT`` inside the caller's transaction. It
reads nothing and locks nothing, so writers never wait for each other, and an event commits
(or rolls back) together with the change it describes.

*Sealing.* A hash chain needs an order, but the order in which concurrent transactions commit
is unknown while they run. So the chain is not built by the writers: the sealing job
(``audit_events_seal``, every minute and on demand) takes the committed rows that have no seal
yet, in ``occurred_at`` order, and gives each the next ``seal_sequence``, the previous event's
hash and its own hash ``sha256(previous hash ‖ canonical JSON of the event)``. A row that
commits late (its transaction started earlier but ran long) is simply sealed in a later run
with a higher sequence: the chain order is the sealing order. Only the sealer touches the
chain head, and only one sealer runs at a time (a PostgreSQL advisory lock; SQLite has a
single writer anyway), so no writer's transaction ever holds it.

*Storing the seal.* The seal lives in four columns of the event row (``seal_sequence``,
``seal_previous_hash``, ``seal_hash``, ``sealed_at``), written exactly once from NULL. We chose
this over a separate append-only seal table because the rows still to be sealed are then found
through a tiny partial index (``WHERE seal_hash IS NULL``) instead of an anti-join over the
whole log, so a sealing run costs what it seals, not what the log holds.

*The PostgreSQL trigger* (migration ``0002``) enforces this at the database: an ``UPDATE`` is
allowed only when the row was unsealed, the new row is sealed, and every other column is
unchanged (compared as ``to_jsonb(row)`` minus the seal columns, so a column added later is
covered without touching the trigger); any other ``UPDATE`` and every ``DELETE`` are refused.
The one exception is the retention purge: inside a transaction that set
``tongban.audit_purge = 'on'`` (``SET LOCAL``), sealed rows older than the legal minimum of
184 days may be deleted — never younger ones, whatever the settings say. Anchors are
append-only without exception. ``TRUNCATE`` is left to database privileges (the test suite
flushes tables with it): production should not grant it to the application's role.

*Purging.* Rows past the retention period are deleted as a prefix of the chain, and before
each batch is deleted its last sequence and hash are written to ``AuditChainAnchor``. The
verifier starts from the newest anchor instead of the genesis hash, so the chain that remains
still verifies.

*What the chain proves.* ``manage.py audit_verify`` recomputes every link: an altered row, a
deleted row in the middle (a gap in the sequence) or a forged link is reported with the first
broken sequence. Cutting events off the newest end cannot be seen from inside the database;
``audit_verify`` prints the head hash so operators can record it elsewhere.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.audit.constants import AuditEventKind


class AuditEvent(models.Model):
    """One thing that happened: who acted, for whom, what, on which object, and why.

    People are named by plain UUIDs, never foreign keys, so deleting or anonymising an account
    never touches the log. ``subject_key`` names subjects that have no account id here (a
    resident of the population registry, an enterprise) by a blind index of their identifier:
    the person can later be matched to it without the log storing the number.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=64, choices=AuditEventKind.choices)
    actor_id = models.UUIDField(
        _("actor"), null=True, blank=True, help_text=_("Empty when the platform itself acted.")
    )
    # The party the actor acted for: a person who authorised them (亲属代办) or an enterprise
    # whose agent (经办人) they are. Empty when the actor acted for themselves.
    on_behalf_of_id = models.UUIDField(_("on behalf of"), null=True, blank=True)
    on_behalf_of_kind = models.CharField(
        _("on behalf of (kind)"), max_length=16, blank=True, help_text=_("person or enterprise")
    )
    subject_id = models.UUIDField(_("subject"), null=True, blank=True)
    subject_key = models.CharField(_("subject key"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    seal_sequence = models.BigIntegerField(_("seal sequence"), null=True, blank=True, unique=True)
    seal_previous_hash = models.CharField(_("previous hash"), max_length=64, null=True, blank=True)
    seal_hash = models.CharField(_("hash"), max_length=64, null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["subject_id", "occurred_at"], name="audit_event_subject"),
            models.Index(fields=["subject_key", "occurred_at"], name="audit_event_subject_key"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_event_actor"),
            models.Index(
                fields=["on_behalf_of_id", "occurred_at"],
                name="audit_event_on_behalf_of",
                condition=models.Q(on_behalf_of_id__isnull=False),
            ),
            models.Index(fields=["occurred_at"], name="audit_event_occurred"),
            # The sealer's work queue: stays as small as the rows not yet sealed.
            models.Index(
                fields=["occurred_at", "id"],
                name="audit_event_unsealed",
                condition=models.Q(seal_hash__isnull=True),
            ),
        ]
        constraints = [
            # A seal is all four columns or none.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        seal_sequence__isnull=True,
                        seal_previous_hash__isnull=True,
                        seal_hash__isnull=True,
                        sealed_at__isnull=True,
                    )
                    | models.Q(
                        seal_sequence__isnull=False,
                        seal_previous_hash__isnull=False,
                        seal_hash__isnull=False,
                        sealed_at__isnull=False,
                    )
                ),
                name="audit_event_seal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_type} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_sealed(self) -> bool:
        return self.seal_hash is not None


class AuditChainAnchor(models.Model):
    """Where the chain continues after a purge: the last purged sequence and its hash."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sequence = models.BigIntegerField(_("last purged sequence"), unique=True)
    hash = models.CharField(_("hash of the last purged event"), max_length=64)
    purged_count = models.PositiveIntegerField(_("events purged"))
    cutoff = models.DateTimeField(_("purged events older than"))

    class Meta:
        verbose_name = _("audit chain anchor")
        verbose_name_plural = _("audit chain anchors")
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}…"
