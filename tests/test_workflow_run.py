"""Run the intake workflow's shell steps for real, in a throw-away git repository with a fake `gh`.

Only `run:` steps execute (checkout/setup-python are what this test sets up itself); the
`${{ }}` expressions of the workflow are filled from a small table, so an expression this test
does not know makes it fail instead of silently passing.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, MINI, ROOT

FAKE_GH = """#!/usr/bin/env bash
# Records every call; `gh pr list` finds no open PR; `--body-file F` is copied so the test can read it.
echo "gh $*" >> "$GH_LOG"
if [ "$1 $2" = "issue view" ]; then echo "$GH_ISSUE_AUTHOR"; fi
prev=""
for arg in "$@"; do
  if [ "$prev" = "--body-file" ]; then cat "$arg" >> "$GH_LOG"; echo >> "$GH_LOG"; fi
  prev="$arg"
done
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A checkout whose origin has a main branch: code and schemas of this tree, mini data with an owner."""
    work = tmp_path / "work"
    for folder in ("build_tools", "schemas", "config"):
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")  # the forms link to the site's sealing page
    shutil.copytree(MINI, work / "data")
    (work / "data/owners.yaml").write_text("maintainers: [eco-admin]\nagencies:\n  demo-alpha: [alice]\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main", str(work))
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "base")
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(tmp_path / "origin.git"))
    _git(work, "remote", "add", "origin", str(tmp_path / "origin.git"))
    _git(work, "fetch", "-q", "origin")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    return work


def run_job(repo: Path, workflow: str, job: str, context: dict[str, str]) -> tuple[list[tuple[str, str]], str]:
    """Execute the job's run steps like the runner does (bash -e -o pipefail, GITHUB_OUTPUT, failure()).
    Returns [(step name, outcome)] and the fake gh log followed by every step's output."""
    doc = yaml.load((ROOT / ".github/workflows" / workflow).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    spec = doc["jobs"][job]
    temp = repo.parent / "runner_temp"
    temp.mkdir(exist_ok=True)
    log = repo.parent / "gh.log"
    outputs: dict[str, dict[str, str]] = {}
    outcomes: dict[str, str] = {}

    def expand(value: str) -> str:
        table = {**context, **{f"steps.{s}.outputs.{k}": v for s, kv in outputs.items() for k, v in kv.items()},
                 "steps.intake.outcome == 'failure' || steps.owner.outcome == 'failure'":
                     str("failure" in (outcomes.get("intake"), outcomes.get("owner"))).lower()}
        while "${{" in value:
            start = value.index("${{")
            end = value.index("}}", start)
            expr = value[start + 3:end].strip()
            assert expr in table, f"unknown expression in {workflow}: {expr}"
            value = value[:start] + table[expr] + value[end + 2:]
        return value

    env = {**os.environ, "PATH": f"{repo.parent / 'bin'}:{Path(sys.executable).parent}:{os.environ['PATH']}",
           "RUNNER_TEMP": str(temp), "GH_LOG": str(log), "PYTHONPATH": str(repo)}
    env.update({k: expand(v) for k, v in spec.get("env", {}).items()})
    results, failed, printed = [], False, []
    for step in spec["steps"]:
        if "run" not in step or step["run"].startswith("pip install"):
            continue  # checkout, setup-python and the install are what the fixture provides
        condition = step.get("if", "success()")
        if condition == "success()" and failed or condition == "failure()" and not failed:
            results.append((step["name"], "skipped"))
            continue
        out_file = temp / "github_output"
        out_file.write_text("", encoding="utf-8")
        step_env = {**env, **{k: expand(v) for k, v in step.get("env", {}).items()}, "GITHUB_OUTPUT": str(out_file)}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                              cwd=repo, env=step_env, capture_output=True, text=True)
        outcome = "success" if proc.returncode == 0 else "failure"
        if "id" in step:
            outcomes[step["id"]] = outcome
            outputs[step["id"]] = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        failed = failed or outcome == "failure"
        results.append((step["name"], outcome))
        printed.append(proc.stdout + proc.stderr)
    return results, (log.read_text(encoding="utf-8") if log.exists() else "") + "".join(printed)


def context(body: str, author: str) -> dict[str, str]:
    return {"secrets.INTAKE_TOKEN || secrets.GITHUB_TOKEN": "fake-token", "github.event.issue.number": "7",
            "github.event.issue.user.login": author, "github.event.issue.body": body,
            "github.event.issue.title": "[项目业绩] 地下水监测", "join(github.event.issue.labels.*.name, ' ')":
            "intake intake:project"}


PROJECT_BODY = (FIXTURES / "intake/project.md").read_text(encoding="utf-8")


