"""The prefill sources and material satisfiers the cases app registers in core at start-up.

* ``identity`` — what the account proved at real-name verification (name, ID number) and the
  verified mobile number;
* ``population`` — the population registry, read through ``registry_read`` with a purpose
  (every read is logged and shown to the person);
* ``earlier`` — the applicant's own answers in their earlier applications.

The resident ID card is held by the population registry: the ``registry`` satisfier offers
it for a material that names ``resident_id_card``, so nobody uploads a photo of it. The
``application`` satisfier stands for the application form itself, generated from the answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import User
from tongban.core.materials import (
    HeldDocumentKind,
    MaterialHolder,
    SatisfyingDocument,
    held_document_kinds,
    material_satisfiers,
)
from tongban.core.prefill import PrefilledValue, PrefillField, PrefillSubject, prefill_sources
from tongban.registries.services import (
    Reader,
    ResidentByIdNumber,
    ResidentIdCardByIdNumber,
    registry_read,
)

RESIDENT_ID_CARD = "resident_id_card"
APPLICATION_FORM = "application_form"
# Which department answers a correction request about a value from each source.
CORRECTION_DEPARTMENT_TYPES = {
    "identity": "public_security",
    "population": "public_security",
    "certificates": "market_regulation",
}


def _person(subject: PrefillSubject) -> User | None:
    if subject.person_id is None:
        return None
    return User.objects.filter(pk=subject.person_id).first()


class IdentityPrefillSource:
    key = "identity"
    label = _("Your verified identity")

    def fields(self) -> Sequence[PrefillField]:
        return [
            PrefillField("real_name", _("Real name")),
            PrefillField("resident_id_number", _("Resident ID number")),
            PrefillField("mobile", _("Mobile number")),
        ]

    def values(self, *, subject: PrefillSubject, keys: Sequence[str]) -> dict[str, PrefilledValue]:
        user = _person(subject)
        if user is None or user.real_name_level < 2:
            return {}
        label = _("from your verified identity")
        found: dict[str, PrefilledValue] = {}
        if "real_name" in keys and user.real_name:
            found["real_name"] = PrefilledValue(str(user.real_name), label, editable=False)
        if "resident_id_number" in keys and user.resident_id_number:
            found["resident_id_number"] = PrefilledValue(
                str(user.resident_id_number), label, editable=False
            )
        if "mobile" in keys and user.mobile and user.mobile_verified:
            found["mobile"] = PrefilledValue(
                str(user.mobile), _("from your verified mobile number"), editable=True
            )
        return found


class PopulationPrefillSource:
    key = "population"
    label = _("Population registry")

    def fields(self) -> Sequence[PrefillField]:
        return [
            PrefillField("name", _("Name")),
            PrefillField("sex", _("Sex")),
            PrefillField("ethnicity", _("Ethnicity")),
            PrefillField("birth_date", _("Date of birth")),
            PrefillField("address", _("Registered address")),
        ]

    def values(self, *, subject: PrefillSubject, keys: Sequence[str]) -> dict[str, PrefilledValue]:
        user = _person(subject)
        if user is None or not user.resident_id_number or not keys:
            return {}
        records = registry_read(
            source="population",
            query=ResidentByIdNumber(id_number=str(user.resident_id_number)),
            reader=Reader(id=subject.actor_id),
            purpose=subject.purpose,
        )
        if not records:
            return {}
        record = records[0]
        label = _("from the population registry")
        found: dict[str, PrefilledValue] = {}
        for key in keys:
            value = getattr(record, key, None)
            if value in (None, ""):
                continue
            found[key] = PrefilledValue(
                value.isoformat() if hasattr(value, "isoformat") else str(value),
                label,
                # The registered address may differ from where one lives or does business.
                editable=key == "address",
            )
        return found


class RegistryDocumentSatisfier:
    """The resident ID card, as the population registry holds it."""

    key = "registry"

    def satisfying(self, *, holder: MaterialHolder, requirement: str) -> list[SatisfyingDocument]:
        if requirement != RESIDENT_ID_CARD or not holder.resident_id_number:
            return []
        cards = registry_read(
            source="population",
            query=ResidentIdCardByIdNumber(id_number=holder.resident_id_number),
            reader=Reader(id=holder.user_id),
            purpose=str(_("Check the applicant's ID card for an application")),
        )
        return [
            SatisfyingDocument(
                satisfier=self.key,
                reference=f"{RESIDENT_ID_CARD}:{card.valid_from.isoformat()}",
                label=_("Resident ID card held by the population registry"),
                valid_until=card.valid_until.isoformat() if card.valid_until else "",
            )
            for card in cards
        ]


class ApplicationFormSatisfier:
    """The application form (申请书) is generated from the answers; nothing to upload."""

    key = "application"

    def satisfying(self, *, holder: MaterialHolder, requirement: str) -> list[SatisfyingDocument]:
        if requirement != APPLICATION_FORM:
            return []
        return [
            SatisfyingDocument(
                satisfier=self.key,
                reference=APPLICATION_FORM,
                label=_("Generated from your answers when you submit"),
                valid_until="",
            )
        ]


class EarlierAnswersPrefillSource:
    """The applicant's answer to a question of the same key in their latest application."""

    key = "earlier"
    label = _("Your earlier applications")

    def fields(self) -> Sequence[PrefillField]:
        return [
            PrefillField("premises", _("Business premises")),
            PrefillField("postal_code", _("Postal code")),
            PrefillField("address", _("Address")),
            PrefillField("mobile", _("Mobile number")),
            PrefillField("business_scope", _("Business scope")),
            PrefillField("e_commerce", _("E-commerce operator")),
            PrefillField("capital", _("Capital contributed")),
            PrefillField("composition", _("Composition")),
        ]

    def values(self, *, subject: PrefillSubject, keys: Sequence[str]) -> dict[str, PrefilledValue]:
        from tongban.cases.selectors import earlier_answers

        answers = earlier_answers(
            person_id=subject.person_id, enterprise_id=subject.enterprise_id, keys=keys
        )
        label = _("from your earlier application")
        return {key: PrefilledValue(value, label, editable=True) for key, value in answers.items()}


def register() -> None:
    for source in (
        IdentityPrefillSource(),
        PopulationPrefillSource(),
        EarlierAnswersPrefillSource(),
    ):
        if source.key not in prefill_sources:
            prefill_sources.register(source.key, source)
    for kind in (
        HeldDocumentKind(RESIDENT_ID_CARD, _("Resident ID card (population registry)")),
        HeldDocumentKind(APPLICATION_FORM, _("Application form generated from the answers")),
    ):
        if kind.code not in held_document_kinds:
            held_document_kinds.register(kind.code, kind)
    for satisfier in (RegistryDocumentSatisfier(), ApplicationFormSatisfier()):
        if satisfier.key not in material_satisfiers:
            material_satisfiers.register(satisfier.key, satisfier)
