"""Instant approval (秒批): the sole-proprietor registration's rules decide a clean case with no
person; a case that fails a rule goes to a person with the explanation; rules naming unknown
facts are refused at publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import AutomaticStepStatus, CaseEventKind, CaseStatus, NoticeKind
from tongban.cases.models import Case
from tongban.cases.tests.conftest import PREMISES_PDF, TYPED, draft_create, submit
from tongban.catalog.exceptions import VersionIncomplete
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import (
    FactSubject,
    rules_evaluate,
    service_version_clone,
    service_version_problems,
    service_version_publish,
)
from tongban.registries.models import DemoResident
from tongban.workflow.constants import TaskStatus
from tongban.workflow.models import HumanTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def market_issuer(persona_departments: dict[str, Any]) -> Any:
    from tongban.certificates.services import issuer_register

    return issuer_register(
        department=persona_departments["market_regulation"],
        credit_code=uscc_complete("11990200MB0000001"),
        actor=None,
    )


def uscc_complete(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


def home_address(user: User) -> str:
    residents = DemoResident.objects.select_related("household")
    resident = next(r for r in residents if r.id_number == user.resident_id_number)
    return str(resident.household.address)


def submitted_with(item: ServiceItem, user: User, **answers: Any) -> Case:
    case = draft_create(item, user)
    services.case_draft_update(case_id=case.pk, actor_id=user.pk, answers={**TYPED, **answers})
    premises = case.service_version.materials.get(name="经营场所使用相关文件")
    services.case_material_upload(
        case_id=case.pk,
        actor_id=user.pk,
        material_id=premises.pk,
        name="租赁合同.pdf",
        data=PREMISES_PDF,
    )
    return submit(case, user)


def test_a_clean_registration_goes_from_submit_to_licence_with_no_person(
    sole_proprietor, applicant, market_issuer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_with(sole_proprietor, applicant, premises=home_address(applicant))
    case.refresh_from_db()

    assert case.status == CaseStatus.APPROVED
    assert case.decided_automatically is True
    assert case.decided_by_id is None
    assert case.certificate_status == AutomaticStepStatus.DONE
    outcome = case.rules_outcome
    assert outcome["passed"] is True
    assert outcome["rule_set"]["service_version"] == case.service_version.number
    assert len(outcome["rule_set"]["digest"]) == 16
    assert [r["id"] for r in outcome["results"]] == [
        "individual",
        "adult_living",
        "home_premises",
        "general_scope",
        "small_capital",
        "not_online_only",
    ]
    assert all(r["passed"] and r["explanation"] for r in outcome["results"])
    assert not HumanTask.objects.filter(
        instance=case.process_instance, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)
    ).exists()
    assert (
        HumanTask.objects.filter(
            instance=case.process_instance, completed_by=None, status=TaskStatus.COMPLETED
        ).count()
        == 3
    )
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {NoticeKind.ACCEPTANCE, NoticeKind.GRANT}
    assert case.events.filter(kind=CaseEventKind.RULES_PASSED, visible_to_applicant=True).exists()


def test_a_rule_that_fails_sends_the_case_to_a_person_with_the_explanation(
    sole_proprietor, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_with(
            sole_proprietor,
            applicant,
            premises=home_address(applicant),
            business_scope="预包装食品销售",
        )
    case.refresh_from_db()

    assert case.status == CaseStatus.SUBMITTED
    assert case.decided_automatically is False
    assert case.rules_outcome["passed"] is False
    failed = [r["id"] for r in case.rules_outcome["results"] if not r["passed"]]
    assert failed == ["general_scope"]
    event = case.events.get(kind=CaseEventKind.RULES_FAILED)
    assert "经营范围不含须经许可的项目" in event.note
    assert event.visible_to_applicant is True
    task = HumanTask.objects.get(instance=case.process_instance, status=TaskStatus.OPEN)
    assert task.element_id == "accept"


def test_rules_run_once(sole_proprietor, applicant):
    case = submitted_with(sole_proprietor, applicant)
    services.case_rules_apply(case_id=case.pk)
    first = Case.objects.get(pk=case.pk).rules_outcome
    services.case_rules_apply(case_id=case.pk)

    assert Case.objects.get(pk=case.pk).rules_outcome == first
    assert case.events.filter(kind=CaseEventKind.RULES_FAILED).count() == 1


def test_rules_read_registry_facts_with_a_purpose_the_applicant_sees(sole_proprietor, applicant):
    from tongban.accounts.selectors import data_accesses_for_user

    case = submitted_with(sole_proprietor, applicant)
    services.case_rules_apply(case_id=case.pk)

    purposes = {access.purpose for access in data_accesses_for_user(user=applicant)}
    assert "instant approval rules of an application" in purposes


def test_a_missing_answer_fails_its_rule_without_an_error():
    outcome = rules_evaluate(
        rules=[
            {
                "id": "capital",
                "explanation": "小额",
                "logic": {"<=": [{"var": "answers.capital"}, 100]},
            }
        ],
        answers={},
        subject=FactSubject(id_number=""),
    )
    assert outcome.passed is False
    assert outcome.results[0].checkable is False


def test_not_of_a_missing_answer_or_unknown_fact_does_not_pass():
    """Absent data never approves by itself: "not X" of nothing, and a count of enterprises
    for an applicant without a person's ID number, are unknown rather than true or zero."""
    outcome = rules_evaluate(
        rules=[
            {
                "id": "no_record",
                "explanation": "无不良记录",
                "logic": {"!": {"var": "answers.has_record"}},
            },
            {
                "id": "no_enterprise",
                "explanation": "未担任其他企业法定代表人",
                "logic": {"==": [{"var": "facts.enterprises.represented_count"}, 0]},
            },
        ],
        answers={},
        subject=FactSubject(id_number=""),
    )
    assert outcome.passed is False
    assert [result.checkable for result in outcome.results] == [False, False]


