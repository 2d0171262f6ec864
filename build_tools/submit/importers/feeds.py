"""RSS 2.0 / Atom feeds as rows, parsed safely.

defusedxml refuses entity declarations (billion laughs, external entities) and external DTDs; feeds never
need them. Chinese portals still serve GB2312/GBK feeds, which expat cannot decode: those are decoded here
from their declared encoding and handed to the parser as text.

Each item becomes `{title, url, summary, date, category, …}` plus every other simple child element by its
local name (`<dc:identifier>` -> identifier, a portal's own `<文号>`), matched to columns like headers.
"""
from __future__ import annotations

import re
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .table import ImportFileError, feed_date

_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9_.-]+)[\"'][^>]*\?>")
_NATIVE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "utf-16"}


def parse_xml(raw: bytes):
    """The document's root element; refuses DTD entities and undecodable text with a Chinese reason."""
    source: bytes | str = raw
    m = _DECL.match(raw)
    if m and m.group(1).decode().lower() not in _NATIVE:
        declared = m.group(1).decode().lower()
        codec = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
        try:
            source = raw[m.end():].decode(codec)
        except (LookupError, UnicodeDecodeError):
            raise ImportFileError(f"无法按声明的编码“{declared}”读取该 XML 文件") from None
    try:
        return SafeET.fromstring(source)
    except DefusedXmlException:
        raise ImportFileError("XML 中含有实体或文档类型声明（DTD），为安全起见拒绝读取") from None
    except SafeET.ParseError as exc:
        raise ImportFileError(f"XML 格式错误：{exc}") from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def feed_rows(raw: bytes) -> tuple[list[tuple[str, dict[str, str]]], list[str]]:
    root = parse_xml(raw)
    kind = _local(root.tag)
    if kind == "rss" or kind == "RDF":
        items = [el for el in root.iter() if _local(el.tag) == "item"]
        what = "RSS"
    elif kind == "feed":
        items = [el for el in root if _local(el.tag) == "entry"]
        what = "Atom"
    else:
        raise ImportFileError(f"不是 RSS 或 Atom 订阅（根元素为 <{kind}>）")
    rows = [(f"第 {n} 条", _item(el)) for n, el in enumerate(items, start=1)]
    return rows, [f"{what} 订阅，共 {len(items)} 条"]


def _item(el) -> dict[str, str]:
    out: dict[str, str] = {}
    categories: list[str] = []
    for child in el:
        name, text = _local(child.tag), _text(child)
        if name == "link":
            href = child.get("href")
            if href is None:  # RSS: the link is the element's text
                out.setdefault("url", text)
            elif child.get("rel", "alternate") == "alternate":
                out.setdefault("url", href.strip())
        elif name == "category":
            categories.append(child.get("term") or text)
        elif name in ("description", "summary", "content"):
            out.setdefault("summary", text)
        elif name in ("pubDate", "published", "updated", "date"):
            if text:
                out.setdefault("date", feed_date(text))
        elif name == "author" and len(child):  # Atom: <author><name>…</name></author>
            names = [_text(c) for c in child if _local(c.tag) == "name"]
            if names and names[0]:
                out.setdefault("author", names[0])
        elif name in ("guid", "id"):  # an identifier, not a record id; a permalink stands in for a missing link
            if text.startswith(("http://", "https://")) and child.get("isPermaLink") != "false":
                out.setdefault("guid", text)
        elif len(child) == 0 and text:
            out.setdefault(name, text)
    if "url" not in out and "guid" in out:
        out["url"] = out["guid"]
    out.pop("guid", None)
    if categories:
        out["category"] = "\n".join(c for c in categories if c)
    return out
