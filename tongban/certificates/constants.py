"""Statuses, holder kinds, status purposes and the standard certificate types."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.organization.constants import StaffRole, StandardDepartmentType


class CertificateStatus(models.TextChoices):
    """What staff set. "Expired" is not stored: it follows from the date (``validity_of``)."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class Validity(models.TextChoices):
    """What a verifier is told: the stored status, or expiry, or not yet valid."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")


class HolderKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTERPRISE = "enterprise", _("Enterprise")


class StatusPurpose(models.TextChoices):
    """W3C Bitstring Status List purposes: one list for each."""

    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class PdfLayout(models.TextChoices):
    LICENCE = "licence", _("Licence (landscape, like the paper business licence)")
    RECORD = "record", _("Record (portrait, a titled table of fields)")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")


class TokenType:
    """The ``typ`` of each signed token: a token of one kind never passes as another."""

    CREDENTIAL = "vc+jwt"  # W3C VC-JOSE-COSE
    QR = "certificate-qr+jwt"
    PRESENTATION = "certificate-presentation+jwt"
    STATUS_LIST = "vc+jwt"


# Only these roles of the issuing department may revoke, suspend or reinstate a certificate.
STATUS_CHANGE_ROLES = frozenset({StaffRole.APPROVER, StaffRole.ADMINISTRATOR})
# W3C Bitstring Status List v1.0 §6.1: at least 131,072 entries, so a list reveals nothing about
# which certificate a verifier is checking (herd privacy).
STATUS_LIST_LENGTH = 131_072
# How long a published status list or key set may be cached: a revocation shows within a minute.
PUBLICATION_CACHE_SECONDS = 60
# The OID root of the national e-licence identifier (GB/T 36904 style).
IDENTIFIER_ROOT = "1.2.156.3005.2"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# The oldest day a printed or presented QR may be checked against; before that, "not yet valid".
EPOCH = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label_zh: str
    label_en: str
    kind: str = FieldKind.TEXT
    required: bool = True
    # Personal data is masked on the public verification page of a printed QR.
    personal: bool = False


@dataclass(frozen=True)
class CertificateTypeSpec:
    code: str
    type_code: str  # the national type code inside the identifier
    name_zh: str
    name_en: str
    department_type: str
    holder_kind: str
    layout: str
    validity_years: int  # 0: long-term (长期)
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)


BUSINESS_LICENCE = "business_licence"
BIRTH_MEDICAL_CERTIFICATE = "birth_medical_certificate"
HOUSEHOLD_REGISTRATION_RECORD = "household_registration_record"
PENSION_QUALIFICATION_RECORD = "pension_qualification_record"
DRIVING_LICENCE = "driving_licence"

STANDARD_CERTIFICATE_TYPES: tuple[CertificateTypeSpec, ...] = (
    CertificateTypeSpec(
        code=BUSINESS_LICENCE,
        type_code="11100000",
        name_zh="营业执照",
        name_en="Business licence",
        department_type=StandardDepartmentType.MARKET_REGULATION,
        holder_kind=HolderKind.ENTERPRISE,
        layout=PdfLayout.LICENCE,
        validity_years=0,
        fields=(
            FieldSpec("name", "名称", "Name"),
            FieldSpec("credit_code", "统一社会信用代码", "Unified social credit code"),
            FieldSpec("kind", "类型", "Type"),
            FieldSpec("legal_representative", "法定代表人", "Legal representative", personal=True),
            FieldSpec("registered_capital", "注册资本", "Registered capital", required=False),
            FieldSpec("established_on", "成立日期", "Established on", kind=FieldKind.DATE),
            FieldSpec("address", "住所", "Address"),
            FieldSpec("business_scope", "经营范围", "Business scope"),
        ),
    ),
    CertificateTypeSpec(
        code=BIRTH_MEDICAL_CERTIFICATE,
        type_code="11200000",
        name_zh="出生医学证明",
        name_en="Birth medical certificate",
        department_type=StandardDepartmentType.HEALTH,
        holder_kind=HolderKind.PERSON,
        layout=PdfLayout.RECORD,
        validity_years=0,
        fields=(
            FieldSpec("name", "新生儿姓名", "Name of the newborn", personal=True),
            FieldSpec("sex", "性别", "Sex", personal=True),
            FieldSpec("born_at", "出生时间", "Born at", personal=True),
            FieldSpec("birthplace", "出生地点", "Place of birth", personal=True),
            FieldSpec("mother_name", "母亲姓名", "Mother's name", personal=True),
            FieldSpec("father_name", "父亲姓名", "Father's name", required=False, personal=True),
            FieldSpec("institution", "接生机构", "Delivering institution"),
        ),
    ),
    CertificateTypeSpec(
        code=HOUSEHOLD_REGISTRATION_RECORD,
        type_code="11300000",
        name_zh="户籍证明",
        name_en="Household registration record",
        department_type=StandardDepartmentType.PUBLIC_SECURITY,
        holder_kind=HolderKind.PERSON,
        layout=PdfLayout.RECORD,
        validity_years=0,
        fields=(
            FieldSpec("name", "姓名", "Name", personal=True),
            FieldSpec("resident_id_number", "公民身份号码", "Resident ID number", personal=True),
            FieldSpec("household_number", "户号", "Household number", personal=True),
            FieldSpec("relation_to_head", "与户主关系", "Relation to the head", personal=True),
            FieldSpec("address", "住址", "Address", personal=True),
        ),
    ),
    CertificateTypeSpec(
        code=PENSION_QUALIFICATION_RECORD,
        type_code="11400000",
        name_zh="养老金领取资格认证记录",
        name_en="Pension qualification record",
        department_type=StandardDepartmentType.HUMAN_RESOURCES_SOCIAL_SECURITY,
        holder_kind=HolderKind.PERSON,
        layout=PdfLayout.RECORD,
        # Qualification is confirmed once a year (人社部 annual certification).
        validity_years=1,
        fields=(
            FieldSpec("name", "姓名", "Name", personal=True),
            FieldSpec("resident_id_number", "公民身份号码", "Resident ID number", personal=True),
            FieldSpec("confirmed_on", "认证日期", "Confirmed on", kind=FieldKind.DATE),
            FieldSpec("method", "认证方式", "Method"),
        ),
    ),
    CertificateTypeSpec(
        code=DRIVING_LICENCE,
        type_code="11500000",
        name_zh="机动车驾驶证",
        name_en="Driving licence",
        department_type=StandardDepartmentType.TRAFFIC_POLICE,
        holder_kind=HolderKind.PERSON,
        layout=PdfLayout.LICENCE,
        # The first licence is valid for six years (公安部令第162号 Art. 70).
        validity_years=6,
        fields=(
            FieldSpec("name", "姓名", "Name", personal=True),
            FieldSpec("resident_id_number", "证号", "Licence number", personal=True),
            FieldSpec("sex", "性别", "Sex", personal=True),
            FieldSpec("vehicle_class", "准驾车型", "Vehicle class"),
            FieldSpec("first_issued_on", "初次领证日期", "First issued on", kind=FieldKind.DATE),
        ),
    ),
)
