import pytest

from build_tools.records.codes import credit_check_char, is_credit_code, is_resident_id
from build_tools.records.privacy import mask, mask_text
from fictitious import MOBILE, MOBILE_2, RESIDENT_ID


@pytest.mark.parametrize("code, ok", [
    ("91350100M000100Y43", True),     # published example
    ("91350100M000100Y44", False),    # wrong check character
    ("91350100M000100Y4", False),     # 17 characters
    ("91350100M0001O0Y43", False),    # letter O is not in the alphabet
])
def test_credit_code(code, ok):
    assert is_credit_code(code) is ok


def test_check_char_round_trip():
    assert is_credit_code("91120116MA05T1234" + credit_check_char("91120116MA05T1234"))


def test_resident_id():
    assert is_resident_id(RESIDENT_ID)
    assert not is_resident_id("110105194912310021")
    assert not is_resident_id("110105194913310021")  # month 13


def test_masking_mobiles_and_ids_only():
    text = (f"手机 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]} 或 +86 {MOBILE_2}，身份证 {RESIDENT_ID}，座机 022-66281234，"
            "代码 91350100M000100Y43")
    out = mask_text(text)
    assert "138****5678" in out and "139****5678" in out
    assert "110105********002X" in out
    assert "022-66281234" in out and "91350100M000100Y43" in out
    assert "1234 5678" not in out


def test_mask_is_deep():
    assert mask({"a": [{"phone": MOBILE}], "n": 3}) == {"a": [{"phone": "138****5678"}], "n": 3}


def test_mask_copies_only_what_it_changes():
    clean = {"name": "甲", "items": [{"title": "乙"}], "n": 3}
    assert mask(clean) is clean                       # nothing to mask: shared, not copied
    record = {"contacts": [{"phone": MOBILE, "name": "丙"}], "other": {"title": "丁"}}
    masked = mask(record)
    assert masked["contacts"][0]["phone"] == "138****5678" and record["contacts"][0]["phone"] == MOBILE  # input intact
    assert masked["other"] is record["other"] and masked is not record
