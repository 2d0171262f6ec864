"""Hostile inputs: records and files a contributor controls, each refused with a clear Chinese message,
never a traceback, and never published.

Table-driven part: tests/fixtures/hostile/ (one file per attack, listed in its README with the file,
field and words of the expected message). The rest is made at test time (symbolic links, FIFOs, odd
file names, big files, caches, concurrent builds) or generated (personal numbers in variant forms,
formula-injection names), one section per item of issue 13.
"""
from __future__ import annotations

import dataclasses
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from build_tools.records.safeyaml import YamlError, load_bytes
from build_tools.records.validate import validate_tree
from conftest import FIXTURES, MINI, ROOT, build_site
from fictitious import MOBILE, MOBILE_2, RESIDENT_ID, RESIDENT_ID_15

HOSTILE = FIXTURES / "hostile"


def _attacks() -> list[tuple[str, str, str]]:
    """(file, field or "", words) per row of the README's attack table: rows whose first cell is a path."""
    rows = []
    for line in (HOSTILE / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and "/" in cells[0] and not cells[0].startswith("-"):
            rows.append((cells[0], "" if cells[1] == "-" else cells[1], cells[2]))
    return rows


ATTACKS = _attacks()


@functools.lru_cache(maxsize=1)
def hostile_problems():
    _, problems = validate_tree(HOSTILE)
    return problems


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
            cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m build_tools ARGS` as a contributor runs it; never a traceback, whatever the input."""
    result = subprocess.run([sys.executable, "-m", "build_tools", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=timeout)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    return result


def test_every_attack_file_is_documented():
    """Every file of the corpus is an attack row, or the agency.yaml of a folder holding one."""
    documented = {file for file, _, _ in ATTACKS}
    on_disk = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.rglob("*") if p.is_file() and p.name != "README.md"}
    attack_folders = {f.split("/files/")[0] for f in documented if "/files/" in f}
    undocumented = {f for f in on_disk - documented
                    if not (f.endswith("/agency.yaml") and f.rsplit("/", 1)[0] in attack_folders)}
    assert undocumented == set()
    assert documented <= on_disk
    assert len(ATTACKS) >= 60


@pytest.mark.parametrize("file, field, words", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_is_rejected_with_file_and_field(file, field, words):
    mine = [p for p in hostile_problems() if p.file.endswith("hostile/" + file)]
    assert any(p.field == field and words in p.message for p in mine), [str(p) for p in mine]
    if field == "":  # a whole-file rejection still names the line where it can
        assert all(p.line >= 0 for p in mine)


def test_validate_command_on_the_corpus_never_prints_a_traceback():
    result = run_cli("validate", str(HOSTILE))
    assert result.returncode == 1 and "全部通过" not in result.stderr
    for file, _, _ in ATTACKS:
        assert file.rsplit("/", 1)[-1] in result.stdout, file
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout  # control characters shown escaped


def test_hostile_tree_build_fails_closed(tmp_path):
    site = tmp_path / "site"
    result = build_site(HOSTILE, site)
    assert result.returncode != 0
    assert "yaml-bomb.yaml" in result.stderr and "javascript" in result.stderr
    assert not site.exists() or not any(site.iterdir())


def test_symlink_out_of_files_is_rejected(data_copy, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("build machine secret", encoding="utf-8")
    files = data_copy / "agencies/demo-alpha/files"
    os.symlink(secret, files / "leak.pdf")
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    data = yaml.safe_load(agency.read_text(encoding="utf-8"))
    data["files"][0]["url"] = "files/leak.pdf"
    agency.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = validate_tree(data_copy)
    assert sorted((p.file.rsplit("demo-alpha/", 1)[1], p.field, "符号链接" in p.message) for p in problems) == [
        ("agency.yaml", "files[0].url", True), ("files/leak.pdf", "", True)]


def test_bom_record_is_accepted_in_a_tree(data_copy):
    record = data_copy / "demands/dm-0001.yaml"
    record.write_bytes(b"\xef\xbb\xbf" + record.read_bytes())
    _, problems = validate_tree(data_copy)
    assert problems == []


@pytest.mark.parametrize("depth", [40, 20_000, 120_000])
def test_deep_nesting_never_crashes_the_parser(depth):
    """libyaml composes recursively in C: 40,000 nested '[' used to kill the process (segfault)."""
    with pytest.raises(YamlError) as exc:
        load_bytes(b"a: " + b"[" * depth + b"]" * depth + b"\n")
    assert "嵌套层级过深" in exc.value.message and exc.value.line == 1


def test_unknown_field_message_survives_hostile_key_names():
    problems = [p for p in hostile_problems() if p.file.endswith("markup-field-name.yaml")]
    assert [re.sub(r"\s+", " ", p.english) for p in problems] == ["unknown field(s) ['<img src=x onerror=alert(1)>']"]


# --- item 4: no symbolic links or special files anywhere under data/ -----------------------------
def _write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _link_in_another_agency(data: Path) -> str:
    """A project file in demo-beta's folder that is a link to one of demo-alpha's projects."""
    target = data / "agencies/demo-alpha/projects/demo-alpha-2023-001.yaml"
    (data / "agencies/demo-beta/projects/stolen.yaml").symlink_to(os.path.relpath(target, data / "agencies/demo-beta/projects"))
    return "agencies/demo-beta/projects/stolen.yaml"


def _files_to_root(data: Path) -> str:
    """`files -> /` and a record linking files/etc/passwd: the host's files would be published."""
    agency = data / "agencies/demo-beta/agency.yaml"
    record = yaml.safe_load(agency.read_text(encoding="utf-8"))
    record["files"] = [{"title": "证书", "url": "files/etc/passwd"}]
    _write_yaml(agency, record)
    (data / "agencies/demo-beta/files").symlink_to("/")
    return "agencies/demo-beta/files"


def _files_up_two(data: Path) -> str:
    shutil.rmtree(data / "agencies/demo-alpha/files")
    (data / "agencies/demo-alpha/files").symlink_to("../..")
    return "agencies/demo-alpha/files"


def _linked_agency_yaml(data: Path) -> str:
    folder = data / "agencies/demo-gamma"
    folder.mkdir()
    (folder / "agency.yaml").symlink_to("../demo-alpha/agency.yaml")
    return "agencies/demo-gamma/agency.yaml"


def _linked_agency_folder(data: Path) -> str:
    (data / "agencies/demo-alpha-copy").symlink_to("demo-alpha", target_is_directory=True)
    return "agencies/demo-alpha-copy"


def _link_in_usage(data: Path) -> str:
    (data / "usage").mkdir(exist_ok=True)
    (data / "usage/access.log").symlink_to("/etc/passwd")
    return "usage/access.log"


SYMLINK_CASES = [_link_in_another_agency, _files_to_root, _files_up_two, _linked_agency_yaml, _linked_agency_folder,
                 _link_in_usage]


@pytest.mark.parametrize("make", SYMLINK_CASES, ids=[f.__name__.strip("_") for f in SYMLINK_CASES])
def test_symbolic_link_is_refused_where_it_is(data_copy, make):
    rel = make(data_copy)
    _, problems = validate_tree(data_copy)
    at_link = [p for p in problems if p.file.endswith("data/" + rel)]
    assert [(p.field, "不允许符号链接" in p.message) for p in at_link] == [("", True)], [str(p) for p in problems]
    result = run_cli("validate", str(data_copy))
    assert result.returncode == 1 and "不允许符号链接" in result.stdout


def test_files_link_to_root_never_publishes_host_files(data_copy, tmp_path):
    _files_to_root(data_copy)
    _, problems = validate_tree(data_copy)
    assert any(p.field == "files[0].url" and "符号链接" in p.message for p in problems)
    site = tmp_path / "site"
    result = build_site(data_copy, site)
    assert result.returncode != 0 and "Traceback" not in result.stderr and "不允许符号链接" in result.stderr
    assert not (site / "agencies/demo-beta/files/etc/passwd").exists()


def test_data_folder_itself_a_link_is_refused(data_copy, tmp_path):
    link = tmp_path / "linked-data"
    link.symlink_to(data_copy, target_is_directory=True)
    _, problems = validate_tree(link)
    assert [("不允许符号链接" in p.message) for p in problems] == [True]


@pytest.mark.parametrize("where", ["demands/pipe.yaml", "agencies/demo-alpha/files/pipe.pdf",
                                   "agencies/demo-alpha/projects/pipe.yaml"])
def test_fifo_never_hangs_validation(data_copy, where):
    os.mkfifo(data_copy / where)
    result = run_cli("validate", str(data_copy), timeout=120)
    assert result.returncode == 1
    assert f"{where}: 不是普通文件" in result.stdout


def test_fifo_linked_as_attachment_never_hangs_the_build(data_copy, tmp_path):
    os.remove(data_copy / "agencies/demo-alpha/files/cma.pdf")
    os.mkfifo(data_copy / "agencies/demo-alpha/files/cma.pdf")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PLATFORM_DATA": str(data_copy), "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0 and "Traceback" not in result.stderr and "不是普通文件" in result.stderr


@pytest.mark.parametrize("name", [b"bad\nname.yaml", b"bad\x1b[2Jname.yaml", b"gbk-\xc3\xfb.yaml"])
def test_file_name_with_control_characters_or_not_utf8_is_refused(data_copy, name):
    with open(os.fsencode(data_copy / "demands") + b"/" + name, "wb") as fh:
        fh.write((MINI / "demands/dm-0001.yaml").read_bytes())
    result = run_cli("validate", str(data_copy))
    assert result.returncode == 1 and "文件名含有控制字符或不是 UTF-8 编码" in result.stdout
    assert "\x1b" not in result.stdout  # the name is shown escaped, never interpreted by the terminal
    shown = os.path.relpath(data_copy, ROOT)
    lines = [line for line in result.stdout.splitlines() if line]
    assert lines and all(line.startswith(shown) for line in lines)  # a newline in a name cannot forge a line


# --- item 5: attachments by allowlist of extension and content, size limit ------------------------
def _attach(data: Path, name: str, content: bytes | None, agency: str = "demo-alpha", title: str | None = None) -> None:
    """Put a file into the agency's files/ (None: it is there already) and link it from the record."""
    if content is not None:
        (data / f"agencies/{agency}/files" / name).write_bytes(content)
    record_file = data / f"agencies/{agency}/agency.yaml"
    record = yaml.safe_load(record_file.read_text(encoding="utf-8"))
    record.setdefault("files", []).append({"title": title or name, "url": f"files/{name}"})
    _write_yaml(record_file, record)


def _docx(main: str = "wordprocessingml.document") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                   f'ContentType="application/vnd.openxmlformats-officedocument.{main}.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


GOOD_FILES = {
    "a.pdf": b"%PDF-1.7\n%%EOF\n", "b.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "c.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 16,
    "d.jpeg": b"\xff\xd8\xff\xdb" + b"\0" * 8, "e.webp": b"RIFF\x10\0\0\0WEBPVP8 ", "f.docx": _docx(),
    "g.xlsx": _docx("spreadsheetml.sheet"), "h.pptx": _docx("presentationml.presentation"),
    "i.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8, "j.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "k.txt": "监测结果 <0.5 mg/L，a<b\n".encode(), "l.csv": "\ufeff名称,浓度\n示例,<LOD\n".encode(),
    "m.mp4": b"\0\0\0\x18ftypmp42" + b"\0" * 8, "N.PDF": b"%PDF-1.4\n",
}


def test_allowed_attachments_pass(data_copy):
    for name, content in GOOD_FILES.items():
        _attach(data_copy, name, content)
    _, problems = validate_tree(data_copy)
    assert problems == []


def test_oversize_attachment_is_refused(data_copy):
    big = data_copy / "agencies/demo-alpha/files/big.pdf"
    with open(big, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(20 * 1024 * 1024 + 1)  # sparse: costs no disk
    _, problems = validate_tree(data_copy)
    assert [(p.file.endswith("files/big.pdf"), "文件过大" in p.message) for p in problems] == [(True, True)]


def test_build_copies_only_allowed_attachments(data_copy, tmp_path):
    """A build of valid data publishes each attachment whose type and content were checked, nothing else."""
    for name, content in GOOD_FILES.items():
        _attach(data_copy, name, content)
    (data_copy / "agencies/demo-beta/files").mkdir()
    site = tmp_path / "site"
    result = build_site(data_copy, site)
    assert result.returncode == 0, result.stderr
    published = sorted(p.name for p in site.glob("agencies/*/files/**/*") if p.is_file())
    assert published == sorted([*GOOD_FILES, "cma.pdf"])


# --- item 7: personal numbers in file names and links are refused, never a traceback ----------------
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
PDF = b"%PDF-1.4\n%%EOF\n"
# (what, the attachment's file name or None, the link or URL) - numbers assembled at run time, see fictitious.py
NUMBER_IN_NAME_CASES = [
    ("mobile-in-file-name", f"联系人{MOBILE}.pdf", None),
    ("id-in-file-name", f"scan-{RESIDENT_ID}.pdf", None),
    ("full-width-mobile-in-unlinked-file-name", f"{MOBILE.translate(FULL_WIDTH)}.pdf", "unlinked"),
    ("mobile-in-website", None, f"https://example.com/contact?tel={MOBILE}"),
    ("id-in-https-attachment", None, f"https://example.com/{RESIDENT_ID}.pdf"),
]


@pytest.mark.parametrize("what, name, url", NUMBER_IN_NAME_CASES, ids=[c[0] for c in NUMBER_IN_NAME_CASES])
def test_personal_number_in_a_file_name_or_link_is_refused(data_copy, what, name, url):
    label = "身份证号" if "id-" in what else "手机号"
    if name is not None:
        (data_copy / "agencies/demo-alpha/files" / name).write_bytes(PDF)
        if url is None:
            _attach(data_copy, name, None, title="附件")
    else:
        agency = data_copy / "agencies/demo-alpha/agency.yaml"
        record = yaml.safe_load(agency.read_text(encoding="utf-8"))
        if what == "mobile-in-website":
            record["website"] = url
        else:
            record["files"].append({"title": "附件", "url": url})
        _write_yaml(agency, record)
    _, problems = validate_tree(data_copy)
    got = {(p.file.rsplit("demo-alpha/", 1)[1], p.field, p.message.split("（")[0]) for p in problems}
    expected = set()
    if name is not None:
        expected.add((f"files/{name}", "", f"文件名含有{label}，文件名会出现在公开网址中"))
    if url != "unlinked":
        field = "website" if what == "mobile-in-website" else "files[1].url"
        expected.add(("agency.yaml", field, f"链接中含有{label}"))
    assert got == expected
    messages = " ".join(p.message for p in problems)
    assert MOBILE not in messages and RESIDENT_ID not in messages  # messages show numbers masked


def test_phone_number_in_attachment_name_fails_the_build_cleanly(data_copy, tmp_path):
    name = f"李示例{MOBILE}.pdf"
    (data_copy / "agencies/demo-alpha/files" / name).write_bytes(PDF)
    _attach(data_copy, name, None, title="联系人名片")
    site = tmp_path / "site"
    result = build_site(data_copy, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "文件名含有手机号" in result.stderr and "字段 files[1].url：链接中含有手机号（138****5678）" in result.stderr
    assert not site.exists() or not any(site.iterdir())


def test_masking_never_rewrites_link_fields():
    from build_tools.records.privacy import mask
    record = {"website": f"https://example.com/{MOBILE}", "credit_code": "91120116MA05T12349",
              "files": [{"title": f"李 {MOBILE}", "url": f"files/{MOBILE}.pdf"}],
              "contacts": [{"phone": MOBILE}]}
    masked = mask(record)
    assert masked["website"] == record["website"] and masked["files"][0]["url"] == f"files/{MOBILE}.pdf"
    assert masked["files"][0]["title"] == "李 138****5678" and masked["contacts"][0]["phone"] == "138****5678"


def test_verbatim_fields_are_exactly_the_schemas_link_and_code_fields():
    """Fields masking leaves alone are those whose values validation keeps free of personal numbers."""
    from build_tools.records.privacy import VERBATIM
    from build_tools.records.schemas import SCHEMA_DIR

    found: set[str] = set()

    def walk(node, name=None):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if name and (node.get("format") in ("safe-url", "safe-link", "credit-code")
                         or ref.endswith(("/url", "/link"))):
                found.add(name)
            for key, value in node.items():
                if key == "properties":
                    for prop, sub in value.items():
                        walk(sub, prop)
                elif key == "$defs":
                    for sub in value.values():
                        walk(sub, None)
                elif isinstance(value, (dict, list)):
                    walk(value, name if key in ("items", "allOf", "anyOf", "oneOf") else None)
        elif isinstance(node, list):
            for item in node:
                walk(item, name)

    for path in SCHEMA_DIR.glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    assert found == set(VERBATIM)


# --- item 8: personal numbers in every written form are masked; business numbers stay ----------------
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from build_tools.records import personal  # noqa: E402
from build_tools.records.codes import credit_check_char  # noqa: E402
from build_tools.records.privacy import mask_text  # noqa: E402

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_AREAS = ["110105", "120116", "130102", "310115", "320509", "330106", "440305", "510107", "650102", "820000"]
_FULL = str.maketrans("0123456789Xx+", "０１２３４５６７８９Ｘｘ＋")
SEPARATORS = [" ", "\u3000", "-", ".", "\u00a0", "\u2009", "－", "．", "·", " - ", "\u200b", "\u2013", "\u00ad"]
PREFIXES = ["", "+86", "+86 ", "0086", "0086 ", "86", "86-", "(+86)", "（+86）", "+86-"]
MOBILE_GROUPS = [[11], [3, 4, 4], [3, 8], [3, 2, 2, 2, 2], [7, 4], [4, 4, 3], [3, 4, 2, 2]]  # personal.py's
ID18_GROUPS = [[18], [6, 8, 4], [6, 4, 4, 4], [3, 3, 4, 4, 4], [6, 12], [6, 4, 8]]
ID15_GROUPS = [[15], [6, 6, 3]]
# text around a number: Chinese and punctuation, never digits or ASCII letters (which make it part of a code)
CONTEXT = st.text(st.sampled_from(list("电话手机号身份证联系人：:，,（）() 、。；\n\t\u3000李示例请拨打")), max_size=8)


def _id18(area: str, birth, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ids18 = st.builds(_id18, st.sampled_from(_AREAS), st.dates(min_value=__import__("datetime").date(1920, 1, 1),
                                                          max_value=__import__("datetime").date(2020, 12, 31)),
                  st.integers(0, 999))
ids15 = st.builds(lambda area, birth, seq: f"{area}{birth:%y%m%d}{seq:03d}", st.sampled_from(_AREAS),
                  st.dates(min_value=__import__("datetime").date(1920, 1, 1), max_value=__import__("datetime").date(1999, 12, 31)),
                  st.integers(0, 999))


def _grouped(number: str, sizes: list[int], sep: str) -> str:
    parts, i = [], 0
    for n in sizes:
        parts.append(number[i:i + n])
        i += n
    return sep.join(parts)


def _style(text: str, how: str) -> str:
    if how == "full":
        return text.translate(_FULL)
    if how == "mixed":  # every other character full-width
        return "".join(c.translate(_FULL) if i % 2 else c for i, c in enumerate(text))
    return text


@st.composite
def written_mobile(draw):
    number = draw(mobiles)
    text = draw(st.sampled_from(PREFIXES)) + _grouped(number, draw(st.sampled_from(MOBILE_GROUPS)),
                                                      draw(st.sampled_from(SEPARATORS)))
    return number, _style(text, draw(st.sampled_from(["ascii", "full", "mixed"])))


@st.composite
def written_id(draw):
    if draw(st.booleans()):
        number, groups = draw(ids18), ID18_GROUPS
        if number.endswith("X") and draw(st.booleans()):
            number = number[:-1] + "x"
    else:
        number, groups = draw(ids15), ID15_GROUPS
    text = _grouped(number, draw(st.sampled_from(groups)), draw(st.sampled_from(SEPARATORS)))
    return number, _style(text, draw(st.sampled_from(["ascii", "full", "mixed"])))


def _only_digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_mobile(), CONTEXT, CONTEXT)
@example((MOBILE, "0086" + MOBILE), "", "")
@example((MOBILE, " ".join([MOBILE[:3], MOBILE[3:5], MOBILE[5:7], MOBILE[7:9], MOBILE[9:]])), "手机", "")
@example((MOBILE, "\u3000".join(["+86", MOBILE[:3], MOBILE[3:7], MOBILE[7:]])), "", "。")
def test_every_written_form_of_a_mobile_is_masked(written, before, after):
    number, text = written
    out = mask_text(before + text + after)
    assert number not in _only_digits(out)
    assert f"{number[:3]}****{number[-4:]}" in out
    assert out.startswith(before.rstrip("(（")) and out.endswith(after)  # "(" + "+86…" is the prefix "(+86"
    assert personal.find(out) == [] and mask_text(out) == out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_id(), CONTEXT, CONTEXT)
@example((RESIDENT_ID, " ".join([RESIDENT_ID[:6], RESIDENT_ID[6:14], RESIDENT_ID[14:]])), "身份证 ", "")
@example((RESIDENT_ID_15, RESIDENT_ID_15), "", "")
@example((RESIDENT_ID, RESIDENT_ID.translate(FULL_WIDTH)), "", "")
def test_every_written_form_of_a_resident_id_is_masked(written, before, after):
    number, text = written
    out = mask_text(before + text + after)
    assert number[:-1][6:] not in _only_digits(out)  # the birth date and sequence are gone
    assert out.startswith(before) and out.endswith(after)
    assert personal.find(out) == [] and mask_text(out) == out


def _credit_code(first17: str) -> str:
    return first17 + credit_check_char(first17)


credit_codes = st.builds(_credit_code, st.from_regex(r"[159Y][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}", fullmatch=True))
dates = st.dates(min_value=__import__("datetime").date(1990, 1, 1), max_value=__import__("datetime").date(2035, 12, 31))
written_dates = st.builds(lambda d, fmt: d.strftime(fmt), dates, st.sampled_from(
    ["%Y-%m-%d", "%Y%m%d", "%Y.%m.%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M", "%Y %m %d", "%Y-%m-%d 至 %Y-%m-%d"]))
amounts = st.one_of(
    st.integers(0, 9_999_999_999).map(lambda n: f"{n}元"),                       # up to 10 digits unformatted
    st.integers(0, 999_999_999_999).map(lambda n: f"{n:,}"),                     # thousands commas
    st.integers(0, 999_999_999_999).map(lambda n: f"{n:,}".replace(",", " ")),   # thousands spaces
    st.decimals(0, 9_999_999, places=2).map(lambda d: f"{d}元"),
    st.integers(1, 99_999).map(lambda n: f"¥{n}万元"))
licences = st.one_of(
    st.from_regex(r"[0-9]{12}", fullmatch=True).map(lambda n: f"CMA {n}"),       # inspection body certificate
    st.from_regex(r"[A-Z]{2,4}-20[0-9]{2}-[0-9]{3,6}", fullmatch=True),           # YW-2019-001 style
    credit_codes.map(lambda c: c + "001P"),                                       # pollutant discharge permit
    st.from_regex(r"(0[1-9][0-9]{1,2})-[2-8][0-9]{6,7}", fullmatch=True),          # office landline
    st.from_regex(r"400-[0-9]{3}-[0-9]{4}", fullmatch=True),
    st.from_regex(r"津环评[〔(]20[0-9]{2}[〕)][0-9]{1,4}号", fullmatch=True))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(credit_codes, written_dates, amounts, licences), min_size=1, max_size=4),
       st.sampled_from(["，", "；", " 和 ", "、", "。\n"]))  # bare numbers in a row are what grouped IDs look like
@example(["91350100M000100Y43", "2023-06-30", "13 800 000 000", "CMA 160212340567", "022-66281234"], "，")
@example(["11000000000000000U", "120203050003020908"], "，")
@example(["110000000101000A0T"], "，")  # a credit code whose first 15 digits read as an old-style ID  # all-digit credit code that passes an ID's check digit
def test_business_numbers_stay_intact(items, joiner):
    text = "代码、日期、金额与许可证：" + joiner.join(items)
    assert mask_text(text) == text


def _groups(number: str, *sizes: int) -> list[str]:
    out, i = [], 0
    for n in sizes:
        out.append(number[i:i + n])
        i += n
    return out


# Every written form at once (numbers assembled at run time, see fictitious.py).
M2, ID = MOBILE_2, RESIDENT_ID
VARIANT_FORMS = ["0086" + M2, "+86 " + " ".join(_groups(M2, 3, 4, 4)), "(+86)" + "-".join(_groups(M2, 3, 4, 4)),
                 M2.translate(FULL_WIDTH), "\u3000".join(_groups(M2, 3, 4, 4)), ".".join(_groups(M2, 3, 4, 4)),
                 " ".join(_groups(M2, 3, 2, 2, 2, 2)), ("+86 " + " ".join(_groups(M2, 3, 4, 4))).translate(_FULL),
                 " ".join(_groups(ID, 6, 8, 4)), ID.lower(), RESIDENT_ID_15, ID.translate(FULL_WIDTH),
                 "\u3000".join(_groups(ID, 6, 8, 4))]
VARIANT_TEXT = "联系：" + "；".join(VARIANT_FORMS)
FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"点击\")", "+cmd|'/C calc'!A0", "-2+3+cmd|'/C calc'!A0",
            "@SUM(1+1)*cmd|'/C calc'!A0", "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)"]


@pytest.mark.parametrize("form", VARIANT_FORMS, ids=[f"form{i}" for i in range(len(VARIANT_FORMS))])
def test_every_variant_form_in_a_record_is_refused(data_copy, form):
    """The first line: validation refuses a full number in any written form (records hold them sealed)."""
    record_file = data_copy / "demands/dm-0001.yaml"
    record = yaml.safe_load(record_file.read_text(encoding="utf-8"))
    record["description"] = f"请联系 {form} 。"
    _write_yaml(record_file, record)
    _, problems = validate_tree(data_copy)
    assert [(p.field, "含有完整的" in p.message) for p in problems] == [("description", True)]


def _free_text_fields(kind_name: str, data: dict) -> list[str]:
    """Top-level text fields of a record that take any text (a digit-free probe passes the schema)."""
    from build_tools.records import fastcheck
    check = fastcheck.checker(kind_name)
    return [k for k, v in data.items() if isinstance(v, str) and k != "id" and check({**data, k: v + " 联系：某人"})]


def test_no_variant_form_reaches_any_output(tmp_path):
    """The second line: a full number that got past validation (an old cache, a tool writing records
    directly) is masked before compute and render, on pages, search entries, open data, feeds and JSON."""
    from build_tools import pipeline
    from build_tools.render import render_all
    root = tmp_path / "data"
    shutil.copytree(MINI, root)
    prepared = pipeline.prepare(root)
    poisoned = 0
    for records in prepared.dataset.records.values():
        for rec in records:
            fields = _free_text_fields(rec.kind, rec.data)
            rec.data = {**rec.data, **{k: f"{rec.data[k]} {VARIANT_TEXT}" for k in fields}}
            poisoned += len(fields)
    assert poisoned >= 15
    public = pipeline.mask_dataset(prepared.dataset)
    ctx = dataclasses.replace(prepared.ctx, computed={})
    pipeline.compute_all(public, ctx)
    outputs = render_all(public, ctx)
    paths = {o.path for o in outputs}
    assert {"opendata/agencies.csv", "opendata/agencies.json", "demands/feed.xml", "assets/data/directory.json"} <= paths
    leaks = []
    for out in outputs:
        content = out.content
        if isinstance(content, bytes):
            if out.path.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(content)) as z:
                    content = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
            else:
                content = content.decode("utf-8", "replace")
        if out.path.endswith(".json"):
            content += json.dumps(json.loads(content), ensure_ascii=False)  # \\u escapes decoded too
        if out.path.startswith("assets/javascripts/"):
            continue  # libraries copied as they are (plotly.js): no record text in them
        leaks += [(out.path, personal.mask_of(hit.number)) for hit in personal.find(content)]
        digits = _only_digits(content)
        leaks += [(out.path, n[:3]) for n in (M2, ID[6:17], RESIDENT_ID_15[6:]) if n in digits]
    assert leaks == []
    page = next(o.content for o in outputs if o.path == "agencies/demo-alpha.md")
    assert "139****5678" in page and "110105********002X" in page and "110105******002" in page


@pytest.fixture(scope="module")
def formulas_site(tmp_path_factory):
    """Mini data whose agencies and projects are named like spreadsheet formulas."""
    from build_tools.records.load import walk
    from build_tools.records.schemas import load_kinds
    root = tmp_path_factory.mktemp("formulas") / "data"
    shutil.copytree(MINI, root)
    formulas = iter(FORMULAS * 4)
    for kind, path in walk(root, load_kinds())[0]:
        if kind.name in ("agency", "project"):  # names reach every table: directory, projects, scores, report
            data = load_bytes(path.read_bytes()).data
            data["name"] = next(formulas) + "示例环境有限公司"
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = validate_tree(root)
    assert problems == []
    site = tmp_path_factory.mktemp("formulas-site")
    result = build_site(root, site)
    assert result.returncode == 0, result.stderr
    return site


# --- item 9: every CSV/XLSX cell inert ------------------------------------------------------------
_TRIGGERS = tuple("=+-@\t\r\n") + tuple("＝＋－＠")


def _cells(path: Path) -> list[str]:
    if path.suffix == ".csv":
        import csv
        return [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for c in row]
    import openpyxl
    book = openpyxl.load_workbook(path)
    return [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def test_every_table_cell_is_inert(formulas_site):
    tables = sorted(formulas_site.rglob("*.csv")) + sorted(formulas_site.rglob("*.xlsx"))
    names = {t.relative_to(formulas_site).as_posix() for t in tables}
    assert {"opendata/agencies.csv", "opendata/projects.csv", "opendata/scores.csv"} <= names
    assert any(n.endswith(".xlsx") for n in names)
    live = []
    for table in tables:
        for cell in _cells(table):
            first = cell.lstrip(" \u00a0\u3000")[:1]
            if first in _TRIGGERS and not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?%?", cell):
                live.append((table.relative_to(formulas_site).as_posix(), cell))
    assert live == []
    scores = (formulas_site / "opendata/scores.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in scores or "'+cmd" in scores  # the names are there, as text


def test_one_helper_makes_tables_inert():
    """Both writers run every cell and header through tabular.inert, also for tables no renderer made yet."""
    import openpyxl
    import pandas as pd

    from build_tools.render.tabular import csv_bytes, xlsx_bytes
    frame = pd.DataFrame({"=名称": FORMULAS + ["\t=1", " =1", "正常", "-3.5%"], "n": list(range(12))})
    csv_cells = [c for row in __import__("csv").reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))) for c in row]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("表", frame)])))
    xlsx_cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in xlsx_cells)
    for cells in (csv_cells, [c.value for c in xlsx_cells if isinstance(c.value, str)]):
        assert {c for c in cells if c.lstrip(" ")[:1] in _TRIGGERS} == {"-3.5%"}


# --- item 10: a clone of an agency (same credit code, new folder) names both files -----------------
def test_clone_names_both_files():
    clone = [p for p in hostile_problems() if p.file.endswith("agencies/clone-copy/agency.yaml")]
    assert [(p.field, "clone-original/agency.yaml" in p.message, "统一社会信用代码" in p.message) for p in clone] == [
        ("credit_code", True, True)]


# --- item 11: validate refuses paths it cannot check ----------------------------------------------
@pytest.mark.parametrize("arg, words", [
    ("/etc/passwd", "不在数据目录 data/ 中"),
    ("README.md", "不在数据目录 data/ 中"),
    ("data/agencies/no-such-agency", "找不到"),
    ("data/agencies/teda-demo-ecotest/agency.yml", "找不到"),
    ("data/usage/access-2025.log", "不是记录或附件"),
    ("build_tools", "不是数据目录"),
    ("/tmp", "不是数据目录"),
])
def test_validate_with_a_path_it_cannot_check_fails(arg, words):
    result = run_cli("validate", arg)
    assert result.returncode == 2 and words in result.stderr and "全部通过" not in result.stderr + result.stdout


def test_validate_with_an_empty_folder_inside_data_fails(data_copy):
    (data_copy / "agencies/empty").mkdir()
    result = run_cli("validate", str(data_copy / "agencies/empty"))
    assert result.returncode == 2 and "没有任何文件" in result.stderr


def test_validate_of_one_folder_reports_its_attachments(data_copy):
    _attach(data_copy, "x.html", b"<script>alert(1)</script>")
    result = run_cli("validate", str(data_copy / "agencies/demo-alpha"))
    assert result.returncode == 1 and "files/x.html: 不允许的附件类型" in result.stdout


# --- item 12: anchored patterns, control characters, caches, concurrent builds ----------------------
def _string_leaves(node, path=()):
    if isinstance(node, str):
        yield path
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _string_leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _string_leaves(v, path + (i,))


def test_fast_check_and_jsonschema_agree_on_trailing_newlines():
    """Every string of every sample record with "\\n" appended: both checks give the same verdict,
    and for every anchored pattern that verdict is 'invalid'."""
    import copy

    from build_tools.records import fastcheck
    from build_tools.records.load import walk
    from build_tools.records.schemas import load_kinds, validator
    anchored = ("id", "province", "phone", "email", "credit_code", "agency", "project", "expert", "date",
                "start_date", "end_date", "publish_date", "deadline", "registered_on", "established", "valid_until")
    checked, must_refuse, accepted = 0, 0, []
    for kind, path in walk(MINI, load_kinds())[0]:
        data = load_bytes(path.read_bytes()).data
        for leaf in _string_leaves(data):
            trial = copy.deepcopy(data)
            node = trial
            for part in leaf[:-1]:
                node = node[part]
            node[leaf[-1]] += "\n"
            fast, full = fastcheck.checker(kind.name)(trial), validator(kind.name).is_valid(trial)
            assert fast == full, (path.name, leaf)
            checked += 1
            if leaf[-1] in anchored:
                must_refuse += 1
                if full:
                    accepted.append((path.name, leaf))
    assert checked >= 150 and must_refuse >= 40
    assert accepted == []


@pytest.mark.parametrize("text, kept", [("a\x00b", "ab"), ("a\x0cb", "ab"), ("a\x1b[31mb", "a[31mb"),
                                        ("a\ud800b", "ab"), ("a\ufffeb", "ab")])
def test_feed_and_workbook_writers_are_safe_anyway(text, kept):
    """Validation refuses control characters; the writers drop what XML cannot carry all the same."""
    import datetime as dt

    import openpyxl
    import pandas as pd

    from build_tools.render.atom import Entry, feed_xml
    from build_tools.render.tabular import xlsx_bytes
    day = dt.date(2025, 3, 1)
    xml = feed_xml(feed_id="urn:x", title=text, subtitle=text, self_url="https://e.example/f.xml",
                   alt_url="https://e.example/", author=text, fallback_updated=day,
                   entries=[Entry(id="urn:1", title=text, link="https://e.example/1", published=day, summary=text,
                                  author=text, categories=(text,))])
    assert ET.fromstring(xml).find("{http://www.w3.org/2005/Atom}title").text == kept
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("t", pd.DataFrame({"c": [text]}))])))
    assert book.active["A2"].value == kept


def test_control_character_feed_is_refused_before_it_is_written(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    record = load_bytes((data / "demands/dm-0001.yaml").read_bytes()).data
    record["description"] = "第一页\x0c第二页"
    (data / "demands/dm-0001.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    result = build_site(data, tmp_path / "site")
    assert result.returncode != 0 and "控制字符 U+000C" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_cache_says_so_and_continues(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_cli("validate", str(MINI), env={"PLATFORM_CACHE": str(blocker / "cache")})
    assert result.returncode == 0 and "全部通过" in result.stderr
    assert "缓存目录" in result.stderr and "不使用缓存继续" in result.stderr


def test_build_with_unwritable_caches_succeeds_without_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = build_site(MINI, tmp_path / "site", env={"PLATFORM_CACHE": str(blocker / "v"),
                                                      "PLATFORM_PAGE_CACHE": str(blocker / "p")})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("不使用缓存继续") == 2 and (tmp_path / "site/index.html").exists()


def _complete(site: Path) -> list[str]:
    """Pages the sitemap lists that are missing from the folder (a complete site misses none)."""
    locs = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    home = min(locs, key=len)  # the site's root URL
    assert len(locs) > 20 and all(loc.startswith(home) for loc in locs)
    return [loc for loc in locs if not (site / loc[len(home):] / "index.html").is_file()]


def test_concurrent_make_site_never_leaves_a_partial_site(tmp_path):
    """The second `make site` starts while the first is writing its pages. With the old recipe (one shared
    site.tmp/, rm -rf then mv) the first printed success over a site missing 132 of its 160 files."""
    import time
    site = tmp_path / "out" / "site"
    env = {**os.environ, "PLATFORM_DATA": str(MINI), "PLATFORM_TODAY": "2026-11-25"}
    # the virtualenv is set up already (make test did it): do not let make redo it for a newer checkout time
    stamp = ".venv/.installed-" + __import__("hashlib").sha1((ROOT / "requirements.lock").read_bytes()).hexdigest()[:12]
    make = ["make", "--no-print-directory", "-s", "-o", stamp, "site", f"SITE={site}"]

    def start() -> subprocess.Popen:
        return subprocess.Popen(make, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    first = start()
    deadline = time.monotonic() + 600
    while not any(p.name.startswith(".site.tmp-") for p in site.parent.glob(".*")) and first.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.2)  # until the first build is writing into its temporary folder
    second = start()
    for run in (first, second):
        out, err = run.communicate(timeout=900)
        assert run.returncode == 0 and "Traceback" not in err, err[-2000:]
        assert f"{site}/ built from data/" in out
        assert (site / "sitemap.xml").exists() and _complete(site) == []  # whole when success is printed
        assert len([p for p in site.rglob("*") if p.is_file()]) > 150
    assert sorted(p.name for p in site.parent.iterdir()) == [".site.lock", "site"]  # no temporary folders left


def test_failed_build_keeps_the_previous_site(tmp_path):
    from build_tools.commands import sitebuild
    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    (site / "old/index.html").write_text("previous site", encoding="utf-8")
    env = {"PLATFORM_DATA": str(HOSTILE)}
    result = subprocess.run([sys.executable, "-m", "build_tools", "build-site", "--site-dir", str(site)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, **env})
    assert result.returncode != 0 and "原有站点保持不变" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in site.iterdir()] == ["old"] and sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]
    assert sitebuild  # imported: the command is the module's


# --- item 5, in the browser: no attachment runs script on the site's origin -------------------------
ATTACK_HTML = b"<!doctype html><html><body><script>alert('xss:' + document.domain)</script></body></html>"
ATTACK_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'xss:\' + document.domain)"><circle r="9"/></svg>'


def _polyglot_docx() -> bytes:
    """A real Word package that also carries an HTML page inside."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("index.html", ATTACK_HTML)
    return out.getvalue()


# Files whose first bytes are what their extension says and that carry a script payload behind them:
# the content check lets them through, so the browser must not run them.
POLYGLOTS = {
    "poly.pdf": b"%PDF-1.4\n" + ATTACK_HTML,
    "poly.png": b"\x89PNG\r\n\x1a\n" + ATTACK_SVG + ATTACK_HTML,
    "poly.jpg": b"\xff\xd8\xff\xe0" + ATTACK_HTML,
    "poly.webp": b"RIFF\x10\0\0\0WEBP" + ATTACK_SVG,
    "poly.docx": _polyglot_docx(),
}
REFUSED = {"evil.html": ATTACK_HTML, "evil.svg": ATTACK_SVG, "evil.htm": ATTACK_HTML, "evil.xhtml": ATTACK_HTML,
           "renamed-html.pdf": ATTACK_HTML, "renamed-svg.png": ATTACK_SVG, "renamed-html.txt": ATTACK_HTML}


def _visit(page, url: str) -> None:
    """Open `url` as a visitor would; a download instead of a page is fine (and no script)."""
    try:
        page.goto(url, wait_until="load", timeout=15000)
    except Exception as exc:  # noqa: BLE001 - Playwright raises on downloads and aborted navigations
        assert "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc), exc
    page.wait_for_timeout(300)


def test_no_attachment_runs_script_in_the_browser(data_copy, tmp_path, serve, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # The harness sees script when there is some: an attacker's page served as such raises a dialog.
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "evil.html").write_bytes(ATTACK_HTML)
    (probe / "evil.svg").write_bytes(ATTACK_SVG)
    for name in ("evil.html", "evil.svg"):
        _visit(page, serve(probe) + name)
    assert len(dialogs) == 2 and all(d.startswith("xss:") for d in dialogs)
    dialogs.clear()

    # Polyglots pass the content check and are published, served by their extension: nothing runs,
    # neither through the agency page's own links nor by visiting the file's URL.
    for name, content in POLYGLOTS.items():
        _attach(data_copy, name, content)
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "build_tools", "build-site", "--site-dir", str(site)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PLATFORM_DATA": str(data_copy)})
    assert result.returncode == 0, result.stderr
    base = serve(site)
    page.goto(base + "agencies/demo-alpha/")
    links = page.locator("ul.tp-files a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(h.rsplit("/", 1)[1] for h in hrefs) == sorted(["cma.pdf", *POLYGLOTS])
    for i in range(len(hrefs)):
        page.goto(base + "agencies/demo-alpha/")
        try:
            with page.expect_download(timeout=2000):
                page.locator("ul.tp-files a").nth(i).click()
        except Exception:  # noqa: BLE001 - opened in the page (an image) instead of downloaded
            pass
        page.wait_for_timeout(300)
    for name in POLYGLOTS:
        _visit(page, base + f"agencies/demo-alpha/files/{name}")
    assert dialogs == [] and page.js_errors == []

    # HTML and SVG, named as such or renamed: the build refuses them, the published site keeps its last
    # good state, and their URLs on the site are not found.
    for name, content in REFUSED.items():
        _attach(data_copy, name, content)
    result = subprocess.run([sys.executable, "-m", "build_tools", "build-site", "--site-dir", str(site)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PLATFORM_DATA": str(data_copy)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    for name in REFUSED:
        assert f"files/{name}: " in result.stderr  # each one named
        assert not (site / "agencies/demo-alpha/files" / name).exists()
        _visit(page, base + f"agencies/demo-alpha/files/{name}")
    page.goto(base + "agencies/demo-alpha/")
    assert page.locator("ul.tp-files a").count() == len(POLYGLOTS) + 1
    assert dialogs == []
    if os.environ.get("PLATFORM_SCREENSHOTS"):  # to look at the page: PLATFORM_SCREENSHOTS=/some/folder
        page.locator("#files").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(os.environ["PLATFORM_SCREENSHOTS"]) / "hostile-attachments.png"))
