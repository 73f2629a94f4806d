"""The nine department types every city has (DESIGN.md §7); processes name them by code."""

from django.db import migrations

STANDARD_TYPES = [
    ("market_regulation", "市场监督管理"),
    ("human_resources_social_security", "人力资源和社会保障"),
    ("public_security", "公安"),
    ("traffic_police", "公安交通管理"),
    ("housing_provident_fund", "住房公积金"),
    ("health", "卫生健康"),
    ("medical_insurance", "医疗保障"),
    ("civil_affairs", "民政"),
    ("taxation", "税务"),
]


def create(apps, schema_editor):
    DepartmentType = apps.get_model("organization", "DepartmentType")
    for code, name in STANDARD_TYPES:
        DepartmentType.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    DepartmentType = apps.get_model("organization", "DepartmentType")
    DepartmentType.objects.filter(
        code__in=[code for code, _name in STANDARD_TYPES], departments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("organization", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
