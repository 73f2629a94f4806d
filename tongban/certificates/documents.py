"""What a certificate says, read back from its own credential, and its PDF."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from tongban.certificates import links
from tongban.certificates.constants import HolderKind
from tongban.certificates.models import Certificate
from tongban.certificates.pdf import PdfContent, PdfField, pdf_render


@dataclass(frozen=True)
class ShownField:
    key: str
    label: str
    value: str
    personal: bool


def credential_claims(certificate: Certificate) -> dict[str, Any]:
    """The credential's payload. Our own stored credential: read, not re-verified."""
    payload = certificate.credential.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def certificate_fields(
    certificate: Certificate, *, language: str | None = None
) -> list[ShownField]:
    subject = credential_claims(certificate).get("credentialSubject", {})
    english = (language or get_language() or "zh-hans").startswith("en")
    return [
        ShownField(
            key=row["key"],
            label=row["label_en"] if english else row["label_zh"],
            value=str(subject.get(row["key"], "")),
            personal=bool(row.get("personal")),
        )
        for row in certificate.type.fields
        if subject.get(row["key"])
    ]


def certificate_pdf(certificate: Certificate) -> bytes:
    holder_label = "持证人" if certificate.holder_kind == HolderKind.PERSON else "持证主体"
    end = f"{certificate.valid_until:%Y年%m月%d日}" if certificate.valid_until else "长期"
    valid_text = f"有效期限：{certificate.valid_from:%Y年%m月%d日} 至 {end}"
    fields = [
        PdfField(field.label, field.value)
        for field in certificate_fields(certificate, language="zh-hans")
        if field.value != certificate.holder_name
    ]
    return pdf_render(
        PdfContent(
            title=certificate.type.name,
            number=f"证照编号：{certificate.number}",
            holder_label=holder_label,
            holder_name=certificate.holder_name,
            fields=fields,
            issuer_name=certificate.issuer.department.name,
            issued_on=f"{timezone.localtime(certificate.created_at):%Y年%m月%d日}",
            valid_text=valid_text,
            qr_url=links.verification_url(certificate.qr_token),
            layout=certificate.type.layout,
        )
    )
