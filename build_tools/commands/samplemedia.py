"""`python -m build_tools sample-media [--data DIR]`: real, small media for every local link of the records.

The sample site must be whole offline: each `files/...` link of a record (agency files, courseware,
course videos, demand attachments) must open. For every such link whose file is missing, this writes
  * `.pdf`  — a one-page PDF (pure Python) with the record's title and the link's title in Chinese
              (font STSong-Light from the PDF standard CJK set, so no font file is embedded);
  * `.webm` / `.mp4` — a few seconds of generated video (Debian's ffmpeg: a test pattern with the title).
The files are committed with the sample data; validation checks that every local link exists.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from ..context import ROOT
from ..records.load import load
from ..records.paths import display_path
from ..records.validate import validate_tree

VIDEO_SECONDS = 4
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _pdf_text(text: str) -> str:
    """Text for a UniGB-UCS2-H font: UTF-16BE as a hex string (no escaping questions at all)."""
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def pdf_bytes(title: str, lines: Iterable[str]) -> bytes:
    """A valid one-page A4 PDF 1.4 showing `title` and `lines` (Chinese and ASCII)."""
    ops = ["BT", "/F1 20 Tf", "56 770 Td", f"{_pdf_text(title)} Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -28 Td", f"{_pdf_text(line)} Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts[6 0 R]>>",
        b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light"
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 2>>/FontDescriptor 7 0 R/DW 1000/W[1 95 500]>>",
        b"<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[-25 -254 1000 880]/ItalicAngle 0"
        b"/Ascent 880/Descent -120/CapHeight 880/StemV 93>>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def video_bytes(title: str, suffix: str = ".webm", seconds: int = VIDEO_SECONDS) -> bytes:
    """A few seconds of 320x180 test pattern with the title and a quiet tone, by ffmpeg (VP9/Opus in WebM,
    H.264/AAC in MP4)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("需要 ffmpeg 生成示例视频（apt-get install ffmpeg）")
    text = ""
    if CJK_FONT.exists():
        safe = title.replace("\\", "").replace(":", "：").replace("'", "’").replace("%", "％")[:18]
        text = f",drawtext=fontfile={CJK_FONT}:text='{safe}':fontsize=16:fontcolor=white:box=1:boxcolor=black@0.5:x=10:y=h-30"
    codec = ["-c:v", "libvpx-vp9", "-b:v", "60k", "-c:a", "libopus", "-b:a", "16k"] if suffix == ".webm" else \
        ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-b:v", "60k", "-c:a", "aac", "-b:a", "16k", "-movflags", "+faststart"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"v{suffix}"
        subprocess.run([ffmpeg, "-v", "error", "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=10:d={seconds}",
                        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=48000",
                        "-vf", f"format=yuv420p{text}", "-af", "volume=0.05", *codec, "-shortest",
                        "-fflags", "+bitexact", "-map_metadata", "-1", str(out)], check=True)
        return out.read_bytes()


def local_links(record) -> Iterator[tuple[str, str]]:
    """(files/... link, its title) of a record: files, attachments, courseware, a course's video."""
    data = record.data
    for key in ("files", "attachments", "courseware"):
        for item in data.get(key, []):
            if item["url"].startswith("files/"):
                yield item["url"], item["title"]
    video = data.get("video")
    if video and video["url"].startswith("files/"):
        yield video["url"], data.get("title", "")


def missing_media(data_root: Path) -> list[tuple[Path, str, str]]:
    """(path, record title, link title) of every local link whose file does not exist yet."""
    dataset, _ = load(data_root)  # not validate: the missing files are what validation would reject
    out = []
    for record in dataset:
        title = record.data.get("name") or record.data.get("title") or record.id
        for link, label in local_links(record):
            path = record.path.parent / link
            if not path.exists():
                out.append((path, title, label))
    return out


def write_missing(data_root: Path) -> list[Path]:
    written = []
    for path, owner, label in missing_media(data_root):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".pdf":
            path.write_bytes(pdf_bytes(label, [owner, "本文件为平台示例数据自动生成，仅用于演示，内容为虚构。",
                                               f"文件：{path.name}"]))
        elif path.suffix in (".webm", ".mp4"):
            path.write_bytes(video_bytes(label, path.suffix))
        else:
            continue
        written.append(path)
    return written


def cmd_sample_media(args: argparse.Namespace) -> int:
    root = Path(args.data) if args.data else ROOT / "data"
    for path in write_missing(root):
        print(display_path(path))
    problems = validate_tree(root)[1]
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def register(sub) -> None:
    p = sub.add_parser("sample-media", help="为记录中缺失的 files/ 链接生成示例 PDF 和视频 (generate sample media)")
    p.add_argument("--data", help="数据目录（默认 data/）")
    p.set_defaults(func=cmd_sample_media)
