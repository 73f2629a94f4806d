"""An alert as a CAP 1.2 XML document, and checking documents against the OASIS schema.

The schema (``schema/CAP-v1.2.xsd``, see its README for origin and licence) restricts every
time to ``YYYY-MM-DDThh:mm:ss±hh:mm``: no fractional seconds and no "Z", so times are written
in China Standard Time with an explicit offset.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _
from lxml import etree

from tongban.alerts.constants import CAP_NAMESPACE
from tongban.alerts.models import Alert
from tongban.core.exceptions import FieldError, InvalidInput

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "CAP-v1.2.xsd"
CHINA = ZoneInfo("Asia/Shanghai")


class CapInvalid(InvalidInput):
    code = "cap_invalid"
    default_message = _("The CAP document does not satisfy the CAP 1.2 schema.")


def cap_datetime(value: dt.datetime) -> str:
    """``2026-11-22T08:00:00+08:00``: the only form CAP 1.2 accepts."""
    return value.astimezone(CHINA).replace(microsecond=0).isoformat()


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def cap_validate(document: bytes) -> None:
    """Raises ``CapInvalid`` (with the schema's first complaint) unless the document is valid."""
    try:
        root = etree.fromstring(document)
    except etree.XMLSyntaxError as error:
        raise CapInvalid(errors={"cap": [FieldError("cap_not_xml", str(error))]}) from None
    schema = _schema()
    if not schema.validate(root):
        first = schema.error_log.last_error
        raise CapInvalid(errors={"cap": [FieldError("cap_schema", first.message if first else "")]})


def _add(parent: etree._Element, name: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NAMESPACE}}}{name}")
    element.text = text
    return element


def cap_element(alert: Alert) -> etree._Element:
    """The alert as a ``<cap:alert>`` element (to embed in a feed entry or serialize)."""
    root = etree.Element(f"{{{CAP_NAMESPACE}}}alert", nsmap={None: CAP_NAMESPACE})
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", alert.sender)
    _add(root, "sent", cap_datetime(alert.sent or alert.created_at))
    _add(root, "status", alert.status)
    _add(root, "msgType", alert.msg_type)
    _add(root, "scope", alert.scope)
    if alert.references is not None:
        original = alert.references
        # CAP: "sender,identifier,sent" of each earlier message, separated by spaces.
        _add(
            root,
            "references",
            f"{original.sender},{original.identifier},"
            f"{cap_datetime(original.sent or original.created_at)}",
        )
    info = etree.SubElement(root, f"{{{CAP_NAMESPACE}}}info")
    _add(info, "language", alert.language)
    _add(info, "category", alert.category)
    _add(info, "event", alert.event)
    _add(info, "urgency", alert.urgency)
    _add(info, "severity", alert.severity)
    _add(info, "certainty", alert.certainty)
    _add(info, "expires", cap_datetime(alert.expires))
    _add(info, "senderName", alert.department.name)
    _add(info, "headline", alert.headline)
    _add(info, "description", alert.description)
    if alert.instruction:
        _add(info, "instruction", alert.instruction)
    regions = list(alert.areas.all())
    area = etree.SubElement(info, f"{{{CAP_NAMESPACE}}}area")
    _add(area, "areaDesc", "、".join(region.name for region in regions))
    for region in regions:
        geocode = etree.SubElement(area, f"{{{CAP_NAMESPACE}}}geocode")
        # GB/T 2260 administrative division codes, as China's national CAP profile names them.
        _add(geocode, "valueName", "GB/T 2260")
        _add(geocode, "value", region.code)
    return root


def cap_document(alert: Alert) -> bytes:
    document: bytes = etree.tostring(
        cap_element(alert), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document
