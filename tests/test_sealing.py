"""Personal numbers stay out of the public repository: raw numbers are found in every written form and
rejected, numbers are sealed to the bureau's public key (real cryptography, Python and the site's
sealing page in Chromium) and only the private key opens them; no tracked file holds a full number."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_tools.commands.seal import scan_history, scan_tree, seal_file
from build_tools.records import personal, sealing
from build_tools.records.validate import validate_tree
from build_tools.submit.intake import EXPOSED, comment, intake
from conftest import DEMO_PRIVATE, DEMO_PUBLIC, FIXTURES, MINI, ROOT, build_site
from fictitious import MOBILE, MOBILE_2, RESIDENT_ID, RESIDENT_ID_15
from test_workflow_run import context, repo, run_job  # noqa: F401 - `repo` is a fixture

KEY = sealing.load_public(DEMO_PUBLIC)
RING = sealing.key_ring([sealing.load_private(DEMO_PRIVATE)])
M = MOBILE  # assembled at run time (see fictitious.py)
FW = str.maketrans("0123456789+", "０１２３４５６７８９＋")


def cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_tools", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, env={**os.environ, **(env or {})})


# --- finding numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    (M, [M]),
    (f"+86 {M[:3]} {M[3:7]} {M[7:]}", [M]),
    (f"0086{M}", [M]),
    (f"86{M}", [M]),
    (f"({'+'}86){M}", [M]),
    (f"{M[:3]} {M[3:5]} {M[5:7]} {M[7:9]} {M[9:]}", [M]),           # 3+2+2+2+2
    (f"{M[:3]}-{M[3:]}", [M]),                                        # 3+8
    (f"{M[:3]}.{M[3:7]}.{M[7:]}", [M]),
    (f"{M[:3]}\u3000{M[3:7]}\u3000{M[7:]}", [M]),                     # ideographic spaces
    (f"{M[:3]}\u00b7{M[3:7]}\u00b7{M[7:]}", [M]),                     # middle dots
    (f"{M[:3]}\u200b{M[3:7]}\u200b{M[7:]}", [M]),                     # zero-width spaces
    (M.translate(FW), [M]),                                           # full-width digits
    (f"+86 {M}".translate(FW), [M]),
    (f"{M}@163.com", [M]),
    (f"联系 {M}，或 {MOBILE_2}", [M, MOBILE_2]),
    (f"{M} {MOBILE_2}", [M, MOBILE_2]),                              # two numbers side by side
    (RESIDENT_ID, [RESIDENT_ID]),
    (RESIDENT_ID.lower(), [RESIDENT_ID]),
    (f"{RESIDENT_ID[:6]} {RESIDENT_ID[6:14]} {RESIDENT_ID[14:]}", [RESIDENT_ID]),
    (RESIDENT_ID.translate(FW).replace("X", "Ｘ"), [RESIDENT_ID]),
    (RESIDENT_ID_15, [RESIDENT_ID_15]),
    (f"{RESIDENT_ID_15[:6]} {RESIDENT_ID_15[6:12]} {RESIDENT_ID_15[12:]}", [RESIDENT_ID_15]),
])
def test_personal_numbers_are_found_in_every_written_form(text, expected):
    assert [h.number for h in personal.find(text)] == expected


@pytest.mark.parametrize("text", [
    "022-66281234", "022 6628 1234", "(022)66281234", "400-123-4567", "91350100M000100Y43", "2023-06-30",
    "2019-2023 年", "预算 15000-200000 元", "6222 0213 8123 4567 890",             # bank-card-like run
    "13 800 000 000 元",                                                            # an amount in groups
    "12812345678", M[:10], M + "9",                                                 # not a mobile
    RESIDENT_ID[:17] + "1",                                                         # wrong check digit
    "110105491331002",                                                              # 15 digits, month 13
])
def test_other_numbers_are_not_personal(text):
    assert personal.find(text) == []


@pytest.mark.parametrize("unit", ["1 ", "12 ", "123-", "１２ ", f"{M} "])
def test_hostile_digit_runs_take_linear_time(unit):
    """A record is at most 256 KB; a text made only of digit groups is scanned in about a second
    (it took 21 s before windows stopped at one-digit groups and cheap date tests came first)."""
    import time
    text = unit * (256 * 1024 // len(unit.encode()))
    start = time.process_time()
    personal.find(text)
    assert time.process_time() - start < 5


def test_a_token_is_not_a_number_and_shows_masked():
    token = sealing.seal(M, KEY)
    assert personal.find(f"电话 {token}") == []
    assert personal.show_masked(f"电话 {token}。") == "电话 138****5678。"


# --- cryptography --------------------------------------------------------------------------------
def test_seal_and_unseal_round_trip_for_every_number_kind():
    for number, masked in [(M, "138****5678"), (RESIDENT_ID, "110105********002X"),
                           (RESIDENT_ID_15, "110105******002")]:
        token = sealing.seal(number, KEY)
        m = personal.TOKEN.fullmatch(token)
        assert m and personal.well_formed(m) and m["masked"] == masked and m["kid"] == KEY.kid
        assert M not in token and RESIDENT_ID not in token
        assert sealing.unseal(token, RING) == number
    assert sealing.seal(M, KEY) != sealing.seal(M, KEY)  # fresh ephemeral key and nonce every time


def test_tampered_foreign_and_truncated_tokens_do_not_open():
    token = sealing.seal(M, KEY)
    head, kid, payload = token.rsplit(":", 2)
    other = sealing.generate()
    cases = {
        "masked part changed": token.replace("138****5678", "139****5678"),
        "payload changed": f"{head}:{kid}:{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}",
        "other key": sealing.seal(M, other.public),
        "truncated": token[:-1],
        "kid swapped": f"{head}:{other.public.kid}:{payload}",
    }
    for what, bad in cases.items():
        with pytest.raises(sealing.SealingError):
            sealing.unseal(bad, RING)
        assert what


def test_the_sample_site_key_is_a_demo_key_without_private_half():
    key = sealing.load_public(ROOT / "config/sealing.yaml")
    assert key.demo and key.kid != KEY.kid
    tokens = [m for p in (ROOT / "data").rglob("*.yaml") for m in personal.TOKEN.finditer(p.read_text("utf-8"))]
    assert len(tokens) >= 30 and {m["kid"] for m in tokens} == {key.kid}
    assert not any(p.suffix in (".pem", ".key") for p in ROOT.rglob("*") if "tests" not in p.parts
                   and not {".venv", ".git", ".cache"} & set(p.parts))  # .cache: pip-tools (make lock)


# --- validation ----------------------------------------------------------------------------------
RAW_FORMS = [M, f"+86 {M[:3]} {M[3:7]} {M[7:]}", M.translate(FW), f"{M[:3]}\u3000{M[3:7]}\u3000{M[7:]}",
             f"0086{M}", f"{M[:3]}.{M[3:7]}.{M[7:]}"]


@pytest.mark.parametrize("raw", RAW_FORMS)
def test_a_raw_mobile_in_the_phone_field_is_rejected_without_quoting_it(data_copy, raw):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    agency.write_text(re.sub(r'phone: "sealed:v1:[^"]+"', f'phone: "{raw}"', agency.read_text("utf-8")), "utf-8")
    _, problems = validate_tree(data_copy)
    assert [(p.field, p.line) for p in problems] == [("contacts[0].phone", 43)]
    assert problems[0].message.startswith("含有完整的手机号（138****5678）。公开仓库中不得出现完整的手机号")
    assert "号码加密" in problems[0].message and "seal" in problems[0].message
    assert raw not in str(problems[0]) and M not in str(problems[0])


@pytest.mark.parametrize("field, value, kind", [
    ("service_scope", f"水质监测。联系人身份证 {RESIDENT_ID[:6]} {RESIDENT_ID[6:14]} {RESIDENT_ID[14:]}", "身份证号"),
    ("service_scope", f"水质监测，咨询请致电 {M[:3]}-{M[3:7]}-{M[7:]}", "手机号"),
    ("short_name", f"津沽{M}", "手机号"),
])
def test_a_raw_number_in_any_field_is_rejected(data_copy, field, value, kind):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    data = yaml.safe_load(agency.read_text("utf-8"))
    data[field] = value
    agency.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    _, problems = validate_tree(data_copy)
    assert [p.field for p in problems] == [field] and problems[0].message.startswith(f"含有完整的{kind}")


def test_a_sealed_number_validates_in_the_phone_field_and_in_free_text(data_copy):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    data = yaml.safe_load(agency.read_text("utf-8"))
    data["service_scope"] += f" 夜间值班 {sealing.seal(MOBILE_2, KEY)}"
    data["contacts"].append({"name": "周示例", "phone": sealing.seal(MOBILE_2, KEY)})
    agency.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert validate_tree(data_copy)[1] == []


def test_a_truncated_token_in_the_phone_field_is_a_format_error(data_copy):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    agency.write_text(re.sub(r'(phone: "sealed:v1:[^"]+)."', r'\1"', agency.read_text("utf-8")), "utf-8")
    problems = validate_tree(data_copy)[1]
    assert [p.field for p in problems] == ["contacts[0].phone"] and "格式不正确" in problems[0].message


# --- commands: seal, unseal, reseal, keygen ------------------------------------------------------
def test_seal_in_place_keeps_the_layout_and_the_bureau_reads_it_back(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    agency = data / "agencies/demo-alpha/agency.yaml"
    before = agency.read_text("utf-8")
    raw = re.sub(r'phone: "sealed:v1:[^"]+"', f'phone: "+86 {M[:3]} {M[3:7]} {M[7:]}"', before)
    raw = raw.replace("service_scope: ", f"service_scope: 身份证 {RESIDENT_ID}；", 1)
    agency.write_text("# comment kept\n" + raw, "utf-8")
    assert validate_tree(data)[1] != []
    result = cli("seal", "--in-place", str(data))
    assert result.returncode == 0, result.stderr
    after = agency.read_text("utf-8")
    assert after.startswith("# comment kept\n") and M not in after and RESIDENT_ID not in after
    assert len(after.splitlines()) == len(raw.splitlines()) + 1
    assert validate_tree(data)[1] == []
    listed = cli("unseal", "--key", str(DEMO_PRIVATE), str(data))
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [r[2:] for r in rows if r[1] == "demo-alpha"] == [["service_scope", "津沽示例环境监测有限公司", RESIDENT_ID],
                                                             ["contacts[0].phone", "李示例", M]]


def test_seal_numbers_from_arguments_and_refuse_what_is_not_a_number():
    result = cli("seal", f"{M[:3]} {M[3:7]} {M[7:]}", "022-66281234")
    assert result.returncode == 1 and "不是完整的手机号" in result.stderr and "022-66281234" not in result.stderr
    token = result.stdout.strip()
    assert sealing.unseal(token, RING) == M


def test_seal_in_place_reports_what_it_cannot_replace_as_text(tmp_path):
    record = tmp_path / "x.yaml"
    text = 'id: x\nnote: "\\u0031' + M[1:] + '"\n'  # the number hidden behind a YAML escape
    record.write_text(text, "utf-8")
    assert seal_file(record, sealing.Sealer(KEY))[1].startswith("无法自动加密")
    assert record.read_text("utf-8") == text  # left as it was: validation keeps rejecting it


def test_unseal_exports_csv_readable_only_by_its_owner(tmp_path):
    out = tmp_path / "numbers.csv"
    result = cli("unseal", "--key", str(DEMO_PRIVATE), "--csv", str(out), str(MINI))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    text = out.read_text("utf-8-sig")
    assert text.splitlines()[0] == "文件,记录,字段,姓名或名称,号码" and f"demo-alpha,contacts[0].phone,李示例,{M}" in text


def test_unseal_with_the_wrong_key_fails_for_every_number(tmp_path):
    wrong = tmp_path / "wrong.pem"
    wrong.write_bytes(sealing.private_pem(sealing.generate(), None))
    result = cli("unseal", "--key", str(wrong), str(MINI))
    assert result.returncode == 1 and "另一把密钥" in result.stderr and M not in result.stdout + result.stderr


def test_keygen_protects_the_private_key(tmp_path):
    inside = cli("keygen", "--private", str(ROOT / "bureau.pem"), "--public", str(tmp_path / "p.yaml"),
                 "--no-passphrase")
    assert inside.returncode == 2 and "不能保存在仓库目录中" in inside.stderr and not (ROOT / "bureau.pem").exists()
    private, public = tmp_path / "bureau.pem", tmp_path / "sealing.yaml"
    made = cli("keygen", "--private", str(private), "--public", str(public), env={"SEALING_PASSPHRASE": "门锁 2026"})
    assert made.returncode == 0, made.stderr
    assert private.stat().st_mode & 0o777 == 0o600 and b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    key = sealing.load_public(public)
    assert not key.demo and key.kid in public.read_text("utf-8")
    with pytest.raises(sealing.SealingError):
        sealing.load_private(private)  # no passphrase
    opened = sealing.load_private(private, "门锁 2026".encode())
    assert sealing.unseal(sealing.seal(M, key), sealing.key_ring([opened])) == M
    again = cli("keygen", "--private", str(private), "--public", str(public), "--no-passphrase")
    assert again.returncode == 2 and "已存在" in again.stderr


def test_key_rotation_reseals_every_number_to_the_new_key(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    new_private, new_public = tmp_path / "new.pem", tmp_path / "new.yaml"
    assert cli("keygen", "--private", str(new_private), "--public", str(new_public), "--no-passphrase").returncode == 0
    new_kid = sealing.load_public(new_public).kid
    result = cli("reseal", "--key", str(DEMO_PRIVATE), "--public-key", str(new_public), str(data))
    assert result.returncode == 0, result.stderr
    kids = {m["kid"] for p in data.rglob("*.yaml") for m in personal.TOKEN.finditer(p.read_text("utf-8"))}
    assert kids == {new_kid}
    assert validate_tree(data)[1] == []
    assert cli("unseal", "--key", str(DEMO_PRIVATE), str(data)).returncode == 1       # old key: no longer
    listed = cli("unseal", "--key", str(new_private), str(data))
    assert listed.returncode == 0 and M in listed.stdout


# --- submissions: intake bot, `new`, notices importer --------------------------------------------
def _agency_body(phone: str) -> str:
    body = (FIXTURES / "intake/agency.md").read_text("utf-8")
    return re.sub(r"sealed:v1:\S+", phone, body)


@pytest.mark.parametrize("raw", RAW_FORMS[:4])
def test_intake_refuses_a_raw_number_and_never_repeats_it(data_copy, raw):
    result = intake(_agency_body(raw), data_copy)
    assert result.exposed and result.path is None
    assert not (data_copy / "agencies/haihe-eco-lab").exists()
    assert len(result.errors) == 1 and result.errors[0].startswith("「联系人」中有完整的手机号：议题是公开的")
    text = comment(result, "")
    assert "号码加密" in text and "https://example.org/eco-third-party/seal/" in text and "编辑历史" in text
    assert personal.find(text) == [] and raw not in text


def test_intake_cli_exits_3_for_an_exposed_number(tmp_path, data_copy):
    body, note = tmp_path / "body.md", tmp_path / "comment.md"
    body.write_text(_agency_body(f"{M[:3]} {M[3:7]} {M[7:]}"), "utf-8")
    result = cli("intake", str(body), "--data", str(data_copy), "--comment", str(note))
    assert result.returncode == EXPOSED and M not in result.stdout + result.stderr
    assert personal.find(note.read_text("utf-8")) == []


def test_intake_accepts_the_current_key_only(data_copy):
    other = sealing.seal(M, sealing.generate().public)
    result = intake(_agency_body(other), data_copy)
    assert result.errors == [f"「联系人」第 1 行：密文不是用本平台当前的密钥加密的（密钥编号 {other.split(':')[3]}），"
                             "请在「号码加密」页面（https://example.org/eco-third-party/seal/）重新加密后粘贴"]
    good = intake(_agency_body(sealing.seal(M, KEY)), data_copy)
    assert good.errors == [] and M not in good.path.read_text("utf-8")


def test_intake_workflow_refuses_a_raw_number_through_its_real_steps(repo):
    """intake.yml's shell steps, for real: no branch, no PR, one comment that never repeats the number."""
    ctx = {**context(_agency_body(f"+86 {M}"), "alice"), "join(github.event.issue.labels.*.name, ' ')": "intake intake:agency"}
    results, out = run_job(repo, "intake.yml", "intake", ctx)
    assert results == [("Form to record", "failure"), ("Ownership", "skipped"),
                       ("Open or update the pull request", "skipped"), ("Explain the problems on the issue", "success")]
    assert "gh issue comment 7 --body-file" in out and "本议题中出现了完整的个人号码" in out
    assert M not in out and "gh pr create" not in out
    assert "intake/issue-7" not in subprocess.run(["git", "branch", "-a"], cwd=repo, capture_output=True, text=True).stdout


