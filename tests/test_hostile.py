"""Hostile inputs (tests/fixtures/hostile/, one file per attack): each is rejected naming file and field."""
from __future__ import annotations

import functools
import os
import re

import pytest
import yaml

from build_tools.records.safeyaml import YamlError, load_bytes
from build_tools.records.validate import validate_tree
from conftest import FIXTURES, build_site

HOSTILE = FIXTURES / "hostile"


def _attacks() -> list[tuple[str, str, str]]:
    rows = []
    for line in (HOSTILE / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith((".yaml", ".yml")):
            rows.append((cells[0], "" if cells[1] == "-" else cells[1], cells[2]))
    return rows


ATTACKS = _attacks()


@functools.lru_cache(maxsize=1)
def hostile_problems():
    _, problems = validate_tree(HOSTILE)
    return problems


def test_every_attack_file_is_documented():
    on_disk = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.rglob("*.y*ml")}
    assert on_disk == {file for file, _, _ in ATTACKS}
    assert len(ATTACKS) >= 30


@pytest.mark.parametrize("file, field, words", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_is_rejected_with_file_and_field(file, field, words):
    mine = [p for p in hostile_problems() if p.file.endswith("hostile/" + file)]
    assert any(p.field == field and words in p.message for p in mine), [str(p) for p in mine]
    if field == "":  # a whole-file rejection still names the line where it can
        assert all(p.line >= 0 for p in mine)


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
    assert [(p.field, "符号链接" in p.message) for p in problems] == [("files[0].url", True)]


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
