"""After an approval: the certificate of the service version, issued into the holder's wallet.

Issuing runs after the decision has committed, in its own transaction, so a failure (no
issuer key yet, a field the certificate needs that the form lacks) never undoes the decision.
A failed attempt marks the case "approved — licence issuing delayed" on its timeline once;
the Celery task retries a few times, then the periodic job keeps retrying up to
``CERTIFICATE_ISSUE_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from tongban.cases.constants import (
    CERTIFICATE_ISSUE_MAX_ATTEMPTS,
    ApplicantKind,
    AutomaticStepStatus,
    CaseEventKind,
    CaseStatus,
)
from tongban.cases.models import Case
from tongban.cases.services.delivery import case_delivery_ready
from tongban.cases.services.timeline import case_event_record
from tongban.certificates.constants import (
    BUSINESS_LICENCE,
    PENSION_QUALIFICATION_RECORD,
    HolderKind,
)
from tongban.certificates.models import CertificateType
from tongban.certificates.services import Holder, certificate_issue
from tongban.core.exceptions import DomainError
from tongban.core.registry import Registry
from tongban.core.working_days import local_date

logger = logging.getLogger(__name__)

# How a certificate type's data is read from a case's answers: (case, type) -> (holder, data).
CertificateData = Callable[[Case, CertificateType], tuple[Holder, dict[str, Any]]]
certificate_data_builders: Registry[CertificateData] = Registry("case certificate data")

# 个体工商户 (registration authority 9, category 2: GB 32100-2015).
SOLE_PROPRIETOR_CREDIT_CODE_PREFIX = "92"


def new_credit_code(case: Case) -> str:
    """A unified social credit code for the business the case registers (demo: derived from
    the case, so a retry gives the same code)."""
    region = (case.region.code if case.region is not None else "990200")[:6].ljust(6, "0")
    digest = int(hashlib.sha256(str(case.pk).encode()).hexdigest(), 16) % 10**7
    body = f"{SOLE_PROPRIETOR_CREDIT_CODE_PREFIX}{region}MA{digest:07d}"
    return body + uscc.calc_check_digit(body)


def _person_holder(case: Case) -> Holder:
    user = case.applicant_person
    if user is None:
        raise ValueError("a person's certificate needs a person's case")
    return Holder.person(user)


def _default_data(case: Case, certificate_type: CertificateType) -> tuple[Holder, dict[str, Any]]:
    answers = case.answers
    data = {row["key"]: answers.get(row["key"], "") for row in certificate_type.fields}
    if certificate_type.holder_kind == HolderKind.PERSON:
        return _person_holder(case), data
    enterprise = case.applicant_enterprise
    if enterprise is None:
        raise ValueError("an enterprise's certificate needs an enterprise's case")
    return Holder(HolderKind.ENTERPRISE, enterprise.credit_code, enterprise.name, None), data


def _business_licence(
    case: Case, certificate_type: CertificateType
) -> tuple[Holder, dict[str, Any]]:
    """The licence of a newly registered business, held through the applicant's account."""
    answers = case.answers
    operator = str(answers.get("operator_name") or case.applicant_name)
    name = str(answers.get("name") or "").strip() or f"{operator}（个体工商户）"
    capital = answers.get("capital")
    data = {
        "name": name,
        "credit_code": new_credit_code(case),
        "kind": "个体工商户" if case.applicant_kind == ApplicantKind.PERSON else "有限责任公司",
        "legal_representative": operator,
        "registered_capital": f"{capital}万元" if capital not in (None, "") else "",
        "established_on": local_date(case.decided_at or timezone.now()).isoformat(),
        "address": str(answers.get("premises") or answers.get("address") or ""),
        "business_scope": str(answers.get("business_scope") or ""),
    }
    holder_user = case.applicant_person or case.filed_by
    return Holder(HolderKind.ENTERPRISE, data["credit_code"], name, holder_user), data


certificate_data_builders.register(BUSINESS_LICENCE, _business_licence)


def _pension_record(case: Case, certificate_type: CertificateType) -> tuple[Holder, dict[str, Any]]:
    """The yearly pension qualification record: who, when, and by which route."""
    from tongban.cases.services.pension import pension_method

    user = case.applicant_person
    if user is None:
        raise ValueError("a pension check is a person's case")
    data = {
        "name": str(user.real_name),
        "resident_id_number": str(user.resident_id_number),
        "confirmed_on": local_date(case.decided_at or timezone.now()).isoformat(),
        "method": pension_method(case),
    }
    return Holder.person(user), data


certificate_data_builders.register(PENSION_QUALIFICATION_RECORD, _pension_record)


def case_certificate_issue(*, case_id: uuid.UUID) -> Case | None:
    """One attempt to issue the approved case's certificate; returns the case as it is after.

    Idempotent: a case whose certificate is issued (or needs none) is left alone.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related(
                "service_version__result_certificate_type",
                "handling_department",
                "applicant_person",
                "applicant_enterprise",
                "region",
            )
            .filter(pk=case_id)
            .first()
        )
        if case is None or case.status != CaseStatus.APPROVED:
            return case
        if case.certificate_status not in (
            AutomaticStepStatus.PENDING,
            AutomaticStepStatus.DELAYED,
        ):
            return case
        certificate_type = case.service_version.result_certificate_type
        department = case.handling_department
        case.certificate_attempts += 1
        try:
            if certificate_type is None or department is None:
                raise ValueError("nothing to issue or no issuing department")
            build = certificate_data_builders.get(certificate_type.code) or _default_data
            holder, data = build(case, certificate_type)
            with transaction.atomic():
                certificate = certificate_issue(
                    certificate_type_code=certificate_type.code,
                    department=department,
                    holder=holder,
                    data=data,
                    source_reference=case.number,
                )
        except (DomainError, ValueError) as error:
            logger.warning(
                "certificate issuing delayed",
                extra={"case": str(case.pk), "error": type(error).__name__},
            )
            first_delay = case.certificate_status != AutomaticStepStatus.DELAYED
            case.certificate_status = AutomaticStepStatus.DELAYED
            case.save(update_fields=["certificate_status", "certificate_attempts", "updated_at"])
            if first_delay:
                case_event_record(
                    case=case,
                    kind=CaseEventKind.CERTIFICATE_DELAYED,
                    department=department,
                    note=_("Approved — licence issuing delayed. It is being retried."),
                )
            return case
        case.certificate_status = AutomaticStepStatus.DONE
        case.certificate_id = certificate.pk
        case.save(
            update_fields=[
                "certificate_status",
                "certificate_id",
                "certificate_attempts",
                "updated_at",
            ]
        )
        case_event_record(
            case=case,
            kind=CaseEventKind.CERTIFICATE_ISSUED,
            department=department,
            note=certificate_type.name,
            details={"certificate_id": str(certificate.pk)},
        )
        case_delivery_ready(case=case)
        return case


def case_certificates_retry_due(*, limit: int = 100) -> int:
    """Retries the delayed certificates (the periodic job); returns how many it issued."""
    waiting = list(
        Case.objects.filter(
            Q(certificate_status=AutomaticStepStatus.DELAYED)
            | Q(certificate_status=AutomaticStepStatus.PENDING),
            status=CaseStatus.APPROVED,
            certificate_attempts__lt=CERTIFICATE_ISSUE_MAX_ATTEMPTS,
        )
        .order_by("decided_at")
        .values_list("pk", flat=True)[:limit]
    )
    issued = 0
    for case_id in waiting:
        case = case_certificate_issue(case_id=case_id)
        if case is not None and case.certificate_status == AutomaticStepStatus.DONE:
            issued += 1
    return issued
