from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.factories import UserFactory
from tongban.accounts.models import User
from tongban.alerts import services
from tongban.alerts.constants import AlertState, MessageType
from tongban.alerts.events import ALERT_EVENT
from tongban.alerts.exceptions import (
    AlertInvalid,
    AlertReferenceUnknown,
    AlertRoleMissing,
    AlertStateConflict,
    FourEyesViolation,
)
from tongban.alerts.factories import approved_alert, rainstorm_input
from tongban.alerts.models import Alert
from tongban.notifications.constants import Category, Channel, DeliveryError, DeliveryStatus
from tongban.notifications.models import ChannelPreference, Delivery, Notification, Recipient
from tongban.organization.factories import factory_create
from tongban.registries.factories import DemoHouseholdFactory, DemoResidentFactory

pytestmark = pytest.mark.django_db


def _codes(error: Any) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.errors.items()}


# --- drafting ----------------------------------------------------------------------------------


def test_a_drafter_drafts_an_alert_with_every_cap_field(drafter: User, district: Any) -> None:
    alert = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))

    assert alert.state == AlertState.DRAFT
    assert alert.msg_type == MessageType.ALERT
    assert alert.status == "Actual"
    assert alert.scope == "Public"
    assert alert.category == "Met"
    assert alert.urgency == "Expected"
    assert alert.severity == "Severe"
    assert alert.certainty == "Likely"
    assert alert.event == "暴雨橙色预警"
    assert alert.sender == "HC-MZ@alerts.tongban.gov.cn"
    assert alert.identifier == f"tongban-alert-{alert.id}"
    assert [region.code for region in alert.areas.all()] == ["990202"]
    assert alert.references is None
    assert alert.sent is None


def test_an_alert_without_an_area_is_refused(drafter: User) -> None:
    with pytest.raises(AlertInvalid) as caught:
        services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[]))

    assert _codes(caught.value) == {"areas": ["alert_area_required"]}
    assert not Alert.objects.exists()


def test_an_already_expired_alert_is_refused(drafter: User, district: Any) -> None:
    past = timezone.now() - dt.timedelta(minutes=1)
    with pytest.raises(AlertInvalid) as caught:
        services.alert_draft(
            actor=drafter, data=rainstorm_input(area_codes=[district.code], expires=past)
        )

    assert _codes(caught.value) == {"expires": ["alert_expired"]}
    assert not Alert.objects.exists()


def test_unknown_regions_and_bad_choices_are_refused(drafter: User) -> None:
    with pytest.raises(AlertInvalid) as caught:
        services.alert_draft(
            actor=drafter,
            data=rainstorm_input(area_codes=["110101"], severity="Apocalyptic", headline=" "),
        )

    assert _codes(caught.value) == {
        "severity": ["invalid_choice"],
        "headline": ["required"],
        "areas": ["unknown_region"],
    }
    assert not Alert.objects.exists()


def test_a_department_cannot_alert_a_region_outside_its_own(
    other_department_approver: User, drafter: User
) -> None:
    from tongban.organization.factories import RegionFactory

    elsewhere = factory_create(RegionFactory, code="980100", name="别市")
    with pytest.raises(AlertInvalid) as caught:
        services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[elsewhere.code]))

    assert _codes(caught.value) == {"areas": ["region_outside_department"]}


def test_only_the_drafting_role_may_draft(approver: User, citizen: User, district: Any) -> None:
    for person in (approver, citizen):
        with pytest.raises(AlertRoleMissing):
            services.alert_draft(actor=person, data=rainstorm_input(area_codes=[district.code]))
    assert not Alert.objects.exists()


# --- four eyes ---------------------------------------------------------------------------------


def test_the_drafter_cannot_approve_their_own_alert(
    drafter_and_approver: User, district: Any
) -> None:
    alert = services.alert_draft(
        actor=drafter_and_approver, data=rainstorm_input(area_codes=[district.code])
    )

    with pytest.raises(FourEyesViolation) as caught:
        services.alert_approve(alert=alert, actor=drafter_and_approver)

    assert caught.value.code == "alert_four_eyes"
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT
    assert alert.approved_by is None


def test_a_second_person_with_the_approver_role_approves(
    drafter: User, approver: User, district: Any
) -> None:
    alert = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))

    approved = services.alert_approve(alert=alert, actor=approver)

    assert approved.state == AlertState.APPROVED
    assert approved.approved_by == approver
    assert approved.drafted_by == drafter


def test_an_approver_of_another_department_cannot_approve(
    drafter: User, other_department_approver: User, district: Any
) -> None:
    alert = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))

    with pytest.raises(AlertRoleMissing):
        services.alert_approve(alert=alert, actor=other_department_approver)
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT


def test_whoever_edits_a_draft_last_counts_as_its_drafter(
    drafter: User, drafter_and_approver: User, district: Any
) -> None:
    alert = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))
    services.alert_edit(
        alert=alert,
        actor=drafter_and_approver,
        data=rainstorm_input(area_codes=[district.code], headline="暴雨橙色预警（更正）"),
    )

    with pytest.raises(FourEyesViolation):
        services.alert_approve(alert=alert, actor=drafter_and_approver)


def test_a_draft_cannot_be_sent_before_approval(drafter: User, district: Any) -> None:
    alert = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))

    with pytest.raises(AlertStateConflict):
        services.alert_send(alert=alert, actor=drafter)
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT
    assert not Notification.objects.exists()


# --- updates and cancellations ----------------------------------------------------------------