def test_new_seals_a_typed_mobile(data_copy):
    from io import StringIO

    from build_tools.submit.scaffold import scaffold
    answers = ["demo-alpha-2025-009", "demo-alpha", "示例地下水监测", "示例委托企业", "", "环境监测", "2025-03-01", "",
               "进行中", "天津市", "天津市", "", "", "", f"联系 {M[:3]} {M[3:7]} {M[7:]}", "2025-03-02"]
    out = StringIO()
    path, errors = scaffold("project", StringIO("\n".join(answers) + "\n"), out, data_copy)
    assert errors == [], out.getvalue()
    written = path.read_text("utf-8")
    assert M not in written and "sealed:v1:138****5678:" + KEY.kid in written
    assert "已用主管部门公钥加密（网站只显示 138****5678）" in out.getvalue()
    token = personal.TOKEN.search(written).group()
    assert sealing.unseal(token, RING) == M


def test_imported_notices_have_their_mobile_numbers_sealed(tmp_path):
    from build_tools.submit.notices import import_notices
    source = tmp_path / "n.csv"
    source.write_text("标题,公告类型,公告编号,省,市,需求类型,发布主体,发布日期,联系人,联系电话,需求说明\n"
                      f"示例监测采购,采购公告,QP-2026-777,上海市,上海市,环境监测,示例管委会,2026-10-01,王工,"
                      f"{M[:3]} {M[3:7]} {M[7:]},详询 {MOBILE_2}\n", "utf-8")
    data = tmp_path / "data"
    (data / "demands").mkdir(parents=True)
    report = import_notices(source, data)
    assert report.rejected == [], report.rejected
    written = (data / "demands/dm-qp-2026-777.yaml").read_text("utf-8")
    assert M not in written and MOBILE_2 not in written
    tokens = [m.group() for m in personal.TOKEN.finditer(written)]
    assert sorted(sealing.unseal(t, RING) for t in tokens) == sorted([M, MOBILE_2])
    again = import_notices(source, data)
    assert again.skipped and "已导入过，内容未变" in again.skipped[0][1]


