"""The standard certificate types, created where missing (migration, demo, tests)."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction

from tongban.certificates.constants import STANDARD_CERTIFICATE_TYPES
from tongban.certificates.models import CertificateType
from tongban.organization.constants import StandardDepartmentType
from tongban.organization.models import DepartmentType


@transaction.atomic
def certificate_types_ensure() -> list[CertificateType]:
    """Creates each standard type that does not exist yet; edited ones stay as they are."""
    types = []
    for spec in STANDARD_CERTIFICATE_TYPES:
        department_type, _created = DepartmentType.objects.get_or_create(
            code=spec.department_type,
            defaults={"name": str(StandardDepartmentType(spec.department_type).label)},
        )
        certificate_type, _created = CertificateType.objects.get_or_create(
            code=spec.code,
            defaults={
                "type_code": spec.type_code,
                "name": spec.name_zh,
                "name_en": spec.name_en,
                "issuing_department_type": department_type,
                "holder_kind": spec.holder_kind,
                "layout": spec.layout,
                "validity_years": spec.validity_years,
                "fields": [asdict(row) for row in spec.fields],
            },
        )
        types.append(certificate_type)
    return types