def test_an_update_referencing_an_unknown_alert_is_refused(drafter: User, district: Any) -> None:
    draft = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))

    for reference in (uuid.uuid4(), draft.id, "not-a-uuid"):
        with pytest.raises(AlertReferenceUnknown) as caught:
            services.alert_draft(
                actor=drafter,
                data=rainstorm_input(area_codes=[district.code]),
                references_id=reference,
                msg_type=MessageType.UPDATE,
            )
        assert caught.value.code == "alert_reference_unknown"
    assert Alert.objects.count() == 1


def test_a_sent_cancellation_supersedes_the_original(
    drafter: User, approver: User, district: Any, send_now: Any
) -> None:
    original = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    with send_now():
        services.alert_send(alert=original, actor=approver)
    cancel = services.alert_draft(
        actor=drafter,
        data=rainstorm_input(area_codes=[district.code], headline="暴雨橙色预警解除"),
        references_id=original.id,
        msg_type=MessageType.CANCEL,
    )
    services.alert_approve(alert=cancel, actor=approver)
    with send_now():
        services.alert_send(alert=cancel, actor=drafter)

    original.refresh_from_db()
    cancel.refresh_from_db()
    assert cancel.references == original
    assert cancel.msg_type == MessageType.CANCEL
    assert original.state == AlertState.SUPERSEDED
    assert cancel.state == AlertState.SENT
    with pytest.raises(AlertReferenceUnknown):
        services.alert_draft(
            actor=drafter,
            data=rainstorm_input(area_codes=[district.code]),
            references_id=original.id,
            msg_type=MessageType.UPDATE,
        )


# --- targeting and fan-out ---------------------------------------------------------------------


@pytest.fixture
def residents(district: Any, street: Any, other_district: Any) -> dict[str, User]:
    """Who lives where: by chosen region, by registered household, or elsewhere."""
    chose_street = factory_create(UserFactory, username="chose-street", region_code=street.code)
    chose_elsewhere = factory_create(
        UserFactory, username="chose-elsewhere", region_code=other_district.code
    )
    household = factory_create(DemoHouseholdFactory, region_code=street.code)
    registered = factory_create(DemoResidentFactory, household=household)
    real_name = factory_create(
        UserFactory,
        username="registered-here",
        resident_id_number=str(registered.id_number),
        real_name_level=RealNameLevel.L2,
    )
    unverified = factory_create(
        DemoResidentFactory, household=factory_create(DemoHouseholdFactory, region_code=street.code)
    )
    not_real_name = factory_create(
        UserFactory,
        username="registered-unverified",
        resident_id_number=str(unverified.id_number),
        real_name_level=RealNameLevel.L1,
    )
    return {
        "chose_street": chose_street,
        "chose_elsewhere": chose_elsewhere,
        "real_name": real_name,
        "not_real_name": not_real_name,
    }


def test_sending_reaches_the_people_of_the_area_through_one_broadcast(
    drafter: User, approver: User, district: Any, residents: dict[str, User], send_now: Any
) -> None:
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])

    with send_now():
        services.alert_send(alert=alert, actor=approver)

    alert.refresh_from_db()
    notification = Notification.objects.get()
    assert alert.notification == notification
    assert alert.fan_out_finished_at is not None
    assert notification.broadcast
    assert notification.event_code == ALERT_EVENT
    assert notification.category == Category.EMERGENCY_ALERT
    reached = set(Recipient.objects.values_list("user_id", flat=True))
    assert reached == {residents["chose_street"].pk, residents["real_name"].pk}
    assert notification.recipient_count == 2
    assert alert.sent is not None
    assert alert.sent.microsecond == 0


def test_preferences_cannot_silence_an_alert(
    drafter: User, approver: User, district: Any, residents: dict[str, User], send_now: Any
) -> None:
    person = residents["chose_street"]
    for channel in (Channel.PUSH, Channel.SMS):
        ChannelPreference.objects.create(
            user=person, category=Category.EMERGENCY_ALERT, channel=channel, enabled=False
        )
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])

    with send_now():
        services.alert_send(alert=alert, actor=approver)

    mine = {d.channel: d for d in Delivery.objects.filter(user=person)}
    # No device subscribed: the push is skipped for that reason, and the SMS goes instead.
    assert mine[Channel.PUSH].error_code == DeliveryError.NO_SUBSCRIPTION
    assert mine[Channel.SMS].status == DeliveryStatus.SENT
    assert not Delivery.objects.filter(error_code=DeliveryError.SWITCHED_OFF).exists()


def test_the_fan_out_goes_in_batches_and_never_adds_anyone_twice(
    drafter: User, approver: User, district: Any, street: Any, send_now: Any, monkeypatch: Any
) -> None:
    from tongban.alerts.selectors import alert_target_batches as original_batches
    from tongban.notifications.services import broadcast_recipients_add as real_add

    for number in range(7):
        factory_create(UserFactory, username=f"local-{number}", region_code=street.code)
    batches: list[int] = []

    def counting(**kwargs: Any) -> int:
        batches.append(len(kwargs["user_ids"]))
        return real_add(**kwargs)

    monkeypatch.setattr(services, "broadcast_recipients_add", counting)
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    monkeypatch.setattr(
        services,
        "alert_target_batches",
        lambda *, alert: original_batches(alert=alert, batch_size=3),
    )
    with send_now():
        services.alert_send(alert=alert, actor=approver)

    assert batches == [3, 3, 1]
    assert Recipient.objects.count() == 7
    assert services.alert_fan_out(alert_id=alert.id) == 0
    assert Recipient.objects.count() == 7
    assert Notification.objects.get().recipient_count == 7
