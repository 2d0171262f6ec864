"""Attachments (files in a record's files/ folder): what may be published, by extension AND content.

Attachments are copied next to the record's page, so they are served from the site's own origin: an
HTML, SVG, XML or script file there runs the contributor's script for every visitor. Static hosts pick
the Content-Type from the extension, so the extension decides how a browser treats the file; the
content check makes sure the file is what its extension says (an HTML page renamed report.pdf is
refused, not merely served harmlessly) and that Office files are documents, not archives of anything.

Allowed (everything else is refused, whatever its content):

| extension | content must start with / contain |
|---|---|
| .pdf | `%PDF-` |
| .png / .jpg .jpeg / .webp | the PNG signature / JPEG SOI marker / `RIFF....WEBP` |
| .docx / .xlsx / .pptx | a ZIP whose `[Content_Types].xml` declares the Word / Excel / PowerPoint main part |
| .doc / .xls / .ppt | the OLE compound-file signature |
| .txt / .csv | UTF-8 text (BOM allowed): no control characters, no HTML/XML markup (`<script`, `<svg`, `<html`, `<?xml`, `<!--` …) |
| .mp4 | an ISO media file (`ftyp` box) |
| .webm | a Matroska/EBML header (`1A 45 DF A3`) whose DocType is `webm` (royalty-free video every browser plays) |

Size limit: 20 MB (videos 100 MB, GitHub's own per-file limit). A file name holding a mobile or
resident ID number is refused: the name becomes a public URL, and masking never rewrites URLs.

Personal numbers inside a file are refused too, wherever the file carries text a program can read:
TXT/CSV, the text of DOCX/XLSX/PPTX parts, and the text layer of a PDF (pypdf). Masking never rewrites a
file, so the contributor must black the number out. This catches the honest mistake (a certificate copied
with the legal representative's ID number); it is no guarantee: images, scans without a text layer, PDFs
pypdf cannot read (encrypted, damaged), videos and the old binary Office formats are not read.
"""
from __future__ import annotations

import io
import logging
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zlib import error as zlib_error

from . import personal
from .textsafe import codepoint, unsafe_char

MAX_BYTES = 20 * 1024 * 1024
MAX_VIDEO_BYTES = 100 * 1024 * 1024
_HEAD = 4096  # enough for every signature below


@dataclass(frozen=True)
class Refusal:
    """Why a file cannot be published: Chinese for the contributor, English for maintainers."""
    message: str
    english: str


_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup a content-sniffing browser (or a misconfigured server) could render: the HTML patterns of the
# WHATWG MIME sniffing standard plus SVG/MathML/XML and the elements that load or run things.
_MARKUP = re.compile(
    r"<!--|<\?xml|<!doctype|"
    r"<\s*/?\s*(?:html|head|body|script|iframe|frame|frameset|object|embed|applet|svg|math|img|image|video|audio|"
    r"source|style|link|meta|base|form|input|button|a|b|p|br|h1|div|font|table|title|template|xml|xsl"
    r"|[a-z][\w.-]*:[a-z][\w.-]*)(?:\s[^<>]*)?/?>", re.I)

TYPES = ("pdf", "png", "jpg", "jpeg", "webp", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "txt", "csv", "mp4", "webm")
ALLOWED_TEXT = "PDF、PNG、JPG、WEBP、Word/Excel/PowerPoint（docx/xlsx/pptx/doc/xls/ppt）、TXT、CSV、MP4、WEBM"


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def name_refusal(name: str) -> Refusal | None:
    """A file name that would publish a personal number in the page's links."""
    found = personal.find(name)
    if found:
        what = "、".join(sorted({f.label for f in found}))
        return Refusal(f"文件名含有{what}，文件名会出现在公开网址中（网址不做遮盖），请改名后再提交，并同步修改记录中的链接",
                       "file name contains a personal number")
    return None


def type_refusal(name: str) -> Refusal | None:
    ext = extension(name)
    if ext not in TYPES:
        shown = f"“.{ext}”" if ext else "（无扩展名）"
        return Refusal(f"不允许的附件类型{shown}：附件只能是 {ALLOWED_TEXT}；网页、SVG、脚本、XML 等文件会在本站域名下运行，不能发布",
                       f"attachment type .{ext} is not allowed")
    return None


