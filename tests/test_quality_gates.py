"""The quality gates themselves: the lock file matches the pins, markers are set by fixture use."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.M)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path) -> dict[str, str]:
    return {_name(n): v for n, v in PIN.findall(path.read_text(encoding="utf-8"))}


def test_lock_pins_every_requirement_at_its_version_with_hashes():
    lock_text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked = _pins(ROOT / "requirements.lock")
    for source in ("requirements.txt", "requirements-dev.txt"):
        pins = _pins(ROOT / source)
        assert pins, source
        stale = {n: (v, locked.get(n)) for n, v in pins.items() if locked.get(n) != v}
        assert not stale, f"{source} and requirements.lock disagree (run `make lock`): {stale}"
    # every locked requirement carries at least one sha256 (pip --require-hashes refuses the file otherwise)
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock_text.split("\n\n", 1)[-1].strip())
    entries = [e for e in entries if PIN.match(e)]
    assert len(entries) == len(locked) > 20
    assert all("--hash=sha256:" in e for e in entries)


def test_markers_are_registered_and_make_has_the_runs():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    markers = {m.split(":")[0] for m in config["tool"]["pytest"]["ini_options"]["markers"]}
    assert {"browser", "slow"} <= markers
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r'^test-fast:.*\n\t\$\(PY\) -m pytest -q -m "not browser and not slow"', make, re.M)
    assert re.search(r"^test: .*\blint\b", make, re.M)  # lint and type check run before the tests


def _collected(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return {line for line in out.stdout.splitlines() if "::" in line}


def test_browser_and_slow_markers_follow_fixture_use():
    files = ["tests/test_site_e2e.py", "tests/test_safeyaml.py", "tests/test_settings.py"]
    names = {kind: {t.split("::")[-1].split("[")[0] for t in _collected(*files, *args)}
             for kind, args in (("all", ()), ("browser", ("-m", "browser")), ("slow", ("-m", "slow and not browser")),
                                ("fast", ("-m", "not browser and not slow")))}
    assert names["browser"] | names["slow"] | names["fast"] == names["all"]
    assert "test_agency_page_shows_record_fields" in names["browser"]          # through the `page` fixture
    assert "test_build_fails_closed_on_invalid_data" in names["slow"]          # calls build_site itself
    assert "test_a_bad_setting_fails_the_site_build" in names["slow"]
    assert "test_record_pages_are_not_in_the_nav" in names["slow"]             # through a site fixture
    assert {"test_yaml_bomb_is_refused_before_expansion", "test_defaults_are_the_documented_ones"} <= names["fast"]
