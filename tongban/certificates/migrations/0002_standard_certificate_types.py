"""The standard certificate types (the issue's five), so the application issues can issue them."""

from dataclasses import asdict

from django.db import migrations

from tongban.certificates.constants import STANDARD_CERTIFICATE_TYPES


def create(apps, schema_editor):
    DepartmentType = apps.get_model("organization", "DepartmentType")
    CertificateType = apps.get_model("certificates", "CertificateType")
    for spec in STANDARD_CERTIFICATE_TYPES:
        department_type, _created = DepartmentType.objects.get_or_create(
            code=spec.department_type, defaults={"name": spec.department_type}
        )
        CertificateType.objects.get_or_create(
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


def remove(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    CertificateType.objects.filter(
        code__in=[spec.code for spec in STANDARD_CERTIFICATE_TYPES], certificates__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("organization", "0002_standard_department_types"),
    ]

    operations = [migrations.RunPython(create, remove)]