_MAGIC = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    "doc": lambda head: head.startswith(_OLE),
    "xls": lambda head: head.startswith(_OLE),
    "ppt": lambda head: head.startswith(_OLE),
    "mp4": lambda head: head[4:8] == b"ftyp",
    "webm": lambda head: head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64],
}


def content_refusal(ext: str, data: bytes) -> Refusal | None:
    """Does the content match the (allowed) extension? `data` is the whole file, or for the types
    told by their first bytes (`_MAGIC`) at least those."""
    magic = _MAGIC.get(ext)
    if magic is not None:
        return None if magic(data[:_HEAD]) else _mismatch(ext)
    if ext in _OOXML_MAIN:
        return None if data.startswith(b"PK\x03\x04") and _ooxml_is(data, ext) else _mismatch(ext)
    if ext in ("txt", "csv"):
        return _text_refusal(data)
    return Refusal("不允许的附件类型", f"no content rule for .{ext}")  # pragma: no cover - TYPES and rules agree


# Text-bearing formats: read whole, and their text checked for personal numbers.
_TEXT_TYPES = ("txt", "csv", "docx", "xlsx", "pptx", "pdf")
_MAX_TEXT = 2_000_000      # characters of extracted text looked at (a 20 MB file cannot make the check slow)
_MAX_PDF_PAGES = 300
log = logging.getLogger(__name__)
_BREAK = re.compile(rb"</(?:w:p|w:tc|w:br|a:p|a:tc|c|si|row)>")  # paragraph, cell, row ends
_TAG = re.compile(rb"<[^>]*>")


def text_of(ext: str, data: bytes) -> str | None:
    """The text a reader can copy out of an attachment (None for formats not read, and for a PDF whose
    text cannot be read: encrypted, damaged)."""
    if ext in ("txt", "csv"):
        return data.decode("utf-8-sig", errors="replace")[:_MAX_TEXT]
    if ext in _OOXML_MAIN:
        return _ooxml_text(data)
    if ext == "pdf":
        return _pdf_text(data)
    return None


def _ooxml_text(raw: bytes) -> str:
    """Text of the XML parts of a DOCX/XLSX/PPTX. Paragraph, cell and row ends become line breaks; other tags
    vanish, because Word splits one typed number into runs (`<w:t>138</w:t></w:r><w:r><w:t>0013…`)."""
    out: list[str] = []
    budget = _MAX_TEXT
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        for info in z.infolist():
            if budget <= 0 or not info.filename.endswith(".xml") or info.file_size > 50 << 20:
                continue
            with z.open(info) as fh:
                part = fh.read(budget * 4)
            text = _TAG.sub(b"", _BREAK.sub(b"\n", part)).decode("utf-8", errors="replace")
            out.append(text[:budget])
            budget -= len(out[-1])
    return "\n".join(out)


def _pdf_text(raw: bytes) -> str | None:
    import pypdf  # only validation of PDF attachments needs it
    from pypdf.errors import PyPdfError
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable files warn at length
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            return None
        out: list[str] = []
        size = 0
        for number, pdf_page in enumerate(reader.pages):
            if number >= _MAX_PDF_PAGES or size >= _MAX_TEXT:
                break
            out.append(pdf_page.extract_text() or "")
            size += len(out[-1])
        return "\n".join(out)[:_MAX_TEXT]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            zlib_error, OSError) as exc:
        log.debug("PDF text not readable (%s): not checked for numbers", exc)
        return None


def numbers_refusal(ext: str, data: bytes) -> Refusal | None:
    """A personal number in the text of the attachment."""
    text = text_of(ext, data)
    found = personal.find(text) if text else []
    if found:
        what = "、".join(sorted({f.label for f in found}))
        return Refusal(f"附件内容含有{what}（{personal.mask_of(found[0].number)}），附件原样公开、不做遮盖：请在原文件中涂黑或删除后重新提交",
                       "attachment text contains a personal number")
    return None


def _mismatch(ext: str) -> Refusal:
    return Refusal(f"文件内容与扩展名“.{ext}”不符（不是真正的 {ext.upper()} 文件，例如改了扩展名的网页），请提交原始文件",
                   f"content is not a .{ext} file")


