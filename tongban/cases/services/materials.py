"""Materials: uploads checked from their content, and documents the government already holds.

An upload is trusted for nothing it says about itself: the type comes from the first bytes
(PDF, JPEG or PNG only), images must decode and are re-encoded without their EXIF block
(GPS position, device), PDFs must parse and have their pages counted. Files go to Django's
storage under random names, outside the web root; only an authorised view serves them.
"""

from __future__ import annotations

import hashlib
import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from tongban.cases.constants import (
    MATERIAL_MAX_BYTES,
    PAGES_PER_HELD_COPY,
    CaseStatus,
    MaterialSource,
)
from tongban.cases.exceptions import CaseNotEditable, MaterialInvalid, MaterialNotFound
from tongban.cases.models import Case, CaseMaterial
from tongban.catalog.models import Material
from tongban.core.exceptions import FieldError
from tongban.core.materials import MaterialHolder, SatisfyingDocument, material_satisfiers

Image.MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused, not decoded


def _invalid(code: str, message: object) -> MaterialInvalid:
    return MaterialInvalid(errors={"file": [FieldError(code, str(message))]})


def content_type_sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _pdf_pages(data: bytes) -> int:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise _invalid("pdf_unreadable", _("This PDF cannot be opened.")) from error
    try:
        pages = len(document)
    finally:
        document.close()
    if pages < 1:
        raise _invalid("pdf_unreadable", _("This PDF has no pages."))
    return pages


def _image_clean(data: bytes, content_type: str) -> bytes:
    """The image re-encoded from its pixels: no EXIF, GPS or other metadata survives."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.format not in ("JPEG", "PNG"):
                raise _invalid("image_unreadable", _("This image cannot be read."))
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            output = io.BytesIO()
            if content_type == "image/jpeg":
                clean.save(output, format="JPEG", quality=92)
            else:
                clean.save(output, format="PNG")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise _invalid("image_unreadable", _("This image cannot be read.")) from error
    return output.getvalue()


def material_file_check(*, data: bytes) -> tuple[bytes, str, int]:
    """The bytes to store, their type and page count; ``MaterialInvalid`` with a stable code."""
    if not data:
        raise _invalid("empty", _("The file is empty."))
    if len(data) > MATERIAL_MAX_BYTES:
        raise _invalid("too_large", _("The file is larger than 10 MB."))
    content_type = content_type_sniff(data[:16])
    if content_type is None:
        raise _invalid("type_not_allowed", _("Only PDF, JPEG and PNG files can be used."))
    if content_type == "application/pdf":
        return data, content_type, _pdf_pages(data)
    return _image_clean(data, content_type), content_type, 1


def _case_draft_locked(case_id: uuid.UUID) -> Case:
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.DRAFT:
        raise CaseNotEditable()
    return case


def _material_of(case: Case, material_id: uuid.UUID | str) -> Material:
    try:
        material = case.service_version.materials.filter(pk=material_id).first()
    except (ValueError, TypeError):
        material = None
    if material is None:
        raise MaterialNotFound()
    return material


@transaction.atomic
def case_material_upload(
    *,
    case_id: uuid.UUID,
    actor_id: uuid.UUID,
    material_id: uuid.UUID | str,
    name: str,
    data: bytes,
) -> CaseMaterial:
    """Stores one checked file for one material of a draft."""
    case = _case_draft_locked(case_id)
    material = _material_of(case, material_id)
    stored, content_type, pages = material_file_check(data=data)
    row = CaseMaterial(
        case=case,
        material=material,
        source=MaterialSource.UPLOAD,
        original_name=(name or "")[-200:],
        content_type=content_type,
        size=len(stored),
        page_count=pages,
        sha256=hashlib.sha256(stored).hexdigest(),
        added_by_id=actor_id,
    )
    row.file.save("material", ContentFile(stored), save=False)
    try:
        row.save()
    except Exception:
        row.file.delete(save=False)
        raise
    _counts_refresh(case)
    return row


@transaction.atomic
def case_material_remove(*, case_id: uuid.UUID, actor_id: uuid.UUID, row_id: uuid.UUID) -> None:
    case = _case_draft_locked(case_id)
    row = case.materials.filter(pk=row_id).first()
    if row is None:
        raise MaterialNotFound()
    if row.file:
        name = str(row.file.name)
        storage = row.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    row.delete()
    _counts_refresh(case)


def _holder_of(case: Case) -> MaterialHolder:
    person = case.applicant_person
    return MaterialHolder(
        user_id=person.pk if person is not None else None,
        resident_id_number=str(person.resident_id_number or "") if person is not None else "",
        credit_code=case.applicant_enterprise.credit_code if case.applicant_enterprise else "",
    )


def held_documents_for(*, case: Case, material: Material) -> list[SatisfyingDocument]:
    """Documents the government holds that fulfil this material for this applicant."""
    holder = _holder_of(case)
    documents: list[SatisfyingDocument] = []
    for code in material.certificate_type_codes or []:
        for satisfier in material_satisfiers:
            documents += satisfier.satisfying(holder=holder, requirement=code)
    return documents


def materials_auto_satisfy(*, case: Case, actor_id: uuid.UUID) -> int:
    """Attaches a held document to every needed material that has nothing yet; how many."""
    from tongban.cases.services.drafts import materials_needed

    attached = 0
    present = set(case.materials.values_list("material_id", flat=True))
    for material in materials_needed(case):
        if material.pk in present or not material.certificate_type_codes:
            continue
        documents = held_documents_for(case=case, material=material)
        if not documents:
            continue
        document = documents[0]
        CaseMaterial.objects.create(
            case=case,
            material=material,
            source=(
                MaterialSource.CERTIFICATE
                if document.satisfier == "certificates"
                else MaterialSource.REGISTRY
            ),
            satisfier=document.satisfier,
            reference=document.reference[:200],
            label=str(document.label)[:300],
            added_by_id=actor_id,
        )
        attached += 1
    if attached:
        _counts_refresh(case)
    return attached


def paper_pages(case: Case) -> tuple[int, int]:
    """The pages of paper the case avoided: ``(uploaded, reused)``.

    An uploaded file is pages not printed (a file whose pages are unknown counts one); a
    document the government already holds spares the copies the guide would have asked for.
    """
    uploaded = reused = 0
    for row in case.materials.select_related("material"):
        if row.source == MaterialSource.UPLOAD:
            uploaded += max(row.page_count, 1)
        else:
            reused += max(row.material.copies, 1) * PAGES_PER_HELD_COPY
    return uploaded, reused


def _counts_refresh(case: Case) -> None:
    rows = list(case.materials.values_list("material_id", "source"))
    case.materials_by_certificate = len(
        {material for material, source in rows if source != MaterialSource.UPLOAD}
    )
    case.materials_uploaded = len(
        {material for material, source in rows if source == MaterialSource.UPLOAD}
    )
    case.pages_uploaded, case.pages_reused = paper_pages(case)
    case.save(
        update_fields=[
            "materials_by_certificate",
            "materials_uploaded",
            "pages_uploaded",
            "pages_reused",
            "updated_at",
        ]
    )
