"""What the audit log holds about a person: what they did and every read of their data."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext_lazy as _

from tongban.audit.constants import AuditEventKind
from tongban.audit.models import AuditEvent
from tongban.core.personal_data import PersonalDataRecord

_EXPORT_LIMIT = 1000


class AuditData:
    key = "audit"

    def records(self, *, person_id: uuid.UUID) -> list[PersonalDataRecord]:
        events = list(
            AuditEvent.objects.filter(actor_id=person_id).order_by("-occurred_at")[:_EXPORT_LIMIT]
        )
        reads = list(
            AuditEvent.objects.filter(
                subject_id=person_id, kind=AuditEventKind.PERSONAL_DATA_READ
            ).order_by("-occurred_at")[:_EXPORT_LIMIT]
        )
        records = []
        if events:
            records.append(
                PersonalDataRecord(
                    category=_("Activity log"),
                    description=_(
                        "What you did on the platform (kept at least six months by law)."
                    ),
                    count=len(events),
                    source=_("Recorded by the platform"),
                    export={
                        "events": [
                            {
                                "kind": event.kind,
                                "occurred_at": event.occurred_at.isoformat(),
                                "object_type": event.object_type,
                                "on_behalf_of": str(event.on_behalf_of_id or ""),
                            }
                            for event in events
                        ]
                    },
                )
            )
        if reads:
            records.append(
                PersonalDataRecord(
                    category=_("Reads of your data"),
                    description=_("Who read your personal data and why."),
                    count=len(reads),
                    source=_("Recorded by the platform"),
                    export={
                        "reads": [
                            {
                                "occurred_at": read.occurred_at.isoformat(),
                                "purpose": read.purpose,
                                "fields": read.fields,
                            }
                            for read in reads
                        ]
                    },
                )
            )
        return records
