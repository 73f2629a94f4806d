"""The public Atom feed (RFC 4287): one entry per alert, its CAP 1.2 document as content."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from lxml import etree

from tongban.alerts.cap import cap_datetime, cap_element
from tongban.alerts.models import Alert

ATOM = "http://www.w3.org/2005/Atom"


def _add(parent: etree._Element, name: str, text: str = "", **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", **attributes)
    if text:
        element.text = text
    return element


def atom_feed(*, alerts: Sequence[Alert], base_url: str) -> bytes:
    base = base_url.rstrip("/")
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(root, "id", f"{base}/alerts/feed.atom")
    _add(root, "title", "通办 · 突发事件预警信息")
    newest = max((alert.sent or alert.created_at for alert in alerts), default=timezone.now())
    _add(root, "updated", cap_datetime(newest))
    _add(root, "link", rel="self", href=f"{base}/alerts/feed.atom")
    _add(root, "link", rel="alternate", href=f"{base}/alerts/")
    author = _add(root, "author")
    _add(author, "name", "通办")
    for alert in alerts:
        entry = _add(root, "entry")
        _add(entry, "id", f"urn:tongban:alert:{alert.id}")
        _add(entry, "title", alert.headline)
        _add(entry, "updated", cap_datetime(alert.sent or alert.created_at))
        _add(entry, "link", rel="alternate", href=f"{base}/alerts/{alert.id}/")
        _add(
            entry,
            "link",
            rel="related",
            type="application/cap+xml",
            href=f"{base}/alerts/{alert.id}/cap.xml",
        )
        _add(entry, "summary", alert.description[:500])
        # An XML media type: the content is the CAP <alert> element itself (RFC 4287 §4.1.3.3).
        content = _add(entry, "content", type="application/cap+xml")
        content.append(cap_element(alert))
    document: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document


def feed_cap_documents(document: bytes) -> list[bytes]:
    """The CAP documents inside a feed, each as a standalone document (for validating)."""
    root = etree.fromstring(document)
    return [
        etree.tostring(element) for element in root.iterfind(f"{{{ATOM}}}entry/{{{ATOM}}}content/*")
    ]
