"""The scheduled import (.github/workflows/import.yml): its shell steps run for real in a throw-away repository
(test_workflow_run's harness: an `origin`, a fake `gh`), import-run on the sample exports, least privilege."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from build_tools.submit.importers.run import ConfigError, import_run, load_config
from conftest import FIXTURES, ROOT
from test_workflow_run import _git, repo, run_job  # noqa: F401 - `repo` is a fixture

SAMPLES = FIXTURES / "imports"
CONFIG = """imports:
  - importer: agencies
    file: imports/agencies-monitoring.gbk.csv
    list: 环境监测
    publisher: 天津市生态环境局
    date: 2026-10-31
  - importer: credit
    file: imports/credit-penalties.gb18030.csv
    type: 行政处罚
  - importer: letters
    file: imports/letters-government.xlsx
"""


def context(tmp: Path) -> dict[str, str]:
    return {"secrets.IMPORT_TOKEN || secrets.GITHUB_TOKEN": "fake-token", "github.server_url": str(tmp),
            "github.repository": "origin"}


def _with_config(repo: Path, config: str) -> None:
    (repo / "config").mkdir(exist_ok=True)
    (repo / "config/imports.yaml").write_text(config, encoding="utf-8")
    shutil.copytree(SAMPLES, repo / "imports", ignore=shutil.ignore_patterns("agencies", "*.py"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "imports")
    _git(repo, "push", "-q", "origin", "main")


def test_workflow_is_least_privilege_and_never_targets_main():
    doc = yaml.load((ROOT / ".github/workflows/import.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert doc["permissions"] == {"contents": "read"}
    job = doc["jobs"]["import"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] == "false"
    assert job["env"]["BRANCH"] == "import/official"
    assert set(doc["on"]) == {"schedule", "workflow_dispatch"}


def test_changes_become_a_pull_request_from_a_branch(repo, monkeypatch):
    monkeypatch.setenv("PLATFORM_TODAY", "2026-11-25")
    _with_config(repo, CONFIG)
    main_before = _git(repo.parent / "origin.git", "rev-parse", "main")
    results, out = run_job(repo, "import.yml", "import", context(repo.parent))
    assert results == [("Run the importers", "success"), ("Validate", "success"),
                       ("Open or update the pull request", "success"), ("Fail when an export could not be read", "success")]
    origin = repo.parent / "origin.git"
    assert _git(origin, "rev-parse", "main") == main_before  # main is never pushed to
    files = _git(origin, "ls-tree", "-r", "--name-only", "import/official").splitlines()
    assert "data/official/qualifications/em-91120116ma05t12349.yaml" in files
    assert "data/agencies/ag-91120118ma06abcd1y/agency.yaml" in files
    # demo-alpha's penalty is new; the penalties of units not on the platform are not imported
    assert [f for f in files if f.startswith("data/official/credit/cr-91120116ma05t12349-")] != []
    assert not [f for f in files if f.startswith("data/official/credit/cr-91120222ma05qx4513-")]
    assert sum(f.startswith("data/faq/") for f in files) == 3
    calls = [line for line in out.splitlines() if line.startswith("gh ")]
    assert calls == ["gh pr list --head import/official --state open --json number --jq .[].number",
                     f"gh pr create --base main --head import/official --title 官方数据导入 --body-file "
                     f"{repo.parent / 'runner_temp/report.md'}"]
    assert "## agencies：imports/agencies-monitoring.gbk.csv" in out and "::warning::部分行被拒绝" in out


def test_nothing_changed_means_no_pull_request(repo):
    _with_config(repo, "imports: []\n")
    results, out = run_job(repo, "import.yml", "import", context(repo.parent))
    assert ("Open or update the pull request", "success") in results
    assert "官方来源没有变化，不开合并请求。" in out
    assert "gh pr" not in out
    assert "import/official" not in _git(repo.parent / "origin.git", "branch", "--list")


def test_an_unreadable_export_fails_the_run_after_the_others(repo, monkeypatch):
    monkeypatch.setenv("PLATFORM_TODAY", "2026-11-25")
    _with_config(repo, CONFIG + "  - importer: policies\n    file: imports/missing.csv\n")
    results, out = run_job(repo, "import.yml", "import", context(repo.parent))
    assert results[-1] == ("Fail when an export could not be read", "failure")
    assert ("Open or update the pull request", "success") in results  # what could be imported is still proposed
    assert "无法导入：No such file or directory" in out


@pytest.mark.parametrize("config,problem", [
    ("imports:\n  - importer: agencies\n    file: a.csv\n", "第 1 项：agencies 须写明 list 与 publisher"),
    ("imports:\n  - importer: credit\n    url: ftp://x/y.csv\n", "第 1 项：url 须以 https:// 或 http:// 开头"),
    ("imports:\n  - importer: letters\n    file: a.csv\n    url: https://x/y.csv\n", "file（仓库中的文件）与 url（下载地址）须且只须填写一个"),
    ("imports:\n  - importer: notices\n    file: a.csv\n", "importer 须为 agencies、credit、policies、letters 之一"),
    ("imports:\n  - importer: letters\n    file: a.csv\n    mailboxx: 信箱\n", "不认识的设置 mailboxx（可用：mailbox）"),
])
def test_config_problems_are_reported_before_anything_runs(tmp_path, config, problem):
    path = tmp_path / "imports.yaml"
    path.write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_config(path)


def test_exports_are_fetched_by_url_and_files_stay_inside_the_repository(tmp_path, monkeypatch):
    """A URL entry is downloaded (here from a loopback server); a file entry cannot point outside the root."""
    monkeypatch.setenv("PLATFORM_TODAY", "2026-11-25")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SAMPLES))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        data = tmp_path / "data"
        shutil.copytree(FIXTURES / "mini", data)
        config = tmp_path / "imports.yaml"
        config.write_text(f"imports:\n  - importer: policies\n    url: http://127.0.0.1:{server.server_address[1]}/policies.atom.xml\n"
                          "    issuer: 江苏省生态环境厅\n  - importer: letters\n    file: ../../etc/passwd\n", encoding="utf-8")
        status, text = import_run(config, data, root=tmp_path)
    finally:
        server.shutdown()
    assert status == 2
    assert "新增 2 条" in text and "无法导入：file 须为仓库中的文件" in text
    assert len(list((data / "policies").glob("*.yaml"))) == 3
