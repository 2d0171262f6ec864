"""Atom 1.0 feeds (RFC 4287). Built with ElementTree, so every record text is escaped as XML; characters
XML 1.0 cannot carry at all (control characters: ElementTree would write them and make the whole feed
unreadable) are dropped here, whatever validation let through."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..records.textsafe import xml_text

NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("", NS)
TIMEZONE = "+08:00"  # records carry dates only; publish dates are Beijing time


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: dt.date
    summary: str
    author: str
    categories: tuple[str, ...] = ()


def timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00{TIMEZONE}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def feed_xml(*, feed_id: str, title: str, subtitle: str, self_url: str, alt_url: str,
             author: str, entries: list[Entry], fallback_updated: dt.date) -> bytes:
    """The feed document, entries newest first; `updated` is the newest entry's date (reproducible builds)."""
    entries = sorted(entries, key=lambda e: (e.published, e.id), reverse=True)
    root = ET.Element(f"{{{NS}}}feed", {"xml:lang": "zh-CN"})
    _add(root, "id", feed_id)
    _add(root, "title", title)
    _add(root, "subtitle", subtitle)
    _add(root, "updated", timestamp(entries[0].published if entries else fallback_updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(root, "link", rel="alternate", type="text/html", href=alt_url)
    _add(_add(root, "author"), "name", author)
    for e in entries:
        item = _add(root, "entry")
        _add(item, "id", e.id)
        _add(item, "title", e.title)
        _add(item, "link", rel="alternate", type="text/html", href=e.link)
        _add(item, "published", timestamp(e.published))
        _add(item, "updated", timestamp(e.published))
        _add(_add(item, "author"), "name", e.author)
        for term in e.categories:
            _add(item, "category", term=term)
        _add(item, "summary", e.summary, type="text")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
