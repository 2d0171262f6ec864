"""Ownership: an agency's accounts change only that agency's records; reviews never by the reviewed agency."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.submit.ownership import check, decide, existed_before, load_owners
from conftest import MINI, ROOT

OWNERS = """\
maintainers: [eco-admin]
agencies:
  demo-alpha: [Alice-Lab, alice2]
  demo-beta: [bob]
"""

REVIEW = "id: {id}\nenterprise: 某企业\nagency: {agency}\nproject: demo-beta-2023-001\ndate: 2024-02-01\n" \
         "scores: {{quality: 5, timeliness: 5, professionalism: 5, communication: 5, price: 5}}\n"


@pytest.fixture
def data(data_copy) -> Path:
    (data_copy / "owners.yaml").write_text(OWNERS, encoding="utf-8")
    return data_copy


@pytest.fixture
def owners(data):
    owners, problems = load_owners(data)
    assert problems == []
    return owners


def never(path: Path) -> bool:
    return False


def verdict(author, rel, data, owners, existed=never):
    d = decide(author, data / rel, data, owners, existed)
    return d.allowed, d.reason


def test_owner_may_change_own_agency_records(data, owners):
    assert verdict("alice-lab", "agencies/demo-alpha/projects/demo-alpha-2023-001.yaml", data, owners) == \
        (True, "本人代表的机构“demo-alpha”")  # logins compare case-insensitively, as on GitHub
    assert verdict("alice2", "agencies/demo-alpha/files/cma.pdf", data, owners)[0]


def test_owner_denied_on_another_agency(data, owners):
    assert verdict("bob", "agencies/demo-alpha/agency.yaml", data, owners) == \
        (False, "机构“demo-alpha”的记录只能由其登记的账号修改")


def test_maintainer_may_change_anything(data, owners):
    for rel in ("agencies/demo-alpha/agency.yaml", "policies/p-water-law.yaml", "owners.yaml", "../schemas/x.json"):
        assert verdict("ECO-admin", rel, data, owners) == (True, "维护者")


def test_reviews_of_own_agency_denied(data, owners):
    review = data / "reviews/enterprise/er-9001.yaml"
    review.write_text(REVIEW.format(id="er-9001", agency="demo-beta"), encoding="utf-8")
    assert verdict("bob", review, data, owners) == (False, "不能评价自己代表的机构“demo-beta”")
    assert verdict("alice-lab", review, data, owners) == (True, "新增对机构“demo-beta”的评价")
    assert verdict("someone", review, data, owners, existed=lambda p: True) == \
        (False, "已发布的评价只有维护者可以修改或删除")
    mgmt = data / "reviews/management/mr-2024-demo-alpha.yaml"
    mgmt.write_text("id: mr-2024-demo-alpha\nreviewer: 某协会\nagency: demo-alpha\nyear: 2024\nscore: 90\n"
                    "date: 2025-01-10\n", encoding="utf-8")
    for author in ("alice2", "bob", "carol"):   # 管理评价 comes from the bureau (maintainers) only
        assert verdict(author, mgmt, data, owners) == (False, "管理评价只能由维护者（管理部门）提交、修改或删除")
    assert verdict("eco-admin", mgmt, data, owners) == (True, "维护者")


def test_new_agency_only_by_an_account_without_one(data, owners):
    new = "agencies/haihe-eco-lab/agency.yaml"
    assert verdict("carol", new, data, owners) == \
        (True, "新机构“haihe-eco-lab”：合并后由维护者在 data/owners.yaml 中登记您的账号")
    assert verdict("bob", new, data, owners) == (False, "您已代表机构“demo-beta”，不能再新建机构")

    def existing_unowned(p):
        return p == data / "agencies/haihe-eco-lab/agency.yaml"

    assert verdict("carol", new, data, owners, existing_unowned) == \
        (False, "机构“haihe-eco-lab”尚未登记账号，只有维护者可以修改；请联系维护者在 data/owners.yaml 中登记")


def test_demands_added_by_anyone_editorial_content_maintainers_only(data, owners):
    (data / "demands/dm-0900.yaml").write_text("id: dm-0900\n", encoding="utf-8")
    assert verdict("carol", "demands/dm-0900.yaml", data, owners) == (True, "新增需求")
    assert verdict("carol", "demands/dm-0001.yaml", data, owners, lambda p: True)[0] is False
    assert verdict("alice-lab", "policies/p-new.yaml", data, owners)[0] is False
    assert verdict("alice-lab", "owners.yaml", data, owners)[0] is False
    assert verdict("alice-lab", "../build_tools/cli.py", data, owners) == \
        (False, "数据目录以外的文件（程序、表单、工作流等）只有维护者可以修改")


def test_one_denied_file_denies_the_change(data, owners):
    files = [data / "agencies/demo-alpha/agency.yaml", data / "agencies/demo-beta/agency.yaml"]
    assert [d.allowed for d in check("alice-lab", files, data, owners, never)] == [True, False]


def test_owners_file_is_schema_checked(data_copy):
    (data_copy / "owners.yaml").write_text(
        "maintainers: []\nagencies:\n  demo-alpha: [alice, 'bad login!']\n  Demo_Gamma: [x]\n", encoding="utf-8")
    _, problems = load_owners(data_copy)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (1, "maintainers", "「维护者」至少需要填写 1 项"),
        (3, "agencies.demo-alpha[1]", "「GitHub 账号」格式不正确：GitHub 用户名：字母、数字和单个连字符，最长 39 位。（现为“bad login!”）"),
        (4, "agencies.Demo_Gamma", "「机构账号」格式不正确：小写字母、数字和连字符组成，3–64 位，须与文件名一致。（现为“Demo_Gamma”）"),
    ]


def test_owners_must_name_existing_agencies(data_copy):
    (data_copy / "owners.yaml").write_text("maintainers: [eco-admin]\nagencies:\n  demo-gamma: [x]\n", encoding="utf-8")
    _, problems = load_owners(data_copy)
    assert [(p.line, p.message) for p in problems] == [
        (3, "找不到机构“demo-gamma”（data/agencies/demo-gamma/agency.yaml），请核对编号")]


def test_repository_owners_file_is_valid():
    owners, problems = load_owners(ROOT / "data")
    assert problems == [] and owners.maintainers


def test_cli_with_git_base(tmp_path):
    """The command the PR workflow runs: new vs changed files are told apart by the base revision."""
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo / "data")
    (repo / "data/owners.yaml").write_text(OWNERS, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    subprocess.run(git[:-2] + ["init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "base"], check=True)
    review = repo / "data/reviews/enterprise/er-9002.yaml"
    review.write_text(REVIEW.format(id="er-9002", agency="demo-beta"), encoding="utf-8")

    def run(author, *files):
        return subprocess.run([sys.executable, "-m", "build_tools", "check-ownership", "--author", author,
                               "--base", "HEAD", "--data", "data", "--", *files],
                              cwd=repo, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})

    ok = run("alice-lab", "data/reviews/enterprise/er-9002.yaml", "data/agencies/demo-alpha/agency.yaml")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines() == ["✓ 允许 data/reviews/enterprise/er-9002.yaml：新增对机构“demo-beta”的评价",
                                      "✓ 允许 data/agencies/demo-alpha/agency.yaml：本人代表的机构“demo-alpha”"]
    denied = run("alice-lab", "data/reviews/enterprise/er-0001.yaml")  # exists in the base: maintainers only
    assert denied.returncode == 1
    assert denied.stdout.strip() == "✗ 拒绝 data/reviews/enterprise/er-0001.yaml：已发布的评价只有维护者可以修改或删除"
    assert run("eco-admin", "data/reviews/enterprise/er-0001.yaml").returncode == 0


def test_without_base_files_on_disk_and_untouched_count_as_existing(data, owners):
    project = data / "agencies/demo-beta/projects/demo-beta-2099-001.yaml"
    project.write_text("id: demo-beta-2099-001\n", encoding="utf-8")
    existed = existed_before(None, [project])
    assert existed(data / "agencies/demo-beta/agency.yaml") and not existed(project)
    owners = load_owners(data)[0]
    unowned = type(owners)(owners.maintainers, {"demo-alpha": owners.agencies["demo-alpha"]})
    assert decide("carol", project, data, unowned, existed).reason == \
        "机构“demo-beta”尚未登记账号，只有维护者可以修改；请联系维护者在 data/owners.yaml 中登记"


def test_github_format_escapes_a_hostile_file_name(tmp_path):
    """A changed file's name is untrusted: it must not end the `::error` command or start a new one."""
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo / "data")
    (repo / "data/owners.yaml").write_text(OWNERS, encoding="utf-8")
    name = "data/policies/x,y:z\n::warning::injected.yaml"
    run = subprocess.run([sys.executable, "-m", "build_tools", "check-ownership", "--author", "mallory",
                          "--data", "data", "--format", "github", "--", name],
                         cwd=repo, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 1
    assert run.stdout.splitlines() == [   # the newline is shown as \u000a, the name is refused from anyone
        "::error file=data/policies/x%2Cy%3Az\\u000a%3A%3Awarning%3A%3Ainjected.yaml::账号 mallory 无权提交此文件："
        "文件名含控制字符或文字方向控制符，请改用普通文件名"]


def test_local_files_are_judged_by_the_path_as_written_never_through_a_link(data, owners):
    """`files -> ../..` made resolve() land on the data root (IndexError); a link into another agency's
    folder counted as that agency's. Links are refused, from anyone."""
    files = data / "agencies/demo-alpha/files"
    shutil.rmtree(files)
    files.symlink_to("../..")
    assert verdict("alice-lab", "agencies/demo-alpha/files", data, owners) == \
        (False, "不允许提交符号链接（symlink），请提交文件本身")
    link = data / "agencies/demo-beta/projects/demo-beta-2023-002.yaml"
    link.symlink_to("../../demo-alpha/agency.yaml")
    assert verdict("bob", link, data, owners)[1] == "不允许提交符号链接（symlink），请提交文件本身"
    assert verdict("eco-admin", link, data, owners)[0] is False
    fifo = data / "agencies/demo-alpha/projects/x.yaml"
    os.mkfifo(fifo)
    assert verdict("alice-lab", fifo, data, owners) == (False, "只能提交普通文件（不能是目录、管道等）")


def test_cli_file_names_after_double_dash_are_never_options(data, owners, tmp_path):
    run = subprocess.run([sys.executable, "-m", "build_tools", "check-ownership", "--author", "alice-lab",
                          "--data", str(data), "--", "--author=eco-admin", str(data / "agencies/demo-beta/agency.yaml")],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert run.returncode == 1
    assert "✗ 拒绝 --author=eco-admin：数据目录以外的文件" in run.stdout
    assert "机构“demo-beta”的记录只能由其登记的账号修改" in run.stdout
    # the older `--changed FILE...`: everything after it is a file, the trio of the issue included
    old = subprocess.run([sys.executable, "-m", "build_tools", "check-ownership", "--author", "alice-lab", "--data",
                          str(data), "--changed", "+", "--author=eco-admin", "--changed", "agency.yaml"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert old.returncode == 1 and "✓" not in old.stdout
    assert [line.split("：")[0] for line in old.stdout.splitlines()] == [
        "✗ 拒绝 +", "✗ 拒绝 --author=eco-admin", "✗ 拒绝 --changed", "✗ 拒绝 agency.yaml"]
    bad = subprocess.run([sys.executable, "-m", "build_tools", "check-ownership", "--author", "x\n::warning::y",
                          "--data", str(data), "--", "a"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert bad.returncode == 2 and "::warning::y" not in bad.stdout.splitlines()


def test_git_raw_diff_is_parsed_without_quoting_or_renames():
    from build_tools.submit.gitdata import Entry, parse_raw, path_problem, shown
    z = "0" * 40
    a, b = "a" * 40, "b" * 40
    raw = (f":000000 100644 {z} {a} A\0data/agencies/x/files/检测报告.pdf\0"
           f":100644 000000 {b} {z} D\0--author=eco-admin\0"
           f":100644 120000 {b} {a} T\0data/agencies/x/files\0").encode()
    changes = parse_raw(raw)
    assert [(c.status, c.path) for c in changes] == [
        ("A", "data/agencies/x/files/检测报告.pdf"), ("D", "--author=eco-admin"), ("T", "data/agencies/x/files")]
    assert changes[0].old is None and changes[1].new is None and changes[2].new == Entry("120000", a)
    assert path_problem("data/agencies/x/files/检测报告.pdf") is None
    assert "隐藏" in path_problem("data/agencies/x/.gitattributes")
    assert "“.git”" in path_problem("build_tools/.GIT/config")
    assert "控制字符" in path_problem("data/a\u202eb.pdf") and shown("a\u202eb\n") == "a\\u202eb\\u000a"
    assert "UTF-8" in path_problem(b"data/caf\xe9".decode("utf-8", "surrogateescape"))
