"""Personal numbers inside attachments: files are published as they are (masking never rewrites a file),
so a mobile or ID number in the text a reader can copy out of a TXT/CSV/DOCX/XLSX/PPTX/PDF is refused at
validation, with the file named. What cannot be read (images, PDFs without a text layer) passes."""
from __future__ import annotations

import io
import zipfile

import yaml

from build_tools.records import attachments
from build_tools.records.validate import validate_tree
from fictitious import MOBILE, RESIDENT_ID


def pdf(text: str) -> bytes:
    """A real one-page PDF with a text layer (Helvetica, ASCII text), offsets and xref table correct."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx(*runs: str) -> bytes:
    """A DOCX whose one paragraph is split into runs, as Word does when a number is typed in pieces."""
    body = "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   "</Types>")
        z.writestr("word/document.xml", f'<w:document><w:body><w:p>{body}</w:p><w:p><w:r><w:t>2023</w:t>'
                   "</w:r></w:p></w:body></w:document>")
    return out.getvalue()


def xlsx_cells(*cells: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   "</Types>")
        row = "".join(f'<c r="{chr(65 + i)}1"><v>{v}</v></c>' for i, v in enumerate(cells))
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData><row r=\"1\">{row}</row></sheetData></worksheet>")
    return out.getvalue()


def test_the_pdf_helper_makes_a_pdf_whose_text_is_read():
    assert "Tel 022-5555" in attachments.text_of("pdf", pdf("Tel 022-5555"))


def test_numbers_in_a_pdf_text_layer_are_refused_with_the_masked_number():
    spaced = f"{MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}"
    why = attachments.numbers_refusal("pdf", pdf(f"Contact: Li, mobile {spaced}"))
    assert why is not None and "手机号" in why.message and "138****5678" in why.message
    assert MOBILE not in why.message and MOBILE not in why.english
    why = attachments.numbers_refusal("pdf", pdf(f"ID {RESIDENT_ID}"))
    assert why is not None and "身份证号" in why.message


def test_office_text_split_into_runs_is_joined_but_cells_are_not():
    assert attachments.numbers_refusal("docx", docx("手机：", MOBILE[:3], MOBILE[3:7], MOBILE[7:])) is not None
    # two numbers in neighbouring cells are not one number
    assert attachments.numbers_refusal("xlsx", xlsx_cells(MOBILE[:1], MOBILE[1:])) is None
    assert attachments.numbers_refusal("xlsx", xlsx_cells("联系人", MOBILE)) is not None


def test_business_numbers_pass():
    ok = "Tel 022-66228899 / 400-810-8888, credit code 91120116MA05T12349, licence JSHW2024-001, 2023-06-30"
    for ext, data in [("pdf", pdf(ok)), ("txt", ok.encode()), ("docx", docx(ok))]:
        assert attachments.numbers_refusal(ext, data) is None, ext


def test_unreadable_and_imageonly_files_are_not_judged():
    assert attachments.numbers_refusal("pdf", b"%PDF-1.4\n%%EOF\n") is None
    assert attachments.numbers_refusal("png", b"\x89PNG\r\n\x1a\n" + MOBILE.encode()) is None


def test_validation_names_the_file_and_the_build_stays_closed(data_copy):
    folder = data_copy / "agencies/demo-alpha"
    (folder / "files/legal-rep.pdf").write_bytes(pdf(f"Legal representative ID {RESIDENT_ID}"))
    record = yaml.safe_load((folder / "agency.yaml").read_text(encoding="utf-8"))
    record.setdefault("files", []).append({"title": "法人证件", "url": "files/legal-rep.pdf"})
    (folder / "agency.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = validate_tree(data_copy)
    assert [(p.file.endswith("files/legal-rep.pdf"), "身份证号" in p.message) for p in problems] == [(True, True)]
    assert all(RESIDENT_ID not in p.message for p in problems)
    # the copy step refuses the same bytes (a caller that skipped validation)
    assert isinstance(attachments.read_linked(folder, "files/legal-rep.pdf"), attachments.Refusal)
