"""What only PostgreSQL enforces or shows: the append-only trigger and parallel writers."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from tongban.audit.constants import AuditEventKind
from tongban.audit.models import AuditChainAnchor, AuditEvent
from tongban.audit.selectors import audit_chain_verify
from tongban.audit.services import audit_event_record, audit_events_purge, audit_events_seal
from tongban.audit.tests.helpers import triggers_disabled

# The parallel writers share the races' worker (see the cases races).
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-races")]

ACTOR = uuid.UUID(int=1)


def sealed_event() -> AuditEvent:
    event = audit_event_record(kind=AuditEventKind.CHANGED, actor_id=ACTOR, purpose="review")
    audit_events_seal()
    event.refresh_from_db()
    return event


def assert_refused(operation) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        operation()


@pytest.mark.django_db
def test_postgres_refuses_to_update_an_event():
    event = sealed_event()
    assert_refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(purpose="altered"))
    event.refresh_from_db()
    assert event.purpose == "review"


@pytest.mark.django_db
def test_postgres_refuses_to_update_an_unsealed_event_content():
    event = audit_event_record(kind=AuditEventKind.CHANGED, actor_id=ACTOR, purpose="review")
    assert_refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(purpose="altered"))


@pytest.mark.django_db
def test_postgres_refuses_to_change_content_while_sealing():
    event = audit_event_record(kind=AuditEventKind.CHANGED, actor_id=ACTOR, purpose="review")
    assert_refused(
        lambda: AuditEvent.objects.filter(pk=event.pk).update(
            seal_sequence=1,
            seal_previous_hash="0" * 64,
            seal_hash="a" * 64,
            sealed_at=timezone.now(),
            purpose="altered",
        )
    )


@pytest.mark.django_db
def test_postgres_refuses_to_reseal_a_sealed_event():
    event = sealed_event()
    assert_refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(seal_hash="b" * 64))
    assert audit_chain_verify().intact


@pytest.mark.django_db
def test_postgres_refuses_to_delete_an_event():
    event = sealed_event()
    assert_refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_postgres_refuses_a_purge_flag_delete_of_a_recent_event():
    event = sealed_event()

    def delete_with_the_purge_flag() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('tongban.audit_purge', 'on', true)")
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert_refused(delete_with_the_purge_flag)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_postgres_refuses_to_update_or_delete_an_anchor():
    anchor = AuditChainAnchor.objects.create(
        sequence=5, hash="c" * 64, purged_count=5, cutoff=timezone.now()
    )
    assert_refused(lambda: AuditChainAnchor.objects.filter(pk=anchor.pk).update(hash="d" * 64))
    assert_refused(lambda: AuditChainAnchor.objects.filter(pk=anchor.pk).delete())


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=200)
def test_postgres_lets_the_purge_delete_old_sealed_events():
    old = audit_event_record(kind=AuditEventKind.CHANGED, actor_id=ACTOR)
    with triggers_disabled():
        AuditEvent.objects.filter(pk=old.pk).update(
            occurred_at=timezone.now() - dt.timedelta(days=400)
        )
    recent = audit_event_record(kind=AuditEventKind.CHANGED, actor_id=ACTOR)
    report = audit_events_purge()
    assert report.purged == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert audit_chain_verify().intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_are_never_blocked_by_the_chain_or_the_sealer():
    """Writers wait on nothing: not on each other, not on an open writer, not on the sealer.

    A writer holds its transaction open with an uncommitted event while eight other writers
    and the sealer run in parallel; all of them finish, and the open event is sealed in the
    next run after it commits.
    """
    holder_inserted = threading.Event()
    release_holder = threading.Event()
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                audit_event_record(kind=AuditEventKind.CHANGED, actor_id=ACTOR, object_id="open")
                holder_inserted.set()
                assert release_holder.wait(timeout=30)
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    def writer(number: int) -> None:
        try:
            for index in range(10):
                with transaction.atomic():
                    audit_event_record(
                        kind=AuditEventKind.CHANGED,
                        actor_id=ACTOR,
                        object_id=f"{number}-{index}",
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    sealed_meanwhile: list[int] = []

    def sealer() -> None:
        try:
            for _round in range(5):
                sealed_meanwhile.append(audit_events_seal(batch_size=7))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    holding = threading.Thread(target=holder)
    holding.start()
    assert holder_inserted.wait(timeout=10)
    workers = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    workers.append(threading.Thread(target=sealer))
    for worker in workers:
        worker.start()
    for worker in workers:
        # Joined while the holder's transaction is still open: nobody waited for it.
        worker.join(timeout=30)
    still_running = [worker for worker in workers if worker.is_alive()]
    release_holder.set()
    holding.join(timeout=30)
    assert still_running == []
    assert errors == []

    audit_events_seal()
    report = audit_chain_verify()
    assert report.intact
    assert report.checked == 81
    assert report.unsealed == 0
    assert AuditEvent.objects.get(object_id="open").seal_sequence is not None
