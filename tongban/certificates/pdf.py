"""The certificate as a PDF, laid out like its paper original, with its verification QR.

Chinese text is set in an embedded subset of a Song (宋体) typeface, as on paper licences;
characters it lacks — rare ones of CJK Extension B in people's names, such as 𠇔 — fall back
to the HanaMin fonts, so a name is never printed with a missing glyph. Fonts are found at known
Debian paths or through fontconfig; a missing font is a configuration error naming the package.
"""

from __future__ import annotations

import copy as _copy
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from django.core.exceptions import ImproperlyConfigured
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from tongban.certificates.constants import PdfLayout

# fontTools reports every table it does not subset (e.g. embedded bitmaps) at warning level.
logging.getLogger("fontTools").setLevel(logging.ERROR)


@dataclass(frozen=True)
class FontFile:
    family: str
    path: Path
    collection_index: int = 0
    package: str = ""


# Main face first; then fallbacks for characters it lacks.
FONTS = (
    FontFile(
        "AR PL UMing CN",
        Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
        0,
        "fonts-arphic-uming",
    ),
    FontFile(
        "HanaMinB", Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"), 0, "fonts-hanazono"
    ),
    FontFile(
        "HanaMinA", Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"), 0, "fonts-hanazono"
    ),
)


def _fc_match(family: str) -> Path | None:
    executable = shutil.which("fc-match")
    if executable is None:
        return None
    result = subprocess.run(  # noqa: S603 (a fixed program with a family name from this module)
        [executable, "--format", "%{family}\n%{file}", family],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    lines = result.stdout.splitlines()
    # fc-match always answers with something: accept it only if it is the family asked for.
    if len(lines) == 2 and family in lines[0].split(","):
        return Path(lines[1])
    return None


@cache
def fonts_locate() -> tuple[FontFile, ...]:
    found = []
    for font in FONTS:
        path = font.path if font.path.exists() else _fc_match(font.family)
        if path is None or not path.exists():
            raise ImproperlyConfigured(
                f"Certificate PDFs need the font {font.family!r}: install the Debian package "
                f"{font.package} (`make run` and `make test` install it)."
            )
        index = font.collection_index if path == font.path else 0
        found.append(FontFile(font.family, path, index, font.package))
    return tuple(found)


@cache
def _font_prototype(font: FontFile) -> TTFFont:
    """The font parsed once per process: reading the character map and widths of a CJK font
    (tens of thousands of glyphs) takes about a second per file, on every PDF otherwise."""
    scratch = FPDF()
    scratch.add_font(
        "prototype", fname=str(font.path), collection_font_number=font.collection_index
    )
    prototype = scratch.fonts["prototype"]
    assert isinstance(prototype, TTFFont)
    return prototype


def _font_for(pdf: FPDF, font: FontFile, name: str) -> TTFFont:
    """A document's own copy of the parsed font.

    The character map and widths are shared read-only; what the document changes is its own:
    its font number, the subset of glyphs it uses, and the font file, which fpdf2 subsets in
    place when the document is written (so each copy opens the file again, lazily, which is
    cheap). Relies on fpdf2's ``TTFFont`` attributes; the PDF tests (text extracted with pypdf,
    the QR decoded) catch a change of them.
    """
    prototype = _font_prototype(font)
    copy = _copy.copy(prototype)
    copy.i = len(pdf.fonts) + 1
    copy.fontkey = name
    copy.ttfont = ttLib.TTFont(
        str(font.path), recalcTimestamp=False, fontNumber=font.collection_index, lazy=True
    )
    copy.biggest_size_pt = 0
    copy.missing_glyphs = []
    copy._hbfont = None
    copy.subset = SubsetMap(copy)
    copy.color_font = None
    return copy


def fonts_add(pdf: FPDF) -> list[str]:
    """Adds the main face and its fallbacks to ``pdf``; returns their names, main first (the
    caller sets the main one and ``set_fallback_fonts`` to the rest)."""
    names = []
    for number, font in enumerate(fonts_locate()):
        name = f"font{number}"
        pdf.fonts[name] = _font_for(pdf, font, name)
        names.append(name)
    pdf.set_fallback_fonts(names[1:])
    return names


@dataclass(frozen=True)
class PdfField:
    label: str
    value: str


@dataclass(frozen=True)
class PdfContent:
    title: str
    number: str
    holder_label: str
    holder_name: str
    fields: list[PdfField]
    issuer_name: str
    issued_on: str
    valid_text: str
    qr_url: str
    layout: str


def _document(content: PdfContent) -> FPDF:
    orientation = "L" if content.layout == PdfLayout.LICENCE else "P"
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(content.title)
    pdf.set_author(content.issuer_name)
    pdf.set_lang("zh-CN")
    pdf.set_creator("Tongban")
    names = fonts_add(pdf)
    pdf.add_page()
    pdf.set_font(names[0], size=12)
    return pdf


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(168, 17, 27)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)


