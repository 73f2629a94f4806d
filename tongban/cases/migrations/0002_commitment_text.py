"""The first version of the credit commitment (信用承诺) text applicants confirm."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TEXT = (
    "本人（本单位）郑重承诺：所填写的申请信息和提交的材料真实、准确、完整、有效，"
    "复印件与原件一致，不存在隐瞒有关情况或者提供虚假材料的情形。"
    "如有不实，愿意承担相应的法律责任，并接受将失信信息记入信用档案、依法实施联合惩戒。"
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    import uuid

    CommitmentText = apps.get_model("cases", "CommitmentText")
    CommitmentText.objects.get_or_create(version=1, defaults={"id": uuid.uuid4(), "text": TEXT})


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("cases", "CommitmentText").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
