"""Sample media: the generated PDF is well-formed (its cross-reference table points at its objects)."""
from __future__ import annotations

import re

from build_tools.commands.samplemedia import pdf_bytes


def test_pdf_cross_reference_points_at_every_object():
    raw = pdf_bytes("课件标题 Title", ["第一行", "second line（二）"])
    assert raw.startswith(b"%PDF-1.4") and raw.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)\n", raw)[1])
    assert raw[start:start + 4] == b"xref"
    offsets = [int(m) for m in re.findall(rb"^(\d{10}) 00000 n $", raw, re.M)]
    assert len(offsets) == 7
    for number, offset in enumerate(offsets, 1):
        assert raw[offset:].startswith(b"%d 0 obj" % number)
    length = int(re.search(rb"/Length (\d+)>>stream\n", raw)[1])
    body = raw.split(b">>stream\n", 1)[1]
    assert body[length:length + 10] == b"\nendstream"
    assert "课件标题".encode("utf-16-be").hex().upper().encode() in raw
