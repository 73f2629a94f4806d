"""Showing a certificate (亮证): a time-limited QR the holder opens on their phone."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.certificates.constants import TokenType
from tongban.certificates.models import Certificate, Presentation
from tongban.certificates.services.publication import token_sign


@transaction.atomic
def presentation_create(*, certificate: Certificate, actor: Any) -> Presentation:
    """A presentation token valid for ``CERTIFICATE_PRESENTATION_SECONDS`` (5 minutes by
    default). The caller fetched ``certificate`` through ``certificate_get_for_holder``."""
    expires_at = (
        timezone.now() + dt.timedelta(seconds=settings.CERTIFICATE_PRESENTATION_SECONDS)
    ).replace(microsecond=0)
    presentation_id = uuid.uuid4()
    token = token_sign(
        key=certificate.issuer_key,
        payload={
            "pid": presentation_id.hex,
            "cid": certificate.pk.hex,
            "iss": certificate.issuer.department.code,
            "exp": int(expires_at.timestamp()),
        },
        typ=TokenType.PRESENTATION,
    )
    return Presentation.objects.create(
        id=presentation_id,
        certificate=certificate,
        created_by=actor,
        expires_at=expires_at,
        token=token,
    )
