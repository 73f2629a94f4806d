import datetime as dt
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from tongban.audit.constants import GENESIS_HASH, AuditEventKind, ChainBreakReason
from tongban.audit.models import AuditChainAnchor, AuditEvent
from tongban.audit.selectors import audit_chain_verify, personal_data_reads_about
from tongban.audit.services import (
    REDACTED,
    audit_event_record,
    audit_events_purge,
    audit_events_seal,
    personal_data_read_record,
)
from tongban.audit.tests.helpers import triggers_disabled
from tongban.core.logging import request_id_var

pytestmark = pytest.mark.django_db

ACTOR = uuid.UUID("00000000-0000-0000-0000-00000000a11c")


def record(n: int = 1, **fields) -> list[AuditEvent]:
    return [
        audit_event_record(
            kind=fields.pop("kind", AuditEventKind.CHANGED),
            actor_id=ACTOR,
            object_type="tests.thing",
            object_id=str(i),
            **fields,
        )
        for i in range(n)
    ]


def test_recording_an_event_stores_who_what_and_why_unsealed():
    token = request_id_var.set("req-12345678")
    try:
        event = audit_event_record(
            kind=AuditEventKind.CHANGED,
            actor_id=ACTOR,
            subject_id=uuid.UUID(int=7),
            object_type="cases.case",
            object_id="42",
            purpose="supplementation requested",
            summary={"changed_fields": ["status"]},
            ip_address=" 2001:0db8:0000::1 ",
        )
    finally:
        request_id_var.reset(token)
    event.refresh_from_db()
    assert event.actor_id == ACTOR
    assert event.subject_id == uuid.UUID(int=7)
    assert event.request_id == "req-12345678"
    assert event.ip_address == "2001:db8::1"
    assert event.summary == {"changed_fields": ["status"]}
    assert event.is_sealed is False


def test_it_redacts_secrets_from_the_summary_at_any_depth():
    event = audit_event_record(
        kind=AuditEventKind.CHANGED,
        actor_id=ACTOR,
        summary={
            "password": "hunter2",
            "nested": {"totp_secret": "JBSWY3DP", "field": "mobile"},
            "items": [{"api_key": "k"}],
        },
    )
    event.refresh_from_db()
    assert event.summary == {
        "password": REDACTED,
        "nested": {"totp_secret": REDACTED, "field": "mobile"},
        "items": [{"api_key": REDACTED}],
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "teleported"}, "unknown audit event kind"),
        ({"ip_address": "999.1.1.1"}, "does not appear to be an IPv4 or IPv6 address"),
        ({"summary": {"changed": "x" * 9000}}, "too long"),
    ],
)
def test_it_rejects_malformed_events_and_writes_nothing(fields, message):
    arguments = {"kind": AuditEventKind.CHANGED, "actor_id": ACTOR, **fields}
    with pytest.raises(ValueError, match=message):
        audit_event_record(**arguments)
    assert AuditEvent.objects.count() == 0


def test_sealing_chains_committed_events_in_order_from_the_genesis_hash():
    events = record(3)
    assert audit_events_seal() == 3
    sealed = list(AuditEvent.objects.order_by("seal_sequence"))
    assert [e.seal_sequence for e in sealed] == [1, 2, 3]
    assert [e.id for e in sealed] == [e.id for e in events]
    assert sealed[0].seal_previous_hash == GENESIS_HASH
    assert sealed[1].seal_previous_hash == sealed[0].seal_hash
    assert sealed[2].seal_previous_hash == sealed[1].seal_hash
    assert audit_chain_verify().intact


def test_sealing_again_seals_only_the_new_events_in_small_batches():
    record(3)
    audit_events_seal()
    record(5)
    assert audit_events_seal(batch_size=2) == 5
    assert audit_events_seal() == 0
    report = audit_chain_verify(batch_size=3)
    assert report.intact
    assert report.checked == 8
    assert report.head_sequence == 8
    assert report.unsealed == 0


