"""Writes to the audit log: recording events, sealing them into the chain, purging old ones.

See ``tongban.audit.models`` for why the log is built this way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from tongban.audit.constants import GENESIS_HASH, RETENTION_MINIMUM_DAYS, AuditEventKind
from tongban.audit.models import AuditChainAnchor, AuditEvent
from tongban.core.encryption import keyring
from tongban.core.logging import current_request_id

# Keys whose values never enter the log, at any depth of a summary.
_SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "otp",
    "api_key",
    "private_key",
    "authorization",
    "cookie",
    "session",
    "credential",
)
REDACTED = "[redacted]"
# A summary says what changed, not the whole object: keeps rows small and content minimal.
SUMMARY_MAX_CHARS = 8000
# One advisory lock key for the sealer and the purge (PostgreSQL): "tongban audit chain".
_CHAIN_LOCK_KEY = 0x7406BA11


def _redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            str(key): REDACTED
            if any(part in str(key).lower() for part in _SECRET_KEY_PARTS)
            else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


def _normalize_ip(value: str | None) -> str | None:
    if not value:
        return None
    return str(ipaddress.ip_address(value.strip()))


def subject_key_of(identifier: str) -> str:
    """The key under which events about a resident ID number or credit code are found.

    A blind index (HMAC), so the log can be searched for a person without storing the number.
    """
    normalized = "".join(identifier.split()).upper()
    return keyring().blind_index(normalized, context="audit.subject")


def audit_event_record(
    *,
    kind: str,
    actor_id: uuid.UUID | None,
    on_behalf_of_id: uuid.UUID | None = None,
    on_behalf_of_kind: str = "",
    subject_id: uuid.UUID | None = None,
    subject_key: str = "",
    object_type: str = "",
    object_id: str = "",
    purpose: str = "",
    fields: Sequence[str] = (),
    summary: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Appends one event. A plain insert in the caller's transaction, on purpose.

    The event commits or rolls back with the change it describes, and writing it waits on
    nothing: sealing happens later (``audit_events_seal``). Values under secret-looking keys of
    ``summary`` are replaced by ``[redacted]``; the request id defaults to the current one.
    ``on_behalf_of_id`` and ``on_behalf_of_kind`` (``person`` or ``enterprise``) name the party
    the actor represented (DESIGN.md §1: agents and family members act for others).
    Raises ``ValueError`` for a kind that is not an ``AuditEventKind``, a malformed IP address
    or an oversized summary: those are programming errors, not user input.
    """
    if kind not in AuditEventKind.values:
        raise ValueError(f"unknown audit event kind {kind!r}")
    if (on_behalf_of_id is None) != (not on_behalf_of_kind):
        raise ValueError("on_behalf_of_id and on_behalf_of_kind go together")
    clean_summary = _redact(dict(summary or {}))
    if len(json.dumps(clean_summary, ensure_ascii=False, default=str)) > SUMMARY_MAX_CHARS:
        raise ValueError("an audit summary names what changed; this one is too long")
    return AuditEvent.objects.create(
        kind=kind,
        actor_id=actor_id,
        on_behalf_of_id=on_behalf_of_id,
        on_behalf_of_kind=on_behalf_of_kind[:16],
        subject_id=subject_id,
        subject_key=subject_key,
        object_type=object_type[:100],
        object_id=str(object_id)[:100],
        purpose=purpose[:500],
        fields=sorted(set(fields)),
        summary=json.loads(json.dumps(clean_summary, ensure_ascii=False, default=str)),
        ip_address=_normalize_ip(ip_address),
        request_id=(current_request_id() if request_id is None else request_id)[:64],
    )


