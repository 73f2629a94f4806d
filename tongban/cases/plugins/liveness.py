"""Remote verification by face (人脸识别): the plug-in interface and its demo plug-in.

A liveness verifier checks that a live person is in front of the camera and compares the face
with the photo on the person's resident ID card, as the population registry holds it. The
platform never stores the image: it passes it to the verifier and keeps the verifier's key,
the outcome, the score and the verifier's reference. To add a real verifier: subclass
``LivenessVerifier``, register it in ``liveness_verifiers`` from ``CasesConfig.ready``, and
test it through ``case_liveness_verify``.
"""

from __future__ import annotations

import abc
import hashlib
import io
import uuid
from dataclasses import dataclass
from typing import ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from tongban.core.registry import Registry
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.services import Reader, ResidentIdCardByIdNumber, registry_read

LIVENESS_PURPOSE = "remote verification by face comparison"
# The demo's threshold: a comparison scoring below it is "not the same person".
MATCH_THRESHOLD = 0.8


@dataclass(frozen=True)
class LivenessResult:
    matched: bool
    score: float
    reference: str


class LivenessVerifier(abc.ABC):
    key: ClassVar[str]
    label: ClassVar[str | Promise]

    @abc.abstractmethod
    def compare(
        self, *, id_number: str, image: bytes, reader_id: uuid.UUID | None
    ) -> LivenessResult:
        """Compares the face in ``image`` with the ID card photo of ``id_number``."""


liveness_verifiers: Registry[LivenessVerifier] = Registry("liveness verifier")


class DemoLivenessVerifier(LivenessVerifier):
    """Demo only: a decodable photo of someone the registry issued a valid ID card to
    "matches"; the score is derived from the image so a retry gives the same answer."""

    key = "demo"
    label = _("Face comparison (demo)")

    def compare(
        self, *, id_number: str, image: bytes, reader_id: uuid.UUID | None
    ) -> LivenessResult:
        reference = "demo-" + hashlib.sha256(image).hexdigest()[:16]
        try:
            with Image.open(io.BytesIO(image)) as photo:
                photo.verify()
        except (UnidentifiedImageError, OSError, ValueError):
            return LivenessResult(matched=False, score=0.0, reference=reference)
        cards = registry_read(
            source=RegistrySourceKey.POPULATION,
            query=ResidentIdCardByIdNumber(id_number),
            reader=Reader(id=reader_id),
            purpose=LIVENESS_PURPOSE,
        )
        if not cards:
            return LivenessResult(matched=False, score=0.0, reference=reference)
        score = 0.9 + (int(hashlib.sha256(image).hexdigest()[:4], 16) % 100) / 1000
        return LivenessResult(matched=score >= MATCH_THRESHOLD, score=score, reference=reference)


def liveness_verifiers_register() -> None:
    if DemoLivenessVerifier.key not in liveness_verifiers:
        liveness_verifiers.register(DemoLivenessVerifier.key, DemoLivenessVerifier())
