"""Run the workflows' shell steps for real, in a throw-away git repository with a fake `gh`.

Only `run:` steps execute (checkout/setup-python and the pip install are what this test sets up
itself); the `${{ }}` expressions are filled from a small table, so an expression this test does
not know makes it fail instead of silently passing. Pull requests are run the way GitHub runs
them: a `pull_request_target` workflow comes from the base branch and its checkout is the base
branch; a `pull_request` workflow comes from the pull request and so does its checkout.

The second half is a hostile corpus: each test is one attack by a contributor (README "Threat
model"), run through pr.yml's or intake.yml's real steps.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, MINI, ROOT
from fictitious import MOBILE

TOKEN = "fake-token-5f1e"   # what the secrets expand to: a step that sees it in its environment holds the token
PR_NUMBER = "7"

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

# What a checkout of the project holds (everything the workflows run or build from).
PROJECT = ("build_tools", "schemas", "content", "hooks", "overrides", "config", "mkdocs.yml", "Makefile",
           "requirements.txt", ".github")


def _git(cwd: Path, *args: str, data: bytes | None = None) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=data is None, input=data).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A checkout of main whose origin is a bare repository: this tree's code, mini data with owners."""
    work = tmp_path / "work"
    work.mkdir()
    for name in PROJECT:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, work / name)
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


@dataclass
class Run:
    steps: list[tuple[str, str]]            # (step name, success / failure / skipped)
    out: str                                # the fake gh log, then every step's output
    token_steps: list[str] = field(default_factory=list)   # steps whose environment held the token

    @property
    def passed(self) -> bool:
        return all(outcome != "failure" for _, outcome in self.steps)

    def outcome(self, name: str) -> str:
        return dict(self.steps)[name]

    def __iter__(self):   # `results, out = run_job(...)`, as other test modules use it
        return iter((self.steps, self.out))


def _condition(cond: str, failed: bool, outcomes: dict[str, str]) -> bool:
    """A step's `if:` as the runner evaluates it (the subset of the expression language the workflows use)."""
    cond = cond.strip()
    if cond.startswith("${{"):
        cond = cond[3:-2].strip()
    if not re.search(r"\b(success|failure|always|cancelled)\(\)", cond):
        cond = f"success() && ({cond})"  # GitHub adds success() when no status function is named
    py = re.sub(r"steps\.([\w-]+)\.outcome", lambda m: repr(outcomes.get(m[1], "")), cond)
    py = (py.replace("success()", str(not failed)).replace("failure()", str(failed))
          .replace("always()", "True").replace("!cancelled()", "True").replace("cancelled()", "False")
          .replace("&&", " and ").replace("||", " or "))
    py = re.sub(r"!(?!=)", " not ", py)
    assert re.fullmatch(r"[\s\w'()=!-]*", py), f"unsupported condition {cond!r}"
    return bool(eval(py, {"__builtins__": {}}, {}))  # noqa: S307 - the workflow's own condition, reduced to literals


