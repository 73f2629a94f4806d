"""The demo image of a department's special seal: drawn once, stored per department.

A red ring with a five-pointed star in the middle, the department's name set along the upper
arc and the seal's use across the bottom, as Chinese official seals look. It is a picture for
the demo city, not a real seal: a real one is issued by the public security bureau's seal
engraving system and applied as an electronic seal (在线政务服务规定 Art. 9).
"""

from __future__ import annotations

import io
import math
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from tongban.cases.models import DepartmentSeal
from tongban.certificates.services import fonts_locate
from tongban.organization.models import Department

SIZE = 480
RED = (200, 22, 29, 235)
SEAL_USE = "行政审批专用章"


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    main = fonts_locate()[0]
    return ImageFont.truetype(str(main.path), size=size, index=main.collection_index)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for index in range(10):
        angle = -math.pi / 2 + index * math.pi / 5
        length = radius if index % 2 == 0 else radius * 0.382
        points.append((cx + length * math.cos(angle), cy + length * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _character(image: Image.Image, text: str, cx: float, cy: float, degrees: float) -> None:
    font = _font(54)
    tile = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((40, 40), text, font=font, fill=RED, anchor="mm")
    rotated = tile.rotate(-degrees, resample=Image.Resampling.BICUBIC)
    image.alpha_composite(rotated, (round(cx - 40), round(cy - 40)))


def seal_png(name: str) -> bytes:
    """The seal of a department called ``name`` as a transparent PNG."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = SIZE / 2
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), outline=RED, width=14)
    _star(draw, centre, centre, 78)
    characters = list(name[:18])
    # The name runs clockwise over the top, across up to 240 degrees.
    span = min(240.0, 20.0 * max(len(characters) - 1, 1) + 20.0)
    radius = SIZE / 2 - 62
    for index, character in enumerate(characters):
        position = -span / 2 + span * index / max(len(characters) - 1, 1)
        angle = math.radians(position - 90)
        _character(
            image,
            character,
            centre + radius * math.cos(angle),
            centre + radius * math.sin(angle),
            position,
        )
    draw.text((centre, centre + 120), SEAL_USE, font=_font(38), fill=RED, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def department_seal_ensure(*, department: Department) -> DepartmentSeal:
    """The department's stored seal, drawn and stored the first time it is needed."""
    seal = DepartmentSeal.objects.filter(department=department).first()
    if seal is not None:
        return seal
    seal, _created = DepartmentSeal.objects.get_or_create(
        department=department, defaults={"image": seal_png(department.name)}
    )
    return seal