def personal_data_read_record(
    *,
    reader_id: uuid.UUID | None,
    purpose: str,
    fields: Sequence[str],
    subject_id: uuid.UUID | None = None,
    subject_identifier: str = "",
    object_type: str = "",
    object_id: str = "",
    summary: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Records that ``reader_id`` read ``fields`` of someone's personal data for ``purpose``.

    Name the person by ``subject_id`` (an account) or ``subject_identifier`` (their resident
    ID number or a credit code; only its blind index is stored).
    """
    if not purpose.strip():
        raise ValueError("a read of personal data needs a purpose")
    if subject_id is None and not subject_identifier:
        raise ValueError("a read of personal data needs the person it is about")
    return audit_event_record(
        kind=AuditEventKind.PERSONAL_DATA_READ,
        actor_id=reader_id,
        subject_id=subject_id,
        subject_key=subject_key_of(subject_identifier) if subject_identifier else "",
        object_type=object_type,
        object_id=object_id,
        purpose=purpose.strip(),
        fields=fields,
        summary=summary,
        ip_address=ip_address,
    )


# --- sealing -----------------------------------------------------------------------------


def event_canonical(event: AuditEvent) -> str:
    """The event's content as the hash sees it: every column except the seal's own hashes."""
    occurred_at = event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "id": str(event.id),
        "sequence": event.seal_sequence,
        "occurred_at": occurred_at,
        "kind": event.kind,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "subject_id": str(event.subject_id) if event.subject_id else None,
        "subject_key": event.subject_key,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "fields": event.fields,
        "summary": event.summary,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
    }
    # Added with agents: only events that name a represented party carry the keys, so the
    # hashes of events sealed before the columns existed stay valid.
    if event.on_behalf_of_id is not None:
        content["on_behalf_of_id"] = str(event.on_behalf_of_id)
        content["on_behalf_of_kind"] = event.on_behalf_of_kind
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: AuditEvent, previous_hash: str) -> str:
    payload = previous_hash + "\n" + event_canonical(event)
    return hashlib.sha256(payload.encode()).hexdigest()


@contextmanager
def _chain_lock() -> Iterator[bool]:
    """Inside a transaction: whether this process may work on the chain now.

    On PostgreSQL a transaction-scoped advisory lock that is *tried*, never waited for: a
    second sealer just leaves the work to the first. Writers never take it. SQLite has one
    writer at a time already (IMMEDIATE transactions).
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        row = cursor.fetchone()
    yield bool(row and row[0])


def _chain_head() -> tuple[int, str]:
    head = (
        AuditEvent.objects.filter(seal_sequence__isnull=False)
        .order_by("-seal_sequence")
        .values_list("seal_sequence", "seal_hash")
        .first()
    )
    if head is not None and head[0] is not None and head[1] is not None:
        return head[0], head[1]
    anchor = AuditChainAnchor.objects.order_by("-sequence").values_list("sequence", "hash").first()
    if anchor is not None:
        return int(anchor[0]), str(anchor[1])
    return 0, GENESIS_HASH


def _seal_batch(batch_size: int) -> int:
    with transaction.atomic(), _chain_lock() as locked:
        if not locked:
            return 0
        pending = list(
            AuditEvent.objects.filter(seal_hash__isnull=True).order_by("occurred_at", "id")[
                :batch_size
            ]
        )
        if not pending:
            return 0
        sequence, previous_hash = _chain_head()
        now = timezone.now()
        for event in pending:
            sequence += 1
            event.seal_sequence = sequence
            event.seal_previous_hash = previous_hash
            event.seal_hash = event_hash(event, previous_hash)
            event.sealed_at = now
            previous_hash = event.seal_hash
        AuditEvent.objects.bulk_update(
            pending, ["seal_sequence", "seal_previous_hash", "seal_hash", "sealed_at"]
        )
        return len(pending)


def audit_events_seal(*, batch_size: int = 500) -> int:
    """Chains every committed, unsealed event; returns how many it sealed.

    One transaction per batch, so a long backlog never holds locks for long. Rows are read
    back from the database before hashing, so the hash covers exactly what was stored.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = 0
    while True:
        sealed = _seal_batch(batch_size)
        total += sealed
        if sealed < batch_size:
            return total


# --- retention ---------------------------------------------------------------------------


def audit_retention_days() -> int:
    """The configured retention; a setting below the legal minimum is refused, never used."""
    days = int(settings.AUDIT_RETENTION_DAYS)
    if days < RETENTION_MINIMUM_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS is {days}; audit events are kept at least "
            f"{RETENTION_MINIMUM_DAYS} days (six months, Cybersecurity Law Art. 21)."
        )
    return days


@dataclass(frozen=True)
class PurgeReport:
    cutoff: dt.datetime
    purged: int
    anchor_sequence: int | None


def _purge_permit() -> None:
    # The trigger allows DELETE only inside a transaction that says it is the purge.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('tongban.audit_purge', 'on', true)")


def _purge_batch(*, cutoff: dt.datetime, batch_size: int) -> tuple[int, int | None]:
    with transaction.atomic(), _chain_lock() as locked:
        if not locked:
            return 0, None
        sealed = AuditEvent.objects.filter(seal_sequence__isnull=False)
        first_kept = (
            sealed.filter(occurred_at__gte=cutoff)
            .order_by("seal_sequence")
            .values_list("seal_sequence", flat=True)
            .first()
        )
        # Only a prefix of the chain goes: a stray old row sealed after younger ones waits
        # until they expire too, so the remaining chain has no holes.
        candidates = sealed if first_kept is None else sealed.filter(seal_sequence__lt=first_kept)
        batch = list(
            candidates.order_by("seal_sequence").values_list("seal_sequence", "seal_hash")[
                :batch_size
            ]
        )
        if not batch:
            return 0, None
        last_sequence, last_hash = batch[-1]
        # Only sealed rows were selected, so neither is None.
        assert last_sequence is not None
        assert last_hash is not None
        AuditChainAnchor.objects.create(
            sequence=last_sequence, hash=last_hash, purged_count=len(batch), cutoff=cutoff
        )
        _purge_permit()
        deleted, _by_model = AuditEvent.objects.filter(
            seal_sequence__gte=batch[0][0], seal_sequence__lte=last_sequence
        ).delete()
        return deleted, last_sequence


def audit_events_purge(*, now: dt.datetime | None = None, batch_size: int = 5000) -> PurgeReport:
    """Deletes events older than the retention period, keeping the rest verifiable.

    Seals first, so every old event is in the chain before it goes. Each batch records an
    anchor (the last purged sequence and hash) in the same transaction as the delete.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cutoff = (now or timezone.now()) - dt.timedelta(days=audit_retention_days())
    audit_events_seal()
    purged = 0
    anchor_sequence = None
    while True:
        deleted, last_sequence = _purge_batch(cutoff=cutoff, batch_size=batch_size)
        if not deleted:
            break
        purged += deleted
        anchor_sequence = last_sequence
    return PurgeReport(cutoff=cutoff, purged=purged, anchor_sequence=anchor_sequence)