def run_job(workspace: Path, workflow: str, job: str, context: dict[str, str]) -> Run:
    """Execute the job's run steps like the runner does (bash -e -o pipefail, GITHUB_OUTPUT, GITHUB_ENV,
    `if:` conditions) in `workspace`, with the workflow file as that checkout holds it."""
    doc = yaml.load((workspace / ".github/workflows" / workflow).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    spec = doc["jobs"][job]
    temp = workspace.parent / "runner_temp"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    log = workspace.parent / "gh.log"
    log.unlink(missing_ok=True)
    outputs: dict[str, dict[str, str]] = {}
    outcomes: dict[str, str] = {}
    table = {"runner.temp": str(temp), **context}

    def expand(value: str) -> str:
        known = {**table, **{f"steps.{s}.outputs.{k}": v for s, kv in outputs.items() for k, v in kv.items()}}
        while "${{" in value:
            start = value.index("${{")
            end = value.index("}}", start)
            expr = value[start + 3:end].strip()
            if expr not in known and re.fullmatch(r"[\s\w.'=|&!()-]+", expr) and "steps." in expr:
                known[expr] = str(_condition(expr if "()" in expr else f"always() && ({expr})", False, outcomes)).lower()
            assert expr in known, f"unknown expression in {workflow}: {expr}"
            value = value[:start] + known[expr] + value[end + 2:]
        return value

    env = {**os.environ, "PATH": f"{workspace.parent / 'bin'}:{Path(sys.executable).parent}:{os.environ['PATH']}",
           "RUNNER_TEMP": str(temp), "GH_LOG": str(log), "PYTHONPATH": str(workspace)}
    env.update({k: expand(v) for k, v in spec.get("env", {}).items()})
    run = Run([], "")
    failed, printed = False, []
    for step in spec["steps"]:
        if "run" not in step or step["run"].startswith("pip install"):
            continue  # checkout, setup-python and the install are what the fixture provides
        if not _condition(step.get("if", "success()"), failed, outcomes):
            run.steps.append((step["name"], "skipped"))
            continue
        out_file, env_file = temp / "github_output", temp / "github_env"
        out_file.write_text("", encoding="utf-8")
        env_file.write_text("", encoding="utf-8")
        step_env = {**env, **{k: expand(v) for k, v in step.get("env", {}).items()},
                    "GITHUB_OUTPUT": str(out_file), "GITHUB_ENV": str(env_file)}
        if any(TOKEN in v for v in step_env.values()):
            run.token_steps.append(step["name"])
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                              cwd=workspace, env=step_env, capture_output=True, text=True)
        outcome = "success" if proc.returncode == 0 else "failure"
        if "id" in step:
            outcomes[step["id"]] = outcome
            outputs[step["id"]] = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        env.update(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        failed = failed or outcome == "failure"
        run.steps.append((step["name"], outcome))
        printed.append(proc.stdout + proc.stderr)
    run.out = (log.read_text(encoding="utf-8") if log.exists() else "") + "".join(printed)
    return run


# ---------------------------------------------------------------- intake (issue form -> pull request)

def context(body: str, author: str, title: str = "[项目业绩] 地下水监测") -> dict[str, str]:
    return {"secrets.INTAKE_TOKEN || secrets.GITHUB_TOKEN": TOKEN, "secrets.GITHUB_TOKEN": TOKEN,
            "github.event.issue.number": "7", "github.event.issue.user.login": author,
            "github.event.issue.body": body, "github.event.issue.title": title,
            "join(github.event.issue.labels.*.name, ' ')": "intake intake:project"}


PROJECT_BODY = (FIXTURES / "intake/project.md").read_text(encoding="utf-8")
INTAKE_STEPS = ["Form to record", "Ownership", "Open or update the pull request", "Explain the problems on the issue"]


def test_valid_form_by_the_owner_becomes_a_pull_request(repo):
    run = run_job(repo, "intake.yml", "intake", context(PROJECT_BODY, "alice"))
    assert run.steps == list(zip(INTAKE_STEPS, ["success", "success", "success", "skipped"]))
    rel = "data/agencies/demo-alpha/projects/demo-alpha-2025-001.yaml"
    assert _git(repo.parent / "origin.git", "ls-tree", "-r", "--name-only", "intake/issue-7").splitlines().count(rel) == 1
    calls = [line for line in run.out.splitlines() if line.startswith("gh ")]
    assert calls == ["gh pr list --head intake/issue-7 --state open --json number --jq .[].number",
                     f"gh pr create --base main --head intake/issue-7 --title 表单提交：{rel}（#7） "
                     f"--body 由议题 #7（@alice）的表单自动生成：`{rel}`。Closes #7",
                     f"gh issue comment 7 --body-file {repo.parent / 'runner_temp/comment.md'}"]
    assert f"✅ 表单已转换为数据文件 `{rel}` 并通过校验" in run.out


def test_invalid_form_gets_a_chinese_comment_and_no_branch(repo):
    body = PROJECT_BODY.replace("\n进行中\n", "\n暂停\n")
    run = run_job(repo, "intake.yml", "intake", context(body, "alice"))
    assert run.steps == list(zip(INTAKE_STEPS, ["failure", "skipped", "skipped", "success"]))
    assert "- 「项目状态」的取值“暂停”不在允许范围内，可选：已完成、进行中" in run.out
    assert "intake/issue-7" not in _git(repo.parent / "origin.git", "branch", "--list")


def test_someone_else_cannot_submit_for_an_agency(repo):
    run = run_job(repo, "intake.yml", "intake", context(PROJECT_BODY, "mallory"))
    assert run.outcome("Ownership") == "failure" and run.outcome("Open or update the pull request") == "skipped"
    assert "⛔ 账号 @mallory 无权提交该记录" in run.out
    assert "机构“demo-alpha”的记录只能由其登记的账号修改" in run.out


# ---------------------------------------------------------------- pull requests

@dataclass(frozen=True)
class PR:
    author: str
    head_ref: str
    head_sha: str
    same_repo: bool = True


def open_pr(repo: Path, author: str, change, head_ref: str = "feature", same_repo: bool = True) -> PR:
    """Commit `change(repo)` on a branch off main and publish it as refs/pull/7/head of the origin
    (where GitHub keeps every pull request's head, forks included)."""
    _git(repo, "switch", "-q", "-c", head_ref, "main")
    change(repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change", "--allow-empty")
    sha = _git(repo, "rev-parse", "HEAD").strip()
    _git(repo, "push", "-q", "origin", f"+HEAD:refs/pull/{PR_NUMBER}/head")
    _git(repo, "switch", "-q", "main")
    return PR(author, head_ref, sha, same_repo)


def pr_context(pr: PR) -> dict[str, str]:
    return {"secrets.GITHUB_TOKEN": TOKEN, "github.event.pull_request.base.ref": "main",
            "github.event.pull_request.number": PR_NUMBER, "github.event.pull_request.head.sha": pr.head_sha,
            "github.event.pull_request.user.login": pr.author, "github.event.pull_request.head.ref": pr.head_ref,
            "github.event.pull_request.head.repo.full_name == github.repository": str(pr.same_repo).lower()}


def _triggers(workflow_text: str) -> set[str]:
    on = yaml.load(workflow_text, Loader=yaml.BaseLoader)["on"]
    return {on} if isinstance(on, str) else set(on)


def run_pr(repo: Path, pr: PR) -> Run:
    """The PR check as GitHub runs it: the base branch's pr.yml on `pull_request_target` (base checkout),
    or, for a `pull_request` workflow, the pull request's own pr.yml in a checkout of the pull request."""
    base_yml = _git(repo, "show", "main:.github/workflows/pr.yml")
    if "pull_request_target" in _triggers(base_yml):
        _git(repo, "checkout", "-q", "main")
    else:
        _git(repo, "checkout", "-q", "--detach", pr.head_sha)
        if "pull_request" not in _triggers((repo / ".github/workflows/pr.yml").read_text(encoding="utf-8")):
            return Run([("no check ran", "failure")], "")
    try:
        return run_job(repo, "pr.yml", "validate", pr_context(pr))
    finally:
        _git(repo, "checkout", "-q", "-f", "main")
        _git(repo, "clean", "-qffdx")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


ALPHA = "data/agencies/demo-alpha"
BETA = "data/agencies/demo-beta"


def test_pr_annotates_changed_records_and_checks_ownership(repo):
    def change(r):
        _edit(r / f"{ALPHA}/projects/demo-alpha-2024-001.yaml", "status: 进行中", "status: 暂停")
        (r / f"{BETA}/agency.yaml").write_text((r / f"{BETA}/agency.yaml").read_text(encoding="utf-8") + "\n",
                                               encoding="utf-8")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert run.outcome("Ownership") == "failure" and run.outcome("Validate the whole tree") == "failure"
    line = next(n for n, text in enumerate((repo / f"{ALPHA}/projects/demo-alpha-2024-001.yaml")
                                           .read_text(encoding="utf-8").splitlines(), 1) if text.startswith("status:"))
    assert (f"::error file={ALPHA}/projects/demo-alpha-2024-001.yaml,line={line},title=字段 status::"
            "「项目状态」的取值“暂停”不在允许范围内，可选：已完成、进行中") in run.out
    assert f"::error file={BETA}/agency.yaml::账号 alice 无权提交此文件：机构“demo-beta”尚未登记账号，只有维护者可以修改；" in run.out


def _new_project(r: Path, pid: str = "demo-alpha-2023-009") -> None:
    src = r / f"{ALPHA}/projects/demo-alpha-2023-001.yaml"
    (src.parent / f"{pid}.yaml").write_text(src.read_text(encoding="utf-8").replace("demo-alpha-2023-001", pid)
                                            .replace("name: 示例化工厂 2023 年度自行监测", "name: 新增的示例项目"),
                                            encoding="utf-8")


def test_pr_from_the_intake_bot_is_checked_as_the_issue_author(repo, monkeypatch):
    pr = open_pr(repo, "github-actions[bot]", _new_project, head_ref="intake/issue-7")
    monkeypatch.setenv("GH_ISSUE_AUTHOR", "alice")
    run = run_pr(repo, pr)
    assert run.passed, run.out
    assert "gh issue view 7 --json author --jq .author.login" in run.out
    monkeypatch.setenv("GH_ISSUE_AUTHOR", "mallory")
    assert run_pr(repo, pr).outcome("Ownership") == "failure"
    # the same branch name from a fork is not the intake bot: checked as the PR's author
    monkeypatch.setenv("GH_ISSUE_AUTHOR", "alice")
    fork = PR("mallory", "intake/issue-7", pr.head_sha, same_repo=False)
    assert run_pr(repo, fork).outcome("Ownership") == "failure"


def test_a_valid_pr_by_the_owner_passes_and_builds_the_site(repo):
    run = run_pr(repo, open_pr(repo, "alice", _new_project))
    assert run.passed, run.out
    assert run.outcome("Build the site (not deployed)") == "success"
    site = repo.parent / "runner_temp/site"
    assert (site / "index.html").is_file()
    assert "新增的示例项目" in (site / "agencies/demo-alpha/index.html").read_text(encoding="utf-8")
    uses = [s.get("uses", "") for s in yaml.safe_load((ROOT / ".github/workflows/pr.yml").read_text())["jobs"]
            ["validate"]["steps"]]
    assert not [u for u in uses if "pages" in u or "upload" in u]   # built, never deployed


# ================================================================ hostile corpus (README "Threat model")
# Each test is one attack; `passed` is what a merge button would see.

def _denied(run: Run, path: str, reason: str = "") -> bool:
    return any(line.startswith(f"::error file={path}::") and reason in line for line in run.out.splitlines())


def test_h1a_pr_cannot_make_its_author_a_maintainer(repo):
    """Item 1: owners.yaml is read from the base branch, never from the PR."""
    def change(r):
        _edit(r / "data/owners.yaml", "maintainers: [eco-admin]", "maintainers: [eco-admin, mallory]")
        _edit(r / f"{ALPHA}/agency.yaml", "short_name: 津沽示例监测", "short_name: 已被接管")
    run = run_pr(repo, open_pr(repo, "mallory", change))
    assert not run.passed
    assert _denied(run, "data/owners.yaml", "只有维护者可以修改")
    assert _denied(run, f"{ALPHA}/agency.yaml", "机构“demo-alpha”的记录只能由其登记的账号修改")


def test_h1b_pr_cannot_grade_itself_with_its_own_checker(repo):
    """Item 1: the checker runs from the base branch; a PR that edits ownership.py changes nothing."""
    def change(r):
        with (r / "build_tools/submit/ownership.py").open("a", encoding="utf-8") as f:
            f.write("\ncmd_check_ownership = lambda args: 0  # everything allowed\n")
        _edit(r / f"{ALPHA}/agency.yaml", "short_name: 津沽示例监测", "short_name: 已被接管")
    run = run_pr(repo, open_pr(repo, "mallory", change))
    assert not run.passed
    assert _denied(run, "build_tools/submit/ownership.py", "只有维护者可以修改")
    assert _denied(run, f"{ALPHA}/agency.yaml")


def test_h1c_pr_cannot_rewrite_the_workflow_that_checks_it(repo):
    """Item 1: the workflow is the base branch's (pull_request_target)."""
    def change(r):
        _edit(r / ".github/workflows/pr.yml", "python -m build_tools check-ownership", "true")
        _edit(r / f"{ALPHA}/agency.yaml", "short_name: 津沽示例监测", "short_name: 已被接管")
    run = run_pr(repo, open_pr(repo, "mallory", change))
    assert not run.passed
    assert _denied(run, ".github/workflows/pr.yml", "只有维护者可以修改")


def test_h2_file_names_never_become_options(repo):
    """Item 2: root files named `+`, `--author=eco-admin`, `--changed` reach no command line."""
    def change(r):
        for name in ("+", "--author=eco-admin", "--changed"):
            (r / name).write_text("x\n", encoding="utf-8")
        _edit(r / f"{BETA}/agency.yaml", "name: ", "name: 被改名")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert _denied(run, f"{BETA}/agency.yaml", "机构“demo-beta”尚未登记账号")
    for name in ("+", "--author=eco-admin", "--changed"):
        assert _denied(run, name, "只有维护者可以修改"), name
    assert not [line for line in run.out.splitlines() if line.startswith("✓ 允许") and line.endswith("：维护者")]


def test_h3a_moving_another_agencys_project_is_a_delete_plus_an_add(repo):
    """Item 3: git's rename detection would show only the new path (inside the mover's own folder)."""
    def change(r):
        old = r / f"{BETA}/projects/demo-beta-2023-001.yaml"
        new = r / f"{ALPHA}/projects/demo-alpha-2023-007.yaml"
        new.write_text(old.read_text(encoding="utf-8").replace("demo-beta-2023-001", "demo-alpha-2023-007")
                       .replace("agency: demo-beta", "agency: demo-alpha"), encoding="utf-8")
        old.unlink()
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert _denied(run, f"{BETA}/projects/demo-beta-2023-001.yaml", "机构“demo-beta”尚未登记账号")


def test_h3b_moving_the_management_review_of_your_agency_away_is_deleting_it(repo):
    """Item 3: `git mv` of your 管理评价 into your own files/ folder."""
    def change(r):
        src = r / "data/reviews/management/mr-2023-demo-alpha.yaml"
        (r / f"{ALPHA}/files/mr.txt").write_bytes(src.read_bytes())
        src.unlink()
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert _denied(run, "data/reviews/management/mr-2023-demo-alpha.yaml", "管理评价")


def test_h6_only_maintainers_add_a_management_review(repo):
    """Item 6: 管理评价 (30 % of the score) comes from the bureau only."""
    def change(r):
        (r / "data/reviews/management/mr-2023-demo-beta.yaml").write_text(
            "id: mr-2023-demo-beta\nreviewer: 示例开发区生态环境局\nagency: demo-beta\nyear: 2023\nscore: 100\n"
            "date: 2024-01-20\n", encoding="utf-8")
    run = run_pr(repo, open_pr(repo, "carol", change))
    assert not run.passed
    assert _denied(run, "data/reviews/management/mr-2023-demo-beta.yaml", "管理评价只能由维护者")
    assert run_pr(repo, open_pr(repo, "eco-admin", change, head_ref="by-admin")).passed


def test_h7a_a_problem_in_an_unchanged_file_is_reported_against_the_change(repo):
    """Item 7: changing your project's client invalidates an existing enterprise review."""
    def change(r):
        _edit(r / f"{ALPHA}/projects/demo-alpha-2023-001.yaml", "client: 泰达示例精细化工有限公司", "client: 另一家企业")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed and run.outcome("Validate the whole tree") == "failure"
    project = f"{ALPHA}/projects/demo-alpha-2023-001.yaml"
    cause = [line for line in run.out.splitlines() if line.startswith(f"::error file={project}")]
    assert cause and "data/reviews/enterprise/er-0001.yaml" in cause[0] and "评价企业须为该项目的委托企业" in cause[0]
    effect = [line for line in run.out.splitlines() if line.startswith("::error file=data/reviews/enterprise/er-0001.yaml")]
    assert effect and project in effect[0]


def test_h7b_the_pr_builds_the_site_so_a_build_failure_shows_before_merging(repo):
    """Item 7: an attachment named with a phone number passes validation today but kills the build."""
    def change(r):
        shutil.copy(r / f"{ALPHA}/files/cma.pdf", r / f"{ALPHA}/files/card-{MOBILE}.pdf")   # a fictitious number
        _edit(r / f"{ALPHA}/agency.yaml", "    url: files/cma.pdf\n",
              f"    url: files/cma.pdf\n  - title: 名片\n    kind: 其他\n    url: files/card-{MOBILE}.pdf\n")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert "Build the site (not deployed)" in dict(run.steps)
    assert "failure" in (run.outcome("Validate the whole tree"), run.outcome("Build the site (not deployed)"))


def _symlink(r: Path, rel: str, target: str) -> None:
    path = r / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def test_h12a_files_linked_to_the_data_root_is_denied_without_a_traceback(repo):
    """Item 12 (and 4): `files -> ../..` crashed check-ownership with IndexError."""
    run = run_pr(repo, open_pr(repo, "alice", lambda r: _symlink(r, f"{ALPHA}/files", "../..")))
    assert not run.passed and "Traceback" not in run.out
    assert _denied(run, f"{ALPHA}/files", "符号链接")


def test_h4_a_symlink_in_another_agencys_folder_is_judged_as_a_link(repo):
    """Item 4, PR side: a link in demo-beta's folder pointing into demo-alpha's counted as demo-alpha's."""
    run = run_pr(repo, open_pr(repo, "alice", lambda r: _symlink(
        r, f"{BETA}/projects/demo-beta-2023-002.yaml", "../../demo-alpha/projects/demo-alpha-2023-001.yaml")))
    assert not run.passed
    assert _denied(run, f"{BETA}/projects/demo-beta-2023-002.yaml", "符号链接")


def test_h12b_an_owner_may_add_an_attachment_with_a_chinese_name(repo):
    """Item 12: git quoted 检测报告.pdf as "\\346\\243\\200…" and the owner was denied."""
    def change(r):
        shutil.copy(r / f"{ALPHA}/files/cma.pdf", r / f"{ALPHA}/files/检测报告.pdf")
        _edit(r / f"{ALPHA}/agency.yaml", "    url: files/cma.pdf\n",
              "    url: files/cma.pdf\n  - title: 检测报告\n    kind: 其他\n    url: files/检测报告.pdf\n")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert run.passed, run.out
    assert f"✓ 允许 {ALPHA}/files/检测报告.pdf：本人代表的机构“demo-alpha”" in run.out


HOSTILE = "@eco-admin ![p](https://evil.example/p.png) [点我](https://evil.example/x) <img src=x onerror=alert(1)> #1"


def _rendered_outside_code(markdown_text: str) -> str:
    """The comment as CommonMark renders it (GitHub's renderer is CommonMark plus extensions), with
    every code block and code span removed: what is left is what GitHub would turn into mentions,
    images, links and issue references."""
    from markdown_it import MarkdownIt
    html = MarkdownIt("commonmark").render(markdown_text)
    return re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", html, flags=re.S)


def test_h12c_the_bot_quotes_what_the_submitter_typed_inertly(repo):
    """Item 12: the intake bot's comment re-posted the attacker's Markdown (mention, image, link)."""
    body = PROJECT_BODY.replace("\n进行中\n", f"\n{HOSTILE}\n```\n{HOSTILE}\n~~~\n````\n{HOSTILE}\n") + \
        f"\n### {HOSTILE}\n\nx\n"
    run = run_job(repo, "intake.yml", "intake", context(body, "mallory", title=HOSTILE))
    assert run.outcome("Explain the problems on the issue") == "success"
    posted = re.search(r"^gh issue comment 7 --body-file (\S+)$", run.out, re.M)
    comment = Path(posted[1]).read_text(encoding="utf-8")
    assert "evil.example" in comment and "onerror" in comment  # the text is there, for the submitter to see...
    outside = _rendered_outside_code(comment)
    for marker in ("@eco-admin", "evil.example", "<img", "onerror", "#1"):
        assert marker not in outside, marker   # ...but only inside code: no mention, image, link or reference
    assert "evil.example" not in "".join(line for line in run.out.splitlines() if line.startswith("gh pr create"))


def _effective_permissions(workflow: str) -> dict[str, dict[str, str]]:
    doc = yaml.load((ROOT / ".github/workflows" / workflow).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    top = doc.get("permissions", None)
    return {job: spec.get("permissions", top) for job, spec in doc["jobs"].items()}


def test_h12d_only_the_deploy_job_may_write_pages_or_mint_id_tokens():
    """Item 12: publish.yml's build job (which runs the whole test suite) held pages/id-token write."""
    for workflow in sorted(p.name for p in (ROOT / ".github/workflows").glob("*.yml")):
        for job, perms in _effective_permissions(workflow).items():
            assert perms is not None, f"{workflow}:{job} inherits the repository's default token permissions"
            if isinstance(perms, dict):
                writes = {k for k, v in perms.items() if v == "write"}
            else:
                writes = {"*"} if perms in ("write-all",) else set()
            allowed = {("publish.yml", "deploy"): {"pages", "id-token"},
                       ("intake.yml", "intake"): {"contents", "pull-requests", "issues"},
                       ("import.yml", "import"): {"contents", "pull-requests"}}.get((workflow, job), set())
            assert writes <= allowed, (workflow, job, writes)
    assert _effective_permissions("publish.yml")["deploy"] == {"pages": "write", "id-token": "write"}


def test_h12e_the_bot_token_is_never_persisted_and_only_the_steps_that_push_or_comment_hold_it(repo):
    """Item 12: the intake checkout persisted the bot token in .git/config, and every step had it."""
    for workflow in sorted(p.name for p in (ROOT / ".github/workflows").glob("*.yml")):
        doc = yaml.load((ROOT / ".github/workflows" / workflow).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for job, spec in doc["jobs"].items():
            for step in spec["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") == "false", (workflow, job)
                    assert "token" not in step.get("with", {}), (workflow, job)
            assert "secrets." not in str(spec.get("env", {})), (workflow, job)   # no job-wide token
    run = run_job(repo, "intake.yml", "intake", context(PROJECT_BODY, "alice"))
    assert run.passed, run.out
    assert run.token_steps == ["Open or update the pull request"]
    assert TOKEN not in (repo / ".git/config").read_text(encoding="utf-8")
    bad = run_job(repo, "intake.yml", "intake", context(PROJECT_BODY.replace("\n进行中\n", "\n暂停\n"), "alice"))
    assert bad.token_steps == ["Explain the problems on the issue"]


# ---------------------------------------------------------------- further cases of the same attacks

def test_a_quoted_text_cannot_close_its_code_block():
    """mdsafe.block: the fence is longer than any backtick run of the text, control characters are shown."""
    from build_tools.submit import mdsafe
    text = f"{HOSTILE}\n```\n{HOSTILE}\n``````\n~~~\n{HOSTILE}\n\u202e```"
    quoted = mdsafe.block(text)
    assert _rendered_outside_code(f"前文\n\n{quoted}\n\n后文 ![i](https://evil.example/i.png)").count("evil.example") == 1
    assert "\u202e" not in quoted and "\\u202e" in quoted
    assert quoted.startswith("```````text\n")


def test_h2b_file_names_cannot_forge_workflow_commands_or_hide_their_bytes(repo):
    """A newline in a file name would start a new output line, e.g. a forged `::warning::` annotation."""
    def change(r):
        (r / f"{ALPHA}/files/a\n::warning::forged\n.pdf").write_bytes(b"%PDF-1.4\n")
        (r / os.fsdecode(f"{ALPHA}/files/caf".encode() + b"\xe9.pdf")).write_bytes(b"%PDF-1.4\n")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert "::warning::forged" not in run.out.splitlines()
    assert _denied(run, f"{ALPHA}/files/a\\u000a%3A%3Awarning%3A%3Aforged\\u000a.pdf", "控制字符")
    assert _denied(run, f"{ALPHA}/files/caf\\xe9.pdf", "UTF-8")


def test_h4b_submodules_are_refused_even_from_a_maintainer(repo):
    def change(r):
        sub = r / f"{ALPHA}/files/sub"
        sub.mkdir()
        _git(r.parent, "init", "-q", str(sub))
        (sub / "x.txt").write_text("x", encoding="utf-8")
        _git(sub, "add", "-A")
        _git(sub, "commit", "-qm", "x")
    run = run_pr(repo, open_pr(repo, "eco-admin", change))
    assert not run.passed
    assert _denied(run, f"{ALPHA}/files/sub", "子模块")
    assert run.outcome("Merged data") == "failure"


def test_h4c_gitattributes_cannot_hide_a_record_from_the_check(repo):
    """`export-ignore` would hide a file from `git archive`: the check writes the tree from git objects and
    refuses hidden files under data/, so the broken record is still validated."""
    def change(r):
        (r / f"{ALPHA}/.gitattributes").write_text("projects/demo-alpha-2024-001.yaml export-ignore\n", encoding="utf-8")
        _edit(r / f"{ALPHA}/projects/demo-alpha-2024-001.yaml", "status: 进行中", "status: 暂停")
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert not run.passed
    assert _denied(run, f"{ALPHA}/.gitattributes", "隐藏文件")

    def change_by_a_maintainer(r):   # a root .gitattributes (maintainers may) still hides nothing
        (r / ".gitattributes").write_text(f"{ALPHA}/projects/demo-alpha-2024-001.yaml export-ignore\n", encoding="utf-8")
        _edit(r / f"{ALPHA}/projects/demo-alpha-2024-001.yaml", "status: 进行中", "status: 暂停")
    run = run_pr(repo, open_pr(repo, "eco-admin", change_by_a_maintainer, head_ref="admin"))
    assert run.outcome("Ownership") == "success" and run.outcome("Validate the whole tree") == "failure"
    assert any(line.startswith(f"::error file={ALPHA}/projects/demo-alpha-2024-001.yaml,line=") and "暂停" in line
               for line in run.out.splitlines())


def test_h10b_one_account_creates_one_agency(repo):
    def change(r):
        for aid in ("new-lab-one", "new-lab-two"):
            shutil.copytree(r / BETA, r / f"data/agencies/{aid}")
    run = run_pr(repo, open_pr(repo, "carol", change))
    assert not run.passed
    assert _denied(run, "data/agencies/new-lab-one/agency.yaml", "一次只能新建一个机构")


def test_h7c_deleting_your_agency_reports_what_it_breaks_against_the_deletions(repo):
    """Whole-tree validation: reviews and owners.yaml (unchanged) point at the deleted agency."""
    def change(r):
        shutil.rmtree(r / ALPHA)
    run = run_pr(repo, open_pr(repo, "alice", change))
    assert run.outcome("Ownership") == "success"   # the owner may delete her own records...
    assert run.outcome("Validate the whole tree") == "failure"   # ...but not leave the tree broken
    lines = run.out.splitlines()
    assert any(line.startswith("::error file=data/reviews/enterprise/er-0001.yaml") and f"{ALPHA}/" in line for line in lines)
    assert any(line.startswith("::error file=data/owners.yaml") and "找不到机构“demo-alpha”" in line for line in lines)
    assert any(line.startswith(f"::error file={ALPHA}/agency.yaml::本次对此文件的改动使未改动的") for line in lines)


def test_h1d_a_maintainer_breaking_owners_yaml_is_caught_before_merging(repo):
    def change(r):
        (r / "data/owners.yaml").write_text("maintainers: []\nagencies: {}\n", encoding="utf-8")
    run = run_pr(repo, open_pr(repo, "eco-admin", change))
    assert run.outcome("Ownership") == "success" and run.outcome("Validate the whole tree") == "failure"
    assert any(line.startswith("::error file=data/owners.yaml,line=1") for line in run.out.splitlines())