def _licence(pdf: FPDF, content: PdfContent) -> None:
    _frame(pdf)
    pdf.set_xy(20, 18)
    pdf.set_font_size(10)
    pdf.cell(150, 6, content.number)
    pdf.image(_qr_png(content.qr_url), x=pdf.w - 62, y=16, w=42, h=42)
    pdf.set_xy(pdf.w - 66, 58)
    pdf.set_font_size(8)
    pdf.cell(50, 5, "扫描二维码核验 Scan to verify", align="C")
    pdf.set_xy(20, 30)
    pdf.set_font_size(36)
    pdf.cell(pdf.w - 40 - 50, 18, content.title, align="C")
    pdf.set_xy(30, 66)
    label_width, value_width = 44, pdf.w - 60 - 44
    for row in [PdfField(content.holder_label, content.holder_name), *content.fields]:
        pdf.set_x(30)
        pdf.set_font_size(12)
        pdf.cell(label_width, 8, row.label)
        pdf.multi_cell(value_width, 8, row.value, new_x="LMARGIN", new_y="NEXT")
    _seal(pdf, content)


def _record(pdf: FPDF, content: PdfContent) -> None:
    _frame(pdf)
    pdf.set_xy(20, 24)
    pdf.set_font_size(26)
    pdf.cell(pdf.w - 40, 16, content.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.set_font_size(9)
    pdf.cell(pdf.w - 40, 8, content.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    for row in [PdfField(content.holder_label, content.holder_name), *content.fields]:
        pdf.set_x(25)
        pdf.set_font_size(12)
        pdf.cell(50, 10, row.label, border=1)
        pdf.multi_cell(pdf.w - 50 - 50, 10, row.value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.image(_qr_png(content.qr_url), x=pdf.w - 65, y=pdf.h - 85, w=40, h=40)
    pdf.set_xy(pdf.w - 70, pdf.h - 45)
    pdf.set_font_size(8)
    pdf.cell(50, 5, "扫描二维码核验 Scan to verify", align="C")
    _seal(pdf, content)


def _seal(pdf: FPDF, content: PdfContent) -> None:
    pdf.set_font_size(12)
    bottom = pdf.h - 50 if content.layout == PdfLayout.LICENCE else pdf.h - 70
    pdf.set_xy(30, bottom)
    pdf.cell(140, 8, content.valid_text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.w - 150 if content.layout == PdfLayout.LICENCE else 25, bottom + 12)
    pdf.cell(110, 8, f"发证机关：{content.issuer_name}", new_x="LEFT", new_y="NEXT")
    pdf.cell(110, 8, f"发证日期：{content.issued_on}")


def pdf_render(content: PdfContent) -> bytes:
    pdf = _document(content)
    if content.layout == PdfLayout.LICENCE:
        _licence(pdf, content)
    else:
        _record(pdf, content)
    return bytes(pdf.output())


def qr_svg_data_uri(url: str) -> str:
    """The QR as an SVG data URI, for pages (the CSP allows ``data:`` images)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=6, border=4))