def test_rules_naming_unknown_facts_are_refused_at_publish(sole_proprietor):
    draft = service_version_clone(version=sole_proprietor.published_version, actor_id=None)
    draft.auto_approval_rules = [
        {
            "id": "credit",
            "explanation": "信用良好",
            "logic": {"==": [{"var": "facts.credit.score"}, 1]},
        },
        {"id": "field", "explanation": "字段", "logic": {"==": [{"var": "answers.nickname"}, 1]}},
        {"id": "op", "explanation": "运算", "logic": {"regex": [{"var": "answers.name"}, ".*"]}},
    ]
    draft.save()

    problems = service_version_problems(draft)
    codes = {key: [e.code for e in errors] for key, errors in problems.items()}
    assert codes["auto_approval_rules.credit"] == ["rule_fact_unknown"]
    assert codes["auto_approval_rules.field"] == ["rule_fact_unknown"]
    assert codes["auto_approval_rules.op"] == ["rule_operator_unknown"]
    with pytest.raises(VersionIncomplete):
        service_version_publish(version=draft, actor_id=None)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert ServiceItem.objects.get(pk=sole_proprietor.pk).published_version_id != draft.pk


def test_staff_see_each_rule_and_the_applicant_sees_plain_words(
    sole_proprietor, applicant, clerk, client
):
    from django.test import Client
    from django.urls import reverse

    case = submitted_with(sole_proprietor, applicant, business_scope="餐饮服务")
    services.case_rules_apply(case_id=case.pk)
    case.refresh_from_db()
    task = HumanTask.objects.get(instance=case.process_instance, status=TaskStatus.OPEN)

    staff = Client()
    staff.force_login(clerk)
    page = staff.get(reverse("cases:staff_task", args=[task.pk])).content.decode()
    assert case.rules_outcome["rule_set"]["digest"] in page
    assert "general_scope" in page
    assert "经营范围不含须经许可的项目" in page

    client.force_login(applicant)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "经营范围不含须经许可的项目" in detail
    assert "general_scope" not in detail
    assert "answers.business_scope" not in detail


@pytest.mark.parametrize(
    ("utc", "age", "days"),
    [
        # 23:59 in Haichuan on 31 March: still the day before the birthday.
        (dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC), 59, -1),
        # 00:30 in Haichuan on 1 April, still 31 March in UTC: the birthday, and today's visit.
        (dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC), 60, 0),
    ],
)
def test_age_and_days_since_activity_count_in_china_s_calendar(monkeypatch, utc, age, days):
    from tongban.organization.factories import factory_create
    from tongban.registries.factories import DemoInsuranceActivityFactory, DemoResidentFactory

    resident = factory_create(DemoResidentFactory, birth_date=dt.date(1966, 4, 1))
    factory_create(DemoInsuranceActivityFactory, resident=resident, occurred_on=dt.date(2026, 4, 1))
    monkeypatch.setattr("django.utils.timezone.now", lambda: utc)

    outcome = rules_evaluate(
        rules=[
            {
                "id": "age",
                "explanation": "年满60周岁",
                "logic": {"==": [{"var": "facts.population.age"}, age]},
            },
            {
                "id": "activity",
                "explanation": "近期有社保记录",
                "logic": {"==": [{"var": "facts.social_security.days_since_activity"}, days]},
            },
        ],
        answers={},
        subject=FactSubject(id_number=resident.id_number),
    )

    assert [result.passed for result in outcome.results] == [True, True]