# --- the repository ------------------------------------------------------------------------------
def test_no_tracked_file_holds_a_full_personal_number():
    """Every file git tracks (paths and text contents, tests and docs included): no exceptions."""
    leaks = scan_tree(ROOT)
    assert [(x.where, x.line, x.hit.label) for x in leaks] == []


def test_scan_finds_numbers_in_paths_contents_and_history(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    (repo / "a.yaml").write_text(f"phone: '{M}'\n", "utf-8")
    (repo / f"files-{RESIDENT_ID}.txt").write_text("x\n", "utf-8")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    found = {(x.where, x.line, x.hit.number) for x in scan_tree(repo)}
    assert found == {("a.yaml", 1, M), (f"files-{RESIDENT_ID}.txt", 0, RESIDENT_ID)}
    (repo / "a.yaml").write_text("phone: '022-66281234'\n", "utf-8")
    (repo / f"files-{RESIDENT_ID}.txt").unlink()
    subprocess.run([*git, "commit", "-qam", "fix"], cwd=repo, check=True)
    assert scan_tree(repo) == []
    history = scan_history(repo)  # a fresh clone still downloads the old version
    assert {x.hit.number for x in history} == {M, RESIDENT_ID}
    out = tmp_path / "replace.txt"
    result = cli("scan-numbers", "--repo", str(repo), "--history", "--replacements", str(out))
    assert result.returncode == 1 and M not in result.stdout and "138****5678" in result.stdout
    assert f"{M}==>138****5678" in out.read_text("utf-8").splitlines()


# --- the sealing page in Chromium ----------------------------------------------------------------
@pytest.fixture(scope="module")
def seal_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("seal-site")
    result = build_site(MINI, site, env={"PLATFORM_SEALING_KEY": str(DEMO_PUBLIC)})
    assert result.returncode == 0, result.stderr
    return site


def test_the_browser_seals_and_the_bureau_unseals(seal_site, serve, page, tmp_path, data_copy):
    base = serve(seal_site)
    page.goto(base + "seal/")
    assert page.locator("h1").inner_text() == "号码加密"
    assert page.locator(".tp-seal-demo").is_visible()  # the demo key says so
    requests: list = []
    page.on("request", lambda r: requests.append(r))
    page.locator("#tp-seal-number").fill(f"+86 {M[:3]} {M[3:7]} {M[7:]}".translate(FW))
    page.get_by_role("button", name="加密").click()
    page.wait_for_selector("#tp-seal-result:not([hidden])")
    token = page.locator("#tp-seal-token").input_value()
    assert page.locator("#tp-seal-masked").inner_text() == "138****5678"
    # The number went nowhere: the theme may still lazy-load its own scripts, but nothing is sent
    # (no body, no query string) and every request stays on the site's own static assets.
    sent = [(r.method, r.url, r.post_data) for r in requests]
    assert all(m == "GET" and body is None and "?" not in u and u.startswith(base + "assets/") for m, u, body in sent), sent
    assert personal.well_formed(personal.TOKEN.fullmatch(token)) and M not in token
    assert sealing.unseal(token, RING) == M  # sealed by WebCrypto, opened by Python
    page.screenshot(path=str(Path(os.environ.get("PLATFORM_SCREENSHOTS", tmp_path)) / "seal-page.png"), full_page=True)
    # the browser's token goes through the issue form into a valid record
    result = intake(_agency_body(token), data_copy)
    assert result.errors == [] and token in result.path.read_text("utf-8")
    # what is not a mobile number is refused on the page
    page.locator("#tp-seal-number").fill("022-66281234")
    page.get_by_role("button", name="加密").click()
    assert "请输入 11 位手机号" in page.locator("#tp-seal-error").inner_text()
    assert page.locator("#tp-seal-result").is_hidden()
    assert page.js_errors == []


def test_the_page_is_in_the_nav_and_pages_show_masked_numbers(seal_site):
    home = (seal_site / "index.html").read_text("utf-8")
    assert 'href="seal/"' in home
    agency = (seal_site / "agencies/demo-alpha/index.html").read_text("utf-8")
    assert "138****5678" in agency and personal.TOKEN.search(agency) is None


def test_key_problems_are_sentences_not_tracebacks(tmp_path):
    locked = tmp_path / "locked.pem"
    locked.write_bytes(sealing.private_pem(sealing.generate(), b"secret"))
    result = cli("unseal", "--key", str(locked), str(MINI), env={"SEALING_PASSPHRASE": ""})
    assert result.returncode == 2 and "需要私钥口令" in result.stderr and "Traceback" not in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("public_key: nonsense\n", "utf-8")
    result = cli("seal", "--public-key", str(broken), "x")
    assert result.returncode == 2 and "无法读取主管部门公钥" in result.stderr and "Traceback" not in result.stderr
