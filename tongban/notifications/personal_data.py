"""What the notifications app holds about a person, for "My data" and its export."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext_lazy as _

from tongban.core.personal_data import PersonalDataRecord
from tongban.notifications.models import ChannelPreference, PushSubscription, Recipient


class NotificationData:
    key = "notifications"

    def records(self, *, person_id: uuid.UUID) -> list[PersonalDataRecord]:
        records = []
        entries = list(
            Recipient.objects.filter(user_id=person_id, in_inbox=True)
            .select_related("notification")
            .order_by("-created_at")[:1000]
        )
        if entries:
            records.append(
                PersonalDataRecord(
                    category=_("Messages"),
                    description=_("Messages in your inbox."),
                    count=len(entries),
                    source=_("Sent to you by the departments and the platform"),
                    export={
                        "messages": [
                            {
                                "event": entry.notification.event_code,
                                "content": entry.notification.content,
                                "created_at": entry.created_at.isoformat(),
                                "read": entry.read_at is not None,
                            }
                            for entry in entries
                        ]
                    },
                )
            )
        preferences = list(ChannelPreference.objects.filter(user_id=person_id))
        if preferences:
            records.append(
                PersonalDataRecord(
                    category=_("Notification settings"),
                    description=_("Which channels each kind of message uses."),
                    count=len(preferences),
                    source=_("You, in your notification settings"),
                    export={
                        "preferences": [
                            {"category": p.category, "channel": p.channel, "enabled": p.enabled}
                            for p in preferences
                        ]
                    },
                )
            )
        devices = list(PushSubscription.objects.filter(user_id=person_id))
        if devices:
            records.append(
                PersonalDataRecord(
                    category=_("Devices"),
                    description=_("Devices that receive push notifications."),
                    count=len(devices),
                    source=_("Your browser, when you allowed notifications"),
                    export={
                        "devices": [
                            {"device": d.device_label, "added": d.created_at.isoformat()}
                            for d in devices
                        ]
                    },
                )
            )
        return records
