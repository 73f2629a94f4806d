"""What certificates plug into below it: prefill, material satisfiers, notification events."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Enterprise, User
from tongban.certificates.constants import STANDARD_CERTIFICATE_TYPES, HolderKind
from tongban.certificates.documents import credential_claims
from tongban.certificates.selectors import Holder, certificates_satisfying
from tongban.certificates.services import ISSUED_EVENT, STATUS_CHANGED_EVENT
from tongban.core.materials import MaterialHolder, SatisfyingDocument, material_satisfiers
from tongban.core.prefill import PrefilledValue, PrefillField, PrefillSubject, prefill_sources
from tongban.notifications.constants import Category, Channel
from tongban.notifications.services import EventType, TemplateText, event_type_register

SOURCE_KEY = "certificates"


class CertificatePrefillSource:
    """Values from the subject's valid certificates: ``<type code>.<field key>``, e.g.
    ``business_licence.credit_code``. Facts a certificate states are not editable."""

    key = SOURCE_KEY
    label = _("Your e-certificates")

    def fields(self) -> Sequence[PrefillField]:
        return [
            PrefillField(f"{spec.code}.{row.key}", f"{spec.name_zh}：{row.label_zh}")
            for spec in STANDARD_CERTIFICATE_TYPES
            for row in spec.fields
        ]

    def values(self, *, subject: PrefillSubject, keys: Sequence[str]) -> dict[str, PrefilledValue]:
        holder: Holder | None = None
        if subject.enterprise_id is not None:
            enterprise = Enterprise.objects.filter(pk=subject.enterprise_id).first()
            if enterprise is None:
                return {}
            holder = Holder(HolderKind.ENTERPRISE, enterprise.credit_code, enterprise.name)
        elif subject.person_id is not None:
            user = User.objects.filter(pk=subject.person_id).first()
            if user is None or not user.resident_id_number:
                return {}
            holder = Holder.person(user)
        else:
            return {}
        wanted: dict[str, list[str]] = {}
        for key in keys:
            type_code, _dot, field = key.partition(".")
            if field:
                wanted.setdefault(type_code, []).append(field)
        found: dict[str, PrefilledValue] = {}
        for type_code, fields in wanted.items():
            held = certificates_satisfying(holder=holder, certificate_type_code=type_code)
            if not held:
                continue
            certificate = held[0]
            claims = credential_claims(certificate).get("credentialSubject", {})
            for field in fields:
                if claims.get(field):
                    found[f"{type_code}.{field}"] = PrefilledValue(
                        value=claims[field],
                        source_label=_("from your %(name)s") % {"name": certificate.type.name},
                        editable=False,
                        details={"certificate": certificate.number},
                    )
        return found


class CertificateMaterialSatisfier:
    """A held, valid certificate of the requested type replaces the upload of a copy."""

    key = SOURCE_KEY

    def satisfying(self, *, holder: MaterialHolder, requirement: str) -> list[SatisfyingDocument]:
        results = []
        if holder.user_id is not None:
            user = User.objects.filter(pk=holder.user_id).first()
            if user is not None:
                results += certificates_satisfying(user=user, certificate_type_code=requirement)
        for kind, identifier in (
            (HolderKind.PERSON, holder.resident_id_number),
            (HolderKind.ENTERPRISE, holder.credit_code),
        ):
            if identifier:
                results += certificates_satisfying(
                    holder=Holder(kind, identifier, ""), certificate_type_code=requirement
                )
        unique = {certificate.pk: certificate for certificate in results}
        return [
            SatisfyingDocument(
                satisfier=self.key,
                reference=str(certificate.pk),
                label=f"{certificate.type.name} {certificate.number}",
                valid_until=certificate.valid_until.isoformat() if certificate.valid_until else "",
            )
            for certificate in unique.values()
        ]


EVENTS = (
    EventType(
        code=ISSUED_EVENT,
        category=Category.DECISION,
        description=_("An e-certificate was issued to you"),
        variables=("certificate_type", "number"),
        channels=(Channel.INBOX, Channel.PUSH),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="您的{{ certificate_type }}已签发",
                body="电子证照“{{ certificate_type }}”（编号 {{ number }}）已存入您的电子证照夹，"
                "与纸质证照具有同等法律效力。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Your {{ certificate_type }} was issued",
                body="The e-certificate {{ certificate_type }} (number {{ number }}) is in your "
                "certificate wallet. It has the same legal force as the paper one.",
            ),
            (Channel.PUSH, "zh-hans"): TemplateText(
                subject="{{ certificate_type }}已签发", body="已存入您的电子证照夹。"
            ),
            (Channel.PUSH, "en"): TemplateText(
                subject="{{ certificate_type }} issued", body="It is in your certificate wallet."
            ),
        },
        sample={"certificate_type": "营业执照", "number": "1.2.156.3005.2.11100000…"},
    ),
    EventType(
        code=STATUS_CHANGED_EVENT,
        category=Category.DECISION,
        description=_("The status of one of your e-certificates changed"),
        variables=("certificate_type", "number", "status", "reason"),
        channels=(Channel.INBOX, Channel.PUSH),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="您的{{ certificate_type }}状态变更为：{{ status }}",
                body="电子证照“{{ certificate_type }}”（编号 {{ number }}）的状态已变更为"
                "“{{ status }}”。原因：{{ reason }}",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Your {{ certificate_type }} is now: {{ status }}",
                body="The status of the e-certificate {{ certificate_type }} (number {{ number }}) "
                "is now {{ status }}. Reason: {{ reason }}",
            ),
            (Channel.PUSH, "zh-hans"): TemplateText(
                subject="{{ certificate_type }}：{{ status }}", body="原因：{{ reason }}"
            ),
            (Channel.PUSH, "en"): TemplateText(
                subject="{{ certificate_type }}: {{ status }}", body="Reason: {{ reason }}"
            ),
        },
        sample={
            "certificate_type": "营业执照",
            "number": "1.2.156.3005.2.11100000…",
            "status": "已吊销",
            "reason": "依法吊销",
        },
    ),
)


def register() -> None:
    if SOURCE_KEY not in prefill_sources:
        prefill_sources.register(SOURCE_KEY, CertificatePrefillSource())
    if SOURCE_KEY not in material_satisfiers:
        material_satisfiers.register(SOURCE_KEY, CertificateMaterialSatisfier())
    for event in EVENTS:
        event_type_register(event)