def _ooxml_is(raw: bytes, ext: str) -> bool:
    """A ZIP whose [Content_Types].xml declares the main part of `ext` (read as text, never parsed as XML)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            info = z.getinfo("[Content_Types].xml")
            if info.file_size > 1 << 20:
                return False
            types = z.read(info)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return False
    pattern = rb"ContentType\s*=\s*[\"']" + re.escape(_OOXML_MAIN[ext].encode()) + rb"[\"']"
    return re.search(pattern, types) is not None


def _text_refusal(raw: bytes) -> Refusal | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Refusal("文本文件不是 UTF-8 编码，请“另存为 UTF-8”后重新提交", "text attachment is not UTF-8")
    ch = unsafe_char(text.replace("\f", ""))
    if ch is not None:
        return Refusal(f"文本文件含有控制字符 {codepoint(ch)}，请删除", f"control character {codepoint(ch)} in text attachment")
    if _MARKUP.search(text):
        return Refusal("文本文件含有 HTML/XML 标记（如 <script>、<svg>、<html>），不能作为附件发布",
                       "markup in a text attachment")
    return None


def refusal(path: Path) -> Refusal | None:
    """Why `path` (a file in a files/ folder) cannot be published, or None. Never follows a symbolic
    link, never blocks on a FIFO, never reads more than the size limit (and only the first bytes where
    they decide)."""
    ext = extension(path.name)
    why = type_refusal(path.name) or name_refusal(path.name)
    if why is None:
        try:
            data = _read(path, whole=ext not in _MAGIC or ext in _TEXT_TYPES)
            why = content_refusal(ext, data) or numbers_refusal(ext, data)
        except _Unreadable as exc:
            why = exc.refusal
    return why


def read_linked(folder: Path, link: str) -> bytes | Refusal:
    """The bytes of attachment `link` (files/...) of the record in `folder`, or why they must not be
    copied. Validation refused such files already; this guards the copy itself: the bytes returned are
    the bytes checked, so the build never publishes a file that was not (a tree changed in between, a
    caller that skipped validation)."""
    through = symlink_in_path(folder, link)
    if through is not None:
        return Refusal(f"经过符号链接或不是普通文件（{through}）", "reached through a symbolic link")
    path = folder / link
    why = type_refusal(path.name) or name_refusal(path.name)
    if why is not None:
        return why
    try:
        data = _read(path, whole=True)
    except _Unreadable as exc:
        return exc.refusal
    ext = extension(path.name)
    return content_refusal(ext, data) or numbers_refusal(ext, data) or data


class _Unreadable(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.english)
        self.refusal = refusal


def _read(path: Path, whole: bool) -> bytes:
    """The first bytes (or with `whole` all bytes) of a regular file no larger than the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _Unreadable(Refusal(f"无法读取文件：{exc.strerror}", str(exc))) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Unreadable(Refusal("不是普通文件（可能是命名管道、设备或目录），不能作为附件", "not a regular file"))
        limit = MAX_VIDEO_BYTES if extension(path.name) in ("mp4", "webm") else MAX_BYTES
        if st.st_size > limit:
            raise _Unreadable(Refusal(f"文件过大（{st.st_size / 1048576:.1f} MB，上限 {limit // 1048576} MB），"
                                      "请压缩或改为外部链接", f"attachment larger than {limit} bytes"))
        chunks, total = [], 0
        while total <= limit and (chunk := os.read(fd, (1 << 20) if whole else _HEAD - total)):
            chunks.append(chunk)
            total += len(chunk)
            if not whole and total >= _HEAD:
                break
        if total > limit:  # grew since the stat
            raise _Unreadable(Refusal("文件在校验期间被修改，请重新提交", "file grew while being read"))
        return b"".join(chunks)
    except OSError as exc:
        raise _Unreadable(Refusal(f"无法读取文件：{exc.strerror}", str(exc))) from None
    finally:
        os.close(fd)


def symlink_in_path(base: Path, rel: str) -> str | None:
    """The first component of `rel` under `base` that is a symbolic link or not a folder/regular file
    (lstat, never following), as text relative to `base`; None when every component is plain."""
    parts = rel.split("/")
    current = base
    for i, part in enumerate(parts):
        current = current / part
        try:
            st = os.lstat(current)
        except OSError:
            return None  # missing: reported as such by the caller
        last = i == len(parts) - 1
        if stat.S_ISLNK(st.st_mode) or not (stat.S_ISREG(st.st_mode) if last else stat.S_ISDIR(st.st_mode)):
            return "/".join(parts[:i + 1])
    return None
