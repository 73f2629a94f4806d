"""The demo citizen's earlier application (demo mode only), so a new one is mostly prefilled.

A sole-proprietor registration submitted and then withdrawn: its answers are what the
"earlier applications" prefill source offers the next time (DESIGN.md §2, once only).
"""

from __future__ import annotations

import uuid

from django.db import transaction

from tongban.accounts.models import User
from tongban.accounts.selectors import ActorContext
from tongban.cases.models import Case
from tongban.cases.services.drafts import case_draft_create, case_draft_update
from tongban.cases.services.materials import case_material_upload
from tongban.cases.services.submission import case_submit, commitment_current
from tongban.cases.services.tracking import case_withdraw
from tongban.catalog.models import ServiceItem

SOLE_PROPRIETOR = "00013112800001"
EARLIER_ANSWERS = {
    "premises": "海川市临江区滨江街道滨江路18号",
    "postal_code": "310000",
    "e_commerce": "否",
    "capital": 5,
    "business_scope": "日用百货、文具用品零售",
    "composition": "个人经营",
}
# A one-page PDF: the lease of the premises.
LEASE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@transaction.atomic
def demo_earlier_application_seed(*, user: User) -> Case | None:
    """Once: a withdrawn sole-proprietor registration of ``user``; ``None`` if there is one
    already or the service is not in the catalog."""
    item = ServiceItem.objects.filter(code=SOLE_PROPRIETOR, published_version__isnull=False).first()
    if item is None or Case.objects.filter(applicant_person=user, service_item=item).exists():
        return None
    case = case_draft_create(
        item=item,
        actor=ActorContext.for_self(user),
        real_name_level=user.real_name_level,
        authentication_strength=3,
    )
    case_draft_update(case_id=case.pk, actor_id=user.pk, answers=EARLIER_ANSWERS)
    premises = case.service_version.materials.get(name="经营场所使用相关文件")
    case_material_upload(
        case_id=case.pk,
        actor_id=user.pk,
        material_id=premises.pk,
        name="租赁合同.pdf",
        data=LEASE_PDF,
    )
    case_submit(
        case_id=case.pk,
        actor_id=user.pk,
        idempotency_key=f"demo-{uuid.uuid4()}",
        commitment_version=commitment_current().version,
        confirmed=True,
    )
    return case_withdraw(case_id=case.pk, actor_id=user.pk, reason="地址有变，重新申请")
