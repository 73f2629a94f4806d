"""The pension qualification check (养老金领取资格认证): three routes to one yearly confirmation.

1. Silent: the platform files the retiree's check itself; the service's rules compare the
   registries (registered as living, a recent medical visit, pharmacy purchase or
   contribution) and confirm it with no action from the retiree.
2. Remote: when the registries cannot confirm it, the retiree compares their face with their
   ID card photo through a liveness verifier (a plug-in); a match confirms it.
3. Home visit: otherwise the case waits in the social-security office's inbox and a staff
   member records the visit as their decision (reasons: when and whom they saw).

The confirmation is a certificate valid for one year; its end is the next check's due date.
A daily job (``pension_checks_start_due``) files the silent check of each retiree whose
confirmation ran out.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.models import User
from tongban.accounts.selectors import ActorContext
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import OPEN_STATUSES, CaseEventKind, CaseStatus
from tongban.cases.exceptions import CaseNotFound, CaseTransitionInvalid, LivenessPluginUnknown
from tongban.cases.models import Case
from tongban.cases.plugins.liveness import liveness_verifiers
from tongban.cases.services.drafts import case_draft_create, case_draft_update
from tongban.cases.services.rules import case_open_tasks_complete_automatically
from tongban.cases.services.submission import case_submit, commitment_current
from tongban.cases.services.timeline import case_event_record
from tongban.catalog.models import ServiceItem
from tongban.certificates.constants import PENSION_QUALIFICATION_RECORD
from tongban.core.working_days import local_date
from tongban.registries.services import Reader, pension_recipients_among

logger = logging.getLogger(__name__)

PENSION_CHECK = "HC-RS-002"
LIVENESS_IMAGE_MAX_BYTES = 5 * 1024 * 1024
# Accounts asked about in one registry request, and so in one audit record.
PENSION_BATCH_SIZE = 200
# Recorded with the batch read (the registry's audit log shows it).
PENSION_DUE_PURPOSE = "yearly pension qualification check: finding the retirees whose check is due"


def remote_verification_offered(case: Case) -> bool:
    """A face comparison may confirm this case: a qualification check the rules could not
    confirm, still waiting for its first step."""
    certificate_type = case.service_version.result_certificate_type
    return (
        certificate_type is not None
        and certificate_type.code == PENSION_QUALIFICATION_RECORD
        and case.status == CaseStatus.SUBMITTED
        and bool(case.rules_outcome)
        and not case.rules_outcome.get("passed")
        and not (case.rules_outcome.get("liveness") or {}).get("matched")
    )


def pension_check_silent_start(*, retiree: User, year: int | None = None) -> Case | None:
    """Files this year's check for ``retiree`` (at most once a year) and submits it; the
    submission's rules then confirm it when the registries show the retiree is about.

    Returns the case, or ``None`` when the service is not published. The answers are the
    account's verified identity; the retiree is told of the case like any other.
    """
    item = ServiceItem.objects.filter(code=PENSION_CHECK, published_version__isnull=False).first()
    if item is None:
        return None
    year = year or local_date(timezone.now()).year
    key = f"pension-silent:{retiree.pk}:{year}"
    done = (
        Case.objects.filter(applicant_person=retiree, service_item=item, submitted_at__year=year)
        .exclude(status=CaseStatus.WITHDRAWN)
        .first()
    )
    if done is not None:
        return done
    with transaction.atomic():
        case = case_draft_create(
            item=item,
            actor=ActorContext.for_self(retiree),
            real_name_level=retiree.real_name_level,
            authentication_strength=item.published_version.authentication_strength,  # type: ignore[union-attr]
        )
        case_draft_update(
            case_id=case.pk,
            actor_id=retiree.pk,
            answers={
                **case.answers,
                "name": retiree.real_name,
                "id_number": retiree.resident_id_number,
                "residence": "本市",
            },
        )
    submitted = case_submit(
        case_id=case.pk,
        actor_id=retiree.pk,
        idempotency_key=key,
        commitment_version=commitment_current().version,
        confirmed=True,
    )
    return submitted


@transaction.atomic
def case_liveness_verify(
    *, case_id: uuid.UUID, actor_id: uuid.UUID, plugin: str, image: bytes
) -> Case:
    """Records a face comparison for the retiree's check (the caller scoped the case to the
    applicant); a match confirms the check with no person.

    Raises ``LivenessPluginUnknown`` for a verifier that is not registered and
    ``CaseTransitionInvalid`` when the case does not offer remote verification; nothing is
    recorded then. The image itself is never stored.
    """
    verifier = liveness_verifiers.get(plugin)
    if verifier is None:
        raise LivenessPluginUnknown()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version__result_certificate_type", "applicant_person")
        .filter(pk=case_id)
        .first()
    )
    if case is None or case.applicant_person is None:
        raise CaseNotFound()
    if not remote_verification_offered(case) or not image or len(image) > LIVENESS_IMAGE_MAX_BYTES:
        raise CaseTransitionInvalid()
    result = verifier.compare(
        id_number=case.applicant_person.resident_id_number, image=image, reader_id=actor_id
    )
    outcome = dict(case.rules_outcome)
    outcome["liveness"] = {
        "plugin": verifier.key,
        "matched": result.matched,
        "score": round(result.score, 3),
        "reference": result.reference,
        "at": timezone.now().isoformat(),
    }
    case.rules_outcome = outcome
    case.save(update_fields=["rules_outcome", "updated_at"])
    audit_event_record(
        kind=AuditEventKind.CHANGED,
        actor_id=actor_id,
        subject_id=case.applicant_person_id,
        object_type="cases.liveness",
        object_id=str(case.pk),
        summary={"plugin": verifier.key, "matched": result.matched},
    )
    if not result.matched:
        case_event_record(
            case=case,
            kind=CaseEventKind.RULES_FAILED,
            actor_id=actor_id,
            note=_(
                "The face did not match the ID card photo. Staff will confirm your "
                "qualification by a home visit."
            ),
            details={"liveness": verifier.key},
        )
        return case
    case_event_record(
        case=case,
        kind=CaseEventKind.RULES_PASSED,
        actor_id=actor_id,
        note=_("The face matched the ID card photo."),
        details={"liveness": verifier.key},
    )
    return case_open_tasks_complete_automatically(
        case=case, comment=_("Confirmed by face comparison with the ID card photo.")
    )


def pension_method(case: Case) -> str:
    """How the check was confirmed, as the record states it."""
    outcome = case.rules_outcome or {}
    if outcome.get("passed"):
        return "数据比对（静默认证）"
    if (outcome.get("liveness") or {}).get("matched"):
        return "人脸识别（远程认证）"
    return "工作人员上门核验"


def pension_next_due(case: Case) -> dt.date | None:
    """The day the confirmed qualification runs out: the next check is due then."""
    certificate_type = case.service_version.result_certificate_type
    if (
        certificate_type is None
        or certificate_type.code != PENSION_QUALIFICATION_RECORD
        or case.status != CaseStatus.APPROVED
        or case.decided_at is None
    ):
        return None
    return _years_after(local_date(case.decided_at), certificate_type.validity_years or 1)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class PensionRunReport:
    """What one run of the yearly job did (counts only: it is logged)."""

    started: int = 0
    failed: int = 0


def pension_checks_start_due(
    *, today: dt.date | None = None, batch_size: int = PENSION_BATCH_SIZE
) -> PensionRunReport:
    """Starts the silent check of every retiree whose check is due (the daily job).

    A retiree here is an active account verified at L2 or above whose person the
    social-insurance registry pays a basic pension (asked in batches, one audit record per
    batch). The check is due once the last confirmed check has run out (its validity after
    the decision; ``pension_next_due``) or, never confirmed, once a full validity period has
    passed since the pension was first paid: the award itself is the first confirmation. A
    retiree with a check still open, or filed this year, is left alone, so a second run starts
    nothing. Each retiree gets their own transaction: one failure is logged (without personal
    data) and the others go on.
    """
    item = (
        ServiceItem.objects.filter(code=PENSION_CHECK, published_version__isnull=False)
        .select_related("published_version__result_certificate_type")
        .first()
    )
    if item is None or item.published_version is None:
        return PensionRunReport()
    certificate_type = item.published_version.result_certificate_type
    validity_years = (certificate_type.validity_years if certificate_type else None) or 1
    today = today or local_date(timezone.now())
    accounts = User.objects.filter(
        is_active=True, deleted_at__isnull=True, real_name_level__gte=RealNameLevel.L2
    ).exclude(resident_id_number_index="")
    started = failed = 0
    last_pk: uuid.UUID | None = None
    while True:
        page = accounts.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        batch = list(page[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        for retiree in _pension_due_among(
            item=item, batch=batch, today=today, validity_years=validity_years
        ):
            # One retiree's failure must not stop the run: it is logged and the next goes on.
            try:
                with transaction.atomic():
                    pension_check_silent_start(retiree=retiree, year=today.year)
            except Exception as error:
                failed += 1
                logger.warning(
                    "pension check could not be started",
                    extra={"account": str(retiree.pk), "error": type(error).__name__},
                )
            else:
                started += 1
    return PensionRunReport(started=started, failed=failed)


def _pension_due_among(
    *, item: ServiceItem, batch: list[User], today: dt.date, validity_years: int
) -> list[User]:
    checks = Case.objects.filter(service_item=item, applicant_person__in=batch)
    busy = set(
        checks.filter(status__in=OPEN_STATUSES).values_list("applicant_person_id", flat=True)
    ) | set(
        checks.filter(submitted_at__year=today.year)
        .exclude(status=CaseStatus.WITHDRAWN)
        .values_list("applicant_person_id", flat=True)
    )
    confirmed = dict(
        checks.filter(status=CaseStatus.APPROVED, decided_at__isnull=False)
        .values("applicant_person_id")
        .annotate(last=Max("decided_at"))
        .values_list("applicant_person_id", "last")
    )
    candidates = [user for user in batch if user.pk not in busy]
    recipients = pension_recipients_among(
        id_numbers=[user.resident_id_number for user in candidates],
        reader=Reader(id=None),
        purpose=PENSION_DUE_PURPOSE,
    )
    due: list[User] = []
    for user in candidates:
        paid_since = recipients.get(user.resident_id_number)
        if paid_since is None:
            continue
        last = confirmed.get(user.pk)
        since = local_date(last) if last is not None else paid_since
        if _years_after(since, validity_years) <= today:
            due.append(user)
    return due
