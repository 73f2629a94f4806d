"""One-window intake (一窗受理), delivery of the result, and the trips and paper each case
records: the same case as online with channel "counter" and one trip; the identity check is
required and recorded (encrypted); a post needs an address; staff record the post and the
pickup; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import (
    AutomaticStepStatus,
    CaseChannel,
    CaseEventKind,
    CaseStatus,
    DeliveryStatus,
    IdentityCheckMethod,
)
from tongban.cases.exceptions import (
    CaseNotFound,
    CounterApplicantUnknown,
    DeliveryAddressRequired,
    DeliveryMoveInvalid,
    IdentityCheckRequired,
)
from tongban.cases.models import Case, CaseDelivery, CounterIntake
from tongban.cases.tests.conftest import PREMISES_PDF, TYPED, draft_complete, submit
from tongban.catalog.models import ServiceItem
from tongban.core.exceptions import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def check(user: User, **overrides: Any) -> services.IdentityCheck:
    values = {
        "method": IdentityCheckMethod.ID_CARD_READER,
        "id_number": user.resident_id_number,
        "confirmed": True,
    }
    values.update(overrides)
    return services.IdentityCheck(**values)


def start(item: ServiceItem, clerk: User, applicant: User, **kwargs: Any) -> Case:
    return services.case_counter_intake_start(
        item_code=item.code, clerk=clerk, identity=check(applicant), **kwargs
    )


def test_a_counter_case_is_an_ordinary_case_with_one_trip(sole_proprietor, applicant, clerk):
    case = start(sole_proprietor, clerk, applicant)

    assert case.channel == CaseChannel.COUNTER
    assert case.trips_in_person == 1
    assert case.applicant_person_id == applicant.pk
    assert case.filed_by_id == clerk.pk
    assert case.service_version_id == sole_proprietor.published_version_id
    # Prefilled exactly as online: the registry's ID card is attached without a scan.
    assert case.fields_prefilled > 0
    assert case.pages_reused >= 1
    intake = CounterIntake.objects.get(case=case)
    assert intake.identity_method == IdentityCheckMethod.ID_CARD_READER
    assert intake.identity_number == applicant.resident_id_number
    assert intake.raised_to_l3 is False
    assert case.events.filter(kind=CaseEventKind.COUNTER_INTAKE).count() == 1


def test_the_checked_id_number_is_encrypted_at_rest(sole_proprietor, applicant, clerk):
    case = start(sole_proprietor, clerk, applicant)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT identity_number FROM cases_counterintake WHERE case_id = %s", [case.pk.hex]
        )
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores UUIDs natively
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT identity_number FROM cases_counterintake WHERE case_id = %s", [str(case.pk)]
            )
            row = cursor.fetchone()
    assert row is not None
    assert applicant.resident_id_number not in str(row[0])


def test_the_counter_check_can_raise_the_account_to_l3(sole_proprietor, applicant, clerk):
    case = start(sole_proprietor, clerk, applicant, raise_to_l3=True)

    applicant.refresh_from_db()
    assert applicant.real_name_level == RealNameLevel.L3
    assert CounterIntake.objects.get(case=case).raised_to_l3 is True


@pytest.mark.parametrize(
    "identity",
    [
        None,
        {"confirmed": False},
        {"method": "looked_at_the_face"},
        {"id_number": ""},
    ],
    ids=["no check", "not confirmed", "unknown method", "no number"],
)
def test_counter_intake_without_an_identity_check_starts_nothing(
    sole_proprietor, applicant, clerk, identity
):
    before = (Case.objects.count(), CounterIntake.objects.count(), applicant.real_name_level)
    with pytest.raises(IdentityCheckRequired) as raised:
        services.case_counter_intake_start(
            item_code=sole_proprietor.code,
            clerk=clerk,
            identity=None if identity is None else check(applicant, **identity),
            raise_to_l3=True,
        )
    assert raised.value.code == "identity_check_required"
    applicant.refresh_from_db()
    assert (
        Case.objects.count(),
        CounterIntake.objects.count(),
        applicant.real_name_level,
    ) == before


def test_counter_intake_refuses_a_bad_or_unknown_number(sole_proprietor, applicant, clerk):
    with pytest.raises(InvalidInput) as raised:
        services.case_counter_intake_start(
            item_code=sole_proprietor.code,
            clerk=clerk,
            identity=check(applicant, id_number="11010519491231002Y"),
        )
    assert "id_number" in raised.value.errors
    with pytest.raises(CounterApplicantUnknown):
        services.case_counter_intake_start(
            item_code=sole_proprietor.code,
            clerk=clerk,
            identity=check(applicant, id_number="11010519491231002X"),
        )
    assert Case.objects.count() == 0


def test_only_a_clerk_of_the_services_department_starts_a_counter_case(
    sole_proprietor, applicant, other_department_case_officer
):
    with pytest.raises(NotFound):
        start(sole_proprietor, other_department_case_officer, applicant)
    assert Case.objects.count() == 0


def test_the_counter_pages_take_a_walk_in_applicant_to_the_printed_receipt(
    sole_proprietor, applicant, clerk
):
    client = Client()
    client.force_login(clerk)
    page = client.get(reverse("cases:counter_start"))
    assert page.status_code == 200
    refused = client.post(
        reverse("cases:counter_start"),
        {"service": sole_proprietor.code, "id_number": applicant.resident_id_number},
    )
    assert refused.status_code == 400
    shown = refused.content.decode()
    assert "请先在窗口核验申请人身份" in shown or "Check the applicant's identity" in shown
    assert Case.objects.count() == 0

    started = client.post(
        reverse("cases:counter_start"),
        {
            "service": sole_proprietor.code,
            "id_number": applicant.resident_id_number,
            "identity_method": IdentityCheckMethod.ID_CARD_READER,
            "identity_confirmed": "on",
        },
    )
    case = Case.objects.get()
    assert started["Location"] == reverse("cases:counter_case", args=[case.pk])
    shown = client.get(started["Location"]).content.decode()
    assert applicant.resident_id_number not in shown
    assert applicant.resident_id_number[-4:] in shown
    answers = {**case.answers, **TYPED}
    saved = client.post(started["Location"], answers)
    assert saved.status_code == 302
    premises = case.service_version.materials.get(name="经营场所使用相关文件")
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = client.post(
        reverse("cases:counter_upload", args=[case.pk]),
        {
            "material": str(premises.pk),
            "file": SimpleUploadedFile("scan.pdf", PREMISES_PDF, content_type="application/pdf"),
        },
    )
    assert uploaded.status_code == 302
    submitted = client.post(
        reverse("cases:counter_submit", args=[case.pk]),
        {"commitment_version": services.commitment_current().version, "confirmed": "on"},
    )
    assert submitted["Location"] == reverse("cases:counter_receipt", args=[case.pk])
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert (case.channel, case.trips_in_person, case.pages_uploaded) == ("counter", 1, 1)
    receipt = client.get(submitted["Location"])
    assert case.number in receipt.content.decode()
    pdf = client.get(reverse("cases:counter_receipt_pdf", args=[case.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_online_case_counts_its_pages_and_no_trip(sole_proprietor, applicant):
    case = draft_complete(sole_proprietor, applicant)

    assert case.trips_in_person == 0
    assert case.pages_uploaded == 1
    # The ID card (and the application form) are documents the government holds.
    assert case.pages_reused >= 1


# --- delivery -------------------------------------------------------------------------------


def test_a_postal_delivery_without_an_address_is_refused_and_nothing_is_saved(submitted, applicant):
    with pytest.raises(DeliveryAddressRequired) as raised:
        services.case_delivery_choose(
            case_id=submitted.pk, actor_id=applicant.pk, method="post", recipient_name="林某"
        )
    assert raised.value.code == "delivery_address_required"
    assert set(raised.value.errors) == {"address", "postal_code"}
    assert not CaseDelivery.objects.exists()
    assert not submitted.events.filter(kind=CaseEventKind.DELIVERY_CHOSEN).exists()


def test_the_postal_address_is_encrypted_and_kept_out_of_the_timeline(submitted, applicant):
    delivery = services.case_delivery_choose(
        case_id=submitted.pk,
        actor_id=applicant.pk,
        method="post",
        recipient_name="林晓",
        address="海川市临江区滨江街道滨江路1号",
        postal_code="310000",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM cases_casedelivery")
        (stored,) = cursor.fetchone()
    assert "滨江路" not in str(stored)
    assert delivery.status == DeliveryStatus.WAITING
    event = submitted.events.get(kind=CaseEventKind.DELIVERY_CHOSEN)
    assert "滨江路" not in event.note + str(event.details)


def test_post_is_recorded_by_staff_with_a_tracking_number_until_delivered(
    submitted, applicant, clerk
):
    services.case_delivery_choose(
        case_id=submitted.pk,
        actor_id=applicant.pk,
        method="post",
        recipient_name="林晓",
        address="海川市临江区滨江街道滨江路1号",
        postal_code="310000",
    )
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.APPROVED)
    submitted.refresh_from_db()
    delivery = services.case_delivery_ready(case=submitted)
    assert delivery is not None
    assert delivery.status == DeliveryStatus.READY_FOR_POSTING

    with pytest.raises(InvalidInput) as raised:
        services.case_delivery_update(delivery_id=delivery.pk, staff=clerk, status="posted")
    assert "tracking_number" in raised.value.errors
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.READY_FOR_POSTING
    with pytest.raises(DeliveryMoveInvalid):
        services.case_delivery_update(delivery_id=delivery.pk, staff=clerk, status="delivered")

    services.case_delivery_update(
        delivery_id=delivery.pk, staff=clerk, status="posted", tracking_number="SF1234567890"
    )
    services.case_delivery_update(delivery_id=delivery.pk, staff=clerk, status="returned")
    services.case_delivery_update(
        delivery_id=delivery.pk, staff=clerk, status="posted", tracking_number="SF1234567891"
    )
    services.case_delivery_update(delivery_id=delivery.pk, staff=clerk, status="delivered")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tracking_number) == ("delivered", "SF1234567891")
    submitted.refresh_from_db()
    assert submitted.trips_in_person == 0


def test_a_pickup_counts_the_trip_to_the_hall(submitted, applicant, clerk, persona_departments):
    from tongban.organization.models import ServiceHall

    hall = ServiceHall.objects.create(
        code="hc-centre",
        name="海川市政务服务中心",
        region=persona_departments["city"],
        address="市民路1号",
    )
    services.case_delivery_choose(
        case_id=submitted.pk, actor_id=applicant.pk, method="pickup", hall_code=hall.code
    )
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.APPROVED)
    submitted.refresh_from_db()
    delivery = services.case_delivery_ready(case=submitted)
    assert delivery is not None
    assert delivery.status == DeliveryStatus.READY_FOR_PICKUP
    services.case_delivery_update(delivery_id=delivery.pk, staff=clerk, status="picked_up")
    submitted.refresh_from_db()
    assert submitted.trips_in_person == 1


def test_another_departments_staff_cannot_touch_a_delivery(
    submitted, applicant, other_department_case_officer
):
    delivery = services.case_delivery_choose(
        case_id=submitted.pk, actor_id=applicant.pk, method="e_licence"
    )
    with pytest.raises(CaseNotFound):
        services.case_delivery_update(
            delivery_id=delivery.pk, staff=other_department_case_officer, status="posted"
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.WAITING


def test_an_issued_licence_lands_in_the_wallet_delivery(submitted, applicant):
    Case.objects.filter(pk=submitted.pk).update(
        status=CaseStatus.APPROVED, certificate_status=AutomaticStepStatus.DONE
    )
    submitted.refresh_from_db()
    delivery = services.case_delivery_ready(case=submitted)
    assert delivery is not None
    assert (delivery.method, delivery.status) == ("e_licence", DeliveryStatus.IN_WALLET)


def test_the_applicant_chooses_the_delivery_on_a_page(submitted, applicant):
    client = Client()
    client.force_login(applicant)
    url = reverse("cases:delivery", args=[submitted.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"method": "post", "recipient_name": "林晓"})
    assert refused.status_code == 400
    assert not CaseDelivery.objects.exists()
    saved = client.post(
        url,
        {
            "method": "post",
            "recipient_name": "林晓",
            "address": "海川市临江区滨江街道滨江路1号",
            "postal_code": "310000",
        },
    )
    assert saved.status_code == 302
    assert CaseDelivery.objects.get().method == "post"


def test_submit_of_a_draft_then_delivery_in_one_go(sole_proprietor, applicant):
    case = submit(draft_complete(sole_proprietor, applicant), applicant)
    services.case_delivery_choose(case_id=case.pk, actor_id=applicant.pk, method="e_licence")
    assert CaseDelivery.objects.get(case=case).status == DeliveryStatus.WAITING


def test_the_admin_shows_trips_and_paper_per_service(sole_proprietor, applicant, clerk):
    online = submit(draft_complete(sole_proprietor, applicant), applicant)
    counter = start(sole_proprietor, clerk, applicant)
    services.case_draft_update(case_id=counter.pk, actor_id=clerk.pk, answers=TYPED)
    premises = counter.service_version.materials.get(name="经营场所使用相关文件")
    services.case_material_upload(
        case_id=counter.pk,
        actor_id=clerk.pk,
        material_id=premises.pk,
        name="a.pdf",
        data=PREMISES_PDF,
    )
    submit(Case.objects.get(pk=counter.pk), clerk)
    admin_user = User.objects.create_superuser("root", "root@example.invalid", "x")
    client = Client()
    client.force_login(admin_user)

    response = client.get(reverse("admin:cases_case_burden"))

    assert response.status_code == 200
    (row,) = response.context["rows"]
    online.refresh_from_db()
    assert (row.cases, row.counter_cases, row.trips) == (2, 1, 1)
    assert row.pages_uploaded == 2
    assert row.pages_reused == 2 * online.pages_reused
    assert sole_proprietor.name in response.content.decode()
    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert reverse("admin:cases_case_burden") in changelist.content.decode()