def test_valid_form_by_the_owner_becomes_a_pull_request(repo):
    results, gh = run_job(repo, "intake.yml", "intake", context(PROJECT_BODY, "alice"))
    assert results == [("Form to record", "success"), ("Ownership", "success"),
                       ("Open or update the pull request", "success"), ("Explain the problems on the issue", "skipped")]
    rel = "data/agencies/demo-alpha/projects/demo-alpha-2025-001.yaml"
    assert _git(repo.parent / "origin.git", "ls-tree", "-r", "--name-only", "intake/issue-7").splitlines().count(rel) == 1
    calls = [line for line in gh.splitlines() if line.startswith("gh ")]
    assert calls == ["gh pr list --head intake/issue-7 --state open --json number --jq .[].number",
                     f"gh pr create --base main --head intake/issue-7 --title 表单提交：[项目业绩] 地下水监测 "
                     f"--body 由议题 #7（@alice）的表单自动生成：`{rel}`。Closes #7",
                     f"gh issue comment 7 --body-file {repo.parent / 'runner_temp/comment.md'}"]
    assert f"✅ 表单已转换为数据文件 `{rel}` 并通过校验" in gh


def test_invalid_form_gets_a_chinese_comment_and_no_branch(repo):
    body = PROJECT_BODY.replace("\n进行中\n", "\n暂停\n")
    results, gh = run_job(repo, "intake.yml", "intake", context(body, "alice"))
    assert results == [
        ("Form to record", "failure"), ("Ownership", "skipped"), ("Open or update the pull request", "skipped"),
        ("Explain the problems on the issue", "success")]
    assert "- 「项目状态」的取值“暂停”不在允许范围内，可选：已完成、进行中" in gh
    assert "intake/issue-7" not in _git(repo.parent / "origin.git", "branch", "--list")


def test_someone_else_cannot_submit_for_an_agency(repo):
    results, gh = run_job(repo, "intake.yml", "intake", context(PROJECT_BODY, "mallory"))
    assert ("Ownership", "failure") in results and ("Open or update the pull request", "skipped") in results
    assert "⛔ 账号 @mallory 无权提交该记录" in gh
    assert "机构“demo-alpha”的记录只能由其登记的账号修改" in gh


def pr_context(author: str, head: str) -> dict[str, str]:
    return {"secrets.GITHUB_TOKEN": "fake-token", "github.event.pull_request.base.ref": "main",
            "github.event.pull_request.user.login": author, "github.event.pull_request.head.ref": head,
            "github.event.pull_request.head.repo.full_name == github.repository": "true"}


def _pr_branch(repo: Path, head: str, change) -> None:
    shutil.copytree(ROOT / ".github", repo / ".github")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "forms")
    _git(repo, "push", "-q", "origin", "main")
    _git(repo, "fetch", "-q", "origin")
    _git(repo, "switch", "-q", "-c", head)
    change(repo / "data")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change")


def test_pr_annotates_changed_records_and_checks_ownership(repo):
    def change(data):
        project = data / "agencies/demo-alpha/projects/demo-alpha-2024-001.yaml"
        project.write_text(project.read_text(encoding="utf-8").replace("status: 进行中", "status: 暂停"), encoding="utf-8")
        beta = data / "agencies/demo-beta/agency.yaml"
        beta.write_text(beta.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _pr_branch(repo, "alice-update", change)
    results, out = run_job(repo, "pr.yml", "validate", pr_context("alice", "alice-update"))
    assert results == [("Changed files", "success"), ("Validate changed records", "failure"),
                       ("Forms match the schemas", "success"), ("Ownership", "failure")]
    line = next(n for n, text in enumerate((repo / "data/agencies/demo-alpha/projects/demo-alpha-2024-001.yaml")
                                           .read_text(encoding="utf-8").splitlines(), 1) if text.startswith("status:"))
    assert (f"::error file=data/agencies/demo-alpha/projects/demo-alpha-2024-001.yaml,line={line},title=字段 status::"
            "「项目状态」的取值“暂停”不在允许范围内，可选：已完成、进行中") in out
    assert "::error file=data/agencies/demo-beta/agency.yaml::账号 alice 无权提交此文件：机构“demo-beta”尚未登记账号，只有维护者可以修改；" in out


def test_pr_from_the_intake_bot_is_checked_as_the_issue_author(repo, monkeypatch):
    def change(data):
        shutil.copy(FIXTURES / "mini/agencies/demo-alpha/projects/demo-alpha-2023-001.yaml",
                    data / "agencies/demo-alpha/projects/demo-alpha-2023-009.yaml")
        new = data / "agencies/demo-alpha/projects/demo-alpha-2023-009.yaml"
        new.write_text(new.read_text(encoding="utf-8").replace("demo-alpha-2023-001", "demo-alpha-2023-009"), encoding="utf-8")
    _pr_branch(repo, "intake/issue-7", change)
    monkeypatch.setenv("GH_ISSUE_AUTHOR", "alice")
    results, out = run_job(repo, "pr.yml", "validate", pr_context("github-actions[bot]", "intake/issue-7"))
    assert results == [("Changed files", "success"), ("Validate changed records", "success"),
                       ("Forms match the schemas", "success"), ("Ownership", "success")]
    assert "gh issue view 7 --json author --jq .author.login" in out
    monkeypatch.setenv("GH_ISSUE_AUTHOR", "mallory")
    results, _ = run_job(repo, "pr.yml", "validate", pr_context("github-actions[bot]", "intake/issue-7"))
    assert results[-1] == ("Ownership", "failure")
