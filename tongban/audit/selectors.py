"""Reads of the audit log: verifying the chain, and events about one person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tongban.audit.constants import GENESIS_HASH, AuditEventKind, ChainBreakReason
from tongban.audit.models import AuditChainAnchor, AuditEvent
from tongban.audit.services import event_hash, subject_key_of


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    event_id: uuid.UUID | None
    reason: ChainBreakReason


@dataclass(frozen=True)
class ChainReport:
    checked: int
    unsealed: int
    start_sequence: int
    head_sequence: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def audit_chain_verify(*, batch_size: int = 1000) -> ChainReport:
    """Recomputes every link of the chain, from the newest purge anchor (or the genesis hash).

    Stops at the first broken link: a gap in the sequence (an event was deleted), a wrong
    previous hash (a link was forged) or a hash that does not match the content (an event was
    altered). Reads in keyset-paginated batches, so it runs in constant memory.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    anchor = AuditChainAnchor.objects.order_by("-sequence").first()
    start_sequence = anchor.sequence if anchor else 0
    expected_sequence = start_sequence + 1
    previous_hash = anchor.hash if anchor else GENESIS_HASH
    checked = 0
    first_break = None
    sealed = AuditEvent.objects.filter(seal_sequence__gt=start_sequence).order_by("seal_sequence")
    last_sequence = start_sequence
    while first_break is None:
        batch = list(sealed.filter(seal_sequence__gt=last_sequence)[:batch_size])
        if not batch:
            break
        for event in batch:
            assert event.seal_sequence is not None
            if event.seal_sequence != expected_sequence:
                first_break = ChainBreak(expected_sequence, None, ChainBreakReason.SEQUENCE_GAP)
                break
            if event.seal_previous_hash != previous_hash:
                first_break = ChainBreak(
                    event.seal_sequence, event.id, ChainBreakReason.PREVIOUS_HASH_MISMATCH
                )
                break
            if event_hash(event, previous_hash) != event.seal_hash:
                first_break = ChainBreak(
                    event.seal_sequence, event.id, ChainBreakReason.CONTENT_ALTERED
                )
                break
            checked += 1
            previous_hash = event.seal_hash
            expected_sequence += 1
        last_sequence = batch[-1].seal_sequence or last_sequence
    return ChainReport(
        checked=checked,
        unsealed=AuditEvent.objects.filter(seal_hash__isnull=True).count(),
        start_sequence=start_sequence,
        head_sequence=expected_sequence - 1,
        head_hash=previous_hash,
        first_break=first_break,
    )


def audit_events_about(
    *, subject_id: uuid.UUID | None = None, identifier: str = ""
) -> QuerySet[AuditEvent]:
    """Events about a person: by account id, by resident ID number (blind index), or both."""
    condition = Q(pk__in=[])
    if subject_id is not None:
        condition |= Q(subject_id=subject_id)
    if identifier:
        condition |= Q(subject_key=subject_key_of(identifier))
    return AuditEvent.objects.filter(condition).order_by("-occurred_at")


def personal_data_reads_about(
    *, subject_id: uuid.UUID | None = None, identifier: str = ""
) -> QuerySet[AuditEvent]:
    """Who read this person's data, which fields, for what purpose: newest first."""
    return audit_events_about(subject_id=subject_id, identifier=identifier).filter(
        kind=AuditEventKind.PERSONAL_DATA_READ
    )