def test_an_event_that_commits_late_joins_the_chain_in_a_later_run():
    record(2)
    audit_events_seal()
    # Its transaction began earlier (older occurred_at) but committed after the last seal.
    late = audit_event_record(
        kind=AuditEventKind.CHANGED,
        actor_id=ACTOR,
    )
    with triggers_disabled():
        AuditEvent.objects.filter(pk=late.pk).update(
            occurred_at=timezone.now() - dt.timedelta(hours=1)
        )
    audit_events_seal()
    late.refresh_from_db()
    assert late.seal_sequence == 3
    assert audit_chain_verify().intact


def test_audit_verify_reports_an_intact_chain_and_its_head_hash():
    record(4)
    audit_events_seal()
    head = AuditEvent.objects.get(seal_sequence=4)
    out = call_command_output("audit_verify")
    assert "audit chain intact: 4 events verified from sequence 1 to 4" in out
    assert f"head hash {head.seal_hash};" in out


def test_audit_verify_reports_the_first_altered_event():
    record(5)
    audit_events_seal()
    with triggers_disabled():
        AuditEvent.objects.filter(seal_sequence=3).update(purpose="nothing to see here")
        AuditEvent.objects.filter(seal_sequence=4).update(object_id="forged")
    report = audit_chain_verify()
    assert report.first_break is not None
    assert report.first_break.sequence == 3
    assert report.first_break.reason == ChainBreakReason.CONTENT_ALTERED
    assert report.checked == 2
    with pytest.raises(CommandError, match="broken at sequence 3"):
        call_command_output("audit_verify")


def test_audit_verify_reports_a_deleted_event_as_a_gap():
    record(4)
    audit_events_seal()
    with triggers_disabled():
        AuditEvent.objects.filter(seal_sequence=2).delete()
    report = audit_chain_verify()
    assert report.first_break is not None
    assert report.first_break.sequence == 2
    assert report.first_break.reason == ChainBreakReason.SEQUENCE_GAP


def test_audit_verify_reports_a_forged_link():
    record(3)
    audit_events_seal()
    with triggers_disabled():
        AuditEvent.objects.filter(seal_sequence=2).update(seal_previous_hash="f" * 64)
    report = audit_chain_verify()
    assert report.first_break is not None
    assert report.first_break.reason == ChainBreakReason.PREVIOUS_HASH_MISMATCH
    assert report.first_break.sequence == 2


def test_audit_verify_on_an_empty_log_is_intact():
    assert "0 events verified" in call_command_output("audit_verify")


@pytest.mark.parametrize("command", ["audit_verify", "audit_seal", "audit_purge"])
@pytest.mark.parametrize("value", ["0", "-5", "many", ""])
def test_audit_commands_reject_a_bad_batch_size(command, value):
    record(1)
    with pytest.raises(CommandError, match="--batch-size: must be a whole number of at least 1"):
        call_command(command, f"--batch-size={value}")
    assert AuditEvent.objects.filter(seal_hash__isnull=False).count() == 0


def test_audit_seal_command_seals_on_demand():
    record(2)
    assert call_command_output("audit_seal").strip() == "sealed 2 audit events"
    assert AuditEvent.objects.filter(seal_hash__isnull=True).count() == 0


@override_settings(AUDIT_RETENTION_DAYS=200)
def test_purge_deletes_a_prefix_past_retention_and_the_rest_still_verifies():
    now = timezone.now()
    old = record(3)
    with triggers_disabled():
        AuditEvent.objects.filter(pk__in=[e.pk for e in old]).update(
            occurred_at=now - dt.timedelta(days=300)
        )
    recent = record(2)
    report = audit_events_purge(now=now, batch_size=2)
    assert report.purged == 3
    assert report.anchor_sequence == 3
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {e.pk for e in recent}
    assert list(
        AuditChainAnchor.objects.order_by("sequence").values_list("sequence", flat=True)
    ) == [
        2,
        3,
    ]
    record(1)
    audit_events_seal()
    verified = audit_chain_verify()
    assert verified.intact
    assert verified.start_sequence == 3
    assert verified.checked == 3
    assert verified.head_sequence == 6


