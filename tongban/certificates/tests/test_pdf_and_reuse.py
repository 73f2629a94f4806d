"""The PDF (text and QR, read back by independent tools) and reuse in application forms."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from tongban.certificates.documents import certificate_pdf
from tongban.certificates.pdf import fonts_locate
from tongban.core.materials import MaterialHolder, material_satisfiers
from tongban.core.prefill import PrefillSubject, prefill_sources


def test_the_pdf_text_contains_the_holders_chinese_name_exactly(licence):
    text = PdfReader(io.BytesIO(certificate_pdf(licence))).pages[0].extract_text()

    assert "林𠇔" in text
    assert "营业执照" in text
    assert licence.number in text


def test_the_pdf_embeds_its_fonts_as_subsets(licence):
    reader = PdfReader(io.BytesIO(certificate_pdf(licence)))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = [font.get_object() for font in resources["/Font"].values()]

    assert fonts
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor
        assert "+" in font["/BaseFont"]


def test_documents_made_one_after_another_each_embed_only_their_own_glyphs():
    """The parsed fonts are shared between documents; what each one embeds is its own."""
    from fpdf import FPDF

    from tongban.certificates.pdf import fonts_add

    def document(text: str) -> bytes:
        pdf = FPDF()
        names = fonts_add(pdf)
        pdf.add_page()
        pdf.set_font(names[0], size=12)
        pdf.cell(0, 10, text)
        return bytes(pdf.output())

    first, second, again = document("林𠇔 营业执照"), document("海川市"), document("林𠇔 营业执照")

    assert PdfReader(io.BytesIO(first)).pages[0].extract_text() == "林𠇔 营业执照"
    assert PdfReader(io.BytesIO(second)).pages[0].extract_text() == "海川市"
    assert len(second) < len(first)
    # The same text embeds the same subset (only the creation time differs).
    assert len(again) == len(first)


def test_the_qr_in_the_pdf_opens_the_verification_page_of_that_certificate(client, licence):
    document = pypdfium2.PdfDocument(certificate_pdf(licence))
    image = document[0].render(scale=3).to_pil()

    results = zxingcpp.read_barcodes(image)

    assert len(results) == 1
    url = urlsplit(results[0].text)
    page = client.get(f"{url.path}?{url.query}")
    assert page.status_code == 200
    assert licence.number in page.content.decode()


def test_the_fonts_are_found(licence):
    assert [font.family for font in fonts_locate()][:2] == ["AR PL UMing CN", "HanaMinB"]


def test_a_held_certificate_satisfies_a_material(citizen, licence):
    satisfier = material_satisfiers["certificates"]

    by_account = satisfier.satisfying(
        holder=MaterialHolder(user_id=citizen.pk), requirement="business_licence"
    )
    by_credit_code = satisfier.satisfying(
        holder=MaterialHolder(credit_code=licence.holder_identifier),
        requirement="business_licence",
    )

    assert [document.reference for document in by_account] == [str(licence.pk)]
    assert [document.reference for document in by_credit_code] == [str(licence.pk)]
    assert satisfier.satisfying(holder=MaterialHolder(user_id=citizen.pk), requirement="x") == []


def test_a_revoked_certificate_no_longer_satisfies_a_material(citizen, licence, approver):
    from tongban.certificates import services

    services.certificate_revoke(certificate=licence, actor=approver, reason="吊销")

    assert (
        material_satisfiers["certificates"].satisfying(
            holder=MaterialHolder(user_id=citizen.pk), requirement="business_licence"
        )
        == []
    )


def test_a_person_is_prefilled_from_their_own_certificates(citizen, pension_record, other_citizen):
    source = prefill_sources["certificates"]
    subject = PrefillSubject(
        person_id=citizen.pk, enterprise_id=None, actor_id=citizen.pk, purpose="test"
    )

    values = source.values(
        subject=subject,
        keys=["pension_qualification_record.confirmed_on", "pension_qualification_record.x"],
    )

    assert values["pension_qualification_record.confirmed_on"].value == "2025-06-01"
    assert values["pension_qualification_record.confirmed_on"].editable is False
    assert set(values) == {"pension_qualification_record.confirmed_on"}
    other = PrefillSubject(
        person_id=other_citizen.pk, enterprise_id=None, actor_id=other_citizen.pk, purpose="t"
    )
    assert source.values(subject=other, keys=["pension_qualification_record.confirmed_on"]) == {}
    assert "business_licence.credit_code" in [field.key for field in source.fields()]