@override_settings(AUDIT_RETENTION_DAYS=200)
def test_purge_keeps_events_younger_than_retention():
    record(2)
    assert audit_events_purge().purged == 0
    assert AuditEvent.objects.count() == 2
    assert AuditChainAnchor.objects.count() == 0


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_purge_refuses_a_retention_under_six_months_and_deletes_nothing():
    record(1)
    with triggers_disabled():
        AuditEvent.objects.update(occurred_at=timezone.now() - dt.timedelta(days=100))
    with pytest.raises(ImproperlyConfigured, match="at least 184 days"):
        audit_events_purge()
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "accepted"), [("183", False), ("30", False), ("abc", False), ("184", True)]
)
def test_settings_refuse_an_audit_retention_under_six_months(value, accepted):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tongban.config.settings.test'\n"
        "from django.conf import settings; print(settings.AUDIT_RETENTION_DAYS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"TONGBAN_AUDIT_RETENTION_DAYS": value, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    if accepted:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == value
    else:
        assert result.returncode != 0
        assert "TONGBAN_AUDIT_RETENTION_DAYS" in result.stderr


def test_sealing_and_purging_are_scheduled_as_periodic_jobs():
    from tongban.audit import tasks

    jobs = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs[tasks.audit_events_seal.name] == 60.0
    assert tasks.audit_events_purge.name in jobs
    assert tasks.audit_events_seal.name == "tongban.audit.tasks.audit_events_seal"
    assert tasks.audit_events_purge.name == "tongban.audit.tasks.audit_events_purge"


def test_the_sealing_task_seals():
    from tongban.audit.tasks import audit_events_seal as task

    record(2)
    assert task.delay().get() == 2


def test_deleting_an_account_leaves_its_audit_events_untouched(citizen):
    event = audit_event_record(
        kind=AuditEventKind.SIGNED_IN, actor_id=citizen.pk, subject_id=citizen.pk
    )
    audit_events_seal()
    citizen_id = citizen.pk
    citizen.delete()
    event.refresh_from_db()
    assert event.actor_id == citizen_id
    assert event.subject_id == citizen_id
    assert audit_chain_verify().intact


def test_personal_data_reads_are_found_by_account_or_by_id_number(citizen, clerk):
    number = citizen.resident_id_number
    personal_data_read_record(
        reader_id=clerk.pk,
        purpose="verify identity at the window",
        fields=["name", "id_number"],
        subject_identifier=number.lower(),
    )
    personal_data_read_record(
        reader_id=clerk.pk, purpose="case review", fields=["mobile"], subject_id=citizen.pk
    )
    audit_event_record(kind=AuditEventKind.CHANGED, actor_id=clerk.pk, subject_id=citizen.pk)
    reads = personal_data_reads_about(subject_id=citizen.pk, identifier=number)
    assert [(r.purpose, r.fields, r.actor_id) for r in reads.order_by("occurred_at")] == [
        ("verify identity at the window", ["id_number", "name"], clerk.pk),
        ("case review", ["mobile"], clerk.pk),
    ]
    # The log holds a blind index, never the number itself.
    assert not AuditEvent.objects.filter(subject_key__contains=number[:6]).exists()


@pytest.mark.parametrize(
    "arguments",
    [
        {"purpose": "  ", "fields": ["name"], "subject_identifier": "x"},
        {"purpose": "review", "fields": ["name"]},
    ],
)
def test_a_personal_data_read_needs_a_purpose_and_a_subject(arguments):
    with pytest.raises(ValueError, match="needs"):
        personal_data_read_record(reader_id=ACTOR, **arguments)
    assert AuditEvent.objects.count() == 0


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
