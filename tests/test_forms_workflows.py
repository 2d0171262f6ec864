"""Issue forms are generated from the schemas and cannot drift; forms and workflows pass GitHub's schemas."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_tools.records.safeyaml import load_bytes
from build_tools.records.schemas import load_kinds, submission_required
from build_tools.submit.forms import FORM_DIR, FORM_KINDS, write_forms
from build_tools.submit.formspec import kind_fields
from build_tools.submit.intake import intake, parse_body, to_record
from conftest import MINI, ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def form(kind: str) -> dict:
    return yaml.safe_load((FORM_DIR / f"{kind}.yml").read_text(encoding="utf-8"))


def test_committed_forms_equal_regenerated(tmp_path):
    written = write_forms(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in FORM_DIR.glob("*.yml"))
    for path in written:
        assert path.read_text(encoding="utf-8") == (FORM_DIR / path.name).read_text(encoding="utf-8"), \
            f"{path.name} is stale: run python -m build_tools forms"
    check = subprocess.run([sys.executable, "-m", "build_tools", "forms", "--check"], cwd=ROOT, capture_output=True)
    assert check.returncode == 0


def test_forms_mirror_the_schema():
    agency = {e.get("id"): e for e in form("agency")["body"]}
    schema = load_kinds()["agency"].schema
    assert form("agency")["labels"] == ["intake", "intake:agency"]
    assert agency["business_types"]["type"] == "dropdown" and agency["business_types"]["attributes"]["multiple"]
    assert agency["business_types"]["attributes"]["options"] == \
        ["环评机构", "废水治理", "废气治理", "固废处置", "环保咨询", "在线运维", "环境监测", "低碳服务", "节能改造/新能源建设", "其他"]
    assert agency["office_in_zone"]["attributes"]["options"] == ["是", "否"]
    assert agency["registered_address-province"]["attributes"]["label"] == "注册地址·省级行政区"
    assert agency["registered_address-province"]["validations"] == {"required": True}
    assert "validations" not in agency["office_address-province"]  # the whole office address is optional
    assert agency["contacts"]["type"] == "textarea"
    assert agency["contacts"]["attributes"]["description"].splitlines()[0] == \
        "每行填写一项，各栏用竖线“|”分隔，顺序为：姓名 | 职务 | 电话 | 电子邮箱。"
    required = {e["id"].split("-")[0] for e in agency.values() if e.get("validations", {}).get("required")}
    assert required == submission_required(schema)
    review = {e.get("id"): e for e in form("enterprise_review")["body"]}
    assert review["scores-quality"]["attributes"]["options"] == ["1", "2", "3", "4", "5"]


def _as_text(field, value) -> str:
    """What a person would type for `value` (the inverse of the intake conversion)."""
    if field.conv == "table":
        return "\n".join(" | ".join(str(row.get(c.key, "")) for c in field.columns) for row in value)
    if field.conv == "list":
        return ", ".join(value) if field.multiple else "\n".join(value)
    if field.conv == "bool":
        return "是" if value else "否"
    return str(value)


def _body(kind: str, record: dict) -> str:
    parts = []
    for f in kind_fields(kind):
        head, _, rest = f.key.partition(".")
        value = record.get(head, {}).get(rest) if rest else record.get(head)
        parts.append(f"### {f.label}\n\n{_as_text(f, value) if value is not None else '_No response_'}\n")
    return "\n".join(parts)


@pytest.mark.parametrize("kind,rel", [
    ("agency", "agencies/demo-alpha/agency.yaml"),
    ("project", "agencies/demo-alpha/projects/demo-alpha-2023-001.yaml"),
    ("enterprise_review", "reviews/enterprise/er-0001.yaml"),
    ("demand", "demands/dm-0001.yaml"),
])
def test_every_form_round_trips_a_real_record(kind, rel, data_copy):
    """Fill the form with an existing record, as GitHub renders it: intake rebuilds the same record."""
    original = yaml.safe_load((MINI / rel).read_text(encoding="utf-8"))
    (data_copy / rel).unlink()
    result = intake(_body(kind, original), data_copy)
    assert result.errors == [] and result.kind == kind
    assert result.path == data_copy / rel
    assert yaml.safe_load(result.path.read_text(encoding="utf-8")) == original


def _check_jsonschema(schema: str, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True)


def test_issue_forms_pass_github_issue_forms_schema():
    files = sorted(FORM_DIR.glob("*.yml"))
    assert [p.stem for p in files] == sorted(FORM_KINDS)
    run = _check_jsonschema("vendor.github-issue-forms", files)
    assert run.returncode == 0, run.stdout + run.stderr


def test_workflows_pass_github_workflows_schema():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [p.name for p in files] == ["import.yml", "intake.yml", "pr.yml", "publish.yml"]
    run = _check_jsonschema("vendor.github-workflows", files)
    assert run.returncode == 0, run.stdout + run.stderr


def _steps(name: str) -> dict[str, list[dict]]:
    doc = yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keep "on" a string
    return {job: spec["steps"] for job, spec in doc["jobs"].items()}


def test_run_scripts_are_valid_bash_and_never_inline_untrusted_text():
    for name in ("import.yml", "intake.yml", "pr.yml", "publish.yml"):
        for steps in _steps(name).values():
            for step in steps:
                script = step.get("run")
                if script is None:
                    continue
                assert "github.event.issue" not in script and "github.event.pull_request" not in script, (name, step)
                check = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
                assert check.returncode == 0, (name, step.get("name"), check.stderr)


def test_publish_deploys_only_after_tests_and_build():
    doc = yaml.load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert set(doc["on"]) == {"schedule", "workflow_dispatch"}
    build = doc["jobs"]["build"]["steps"]
    runs = [s.get("run") or s.get("uses").split("@")[0] for s in build]
    assert runs.index("make test") < runs.index("make site") < runs.index("actions/upload-pages-artifact") == len(runs) - 1
    assert doc["jobs"]["deploy"]["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in doc["jobs"]["deploy"]["steps"]] == ["actions/deploy-pages"]


def test_every_action_is_pinned_to_a_full_commit_sha():
    """A tag can be moved by whoever controls the action's repository; a commit cannot."""
    for name in sorted(p.name for p in WORKFLOWS.glob("*.yml")):   # every workflow, present and future
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        for job, steps in _steps(name).items():
            for step in steps:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), (name, job, step["uses"])
                    assert re.search(re.escape(step["uses"]) + r" # v\d+\.\d+\.\d+\n", text), step["uses"]


def test_pr_workflow_takes_nothing_but_data_from_the_pull_request():
    doc = yaml.load((WORKFLOWS / "pr.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert set(doc["on"]) == {"pull_request_target"}   # this file and its checkout: the base branch's
    job = doc["jobs"]["validate"]
    checkout = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkout) == 1 and "ref" not in checkout[0]["with"] and "repository" not in checkout[0]["with"]
    assert not any("cache" in s.get("with", {}) or "actions/cache" in s.get("uses", "") for s in job["steps"])
    scripts = "\n".join(s.get("run", "") for s in job["steps"])
    assert "python -m build_tools check-ownership --format github" in scripts and "--head" in scripts
    assert "python -m build_tools pr-validate" in scripts and "mkdocs build" in scripts
    for forbidden in ("git checkout", "git switch", "git worktree", "git merge", "git diff", "make ", "pip install -e"):
        assert forbidden not in scripts, forbidden


def test_validate_github_annotations(data_copy):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8").replace("91120116MA05T12349", "91120116MA05T12340"),
                      encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "build_tools", "validate", "--format", "github", "data/agencies/demo-alpha"],
                         cwd=data_copy.parent, capture_output=True, text=True, env=ENV)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "::error file=data/agencies/demo-alpha/agency.yaml,line=4,title=字段 credit_code::「统一社会信用代码」校验不通过："
        "应为 18 位，按 GB 32100-2015 计算校验位，请对照营业执照核对（现为“91120116MA05T12340”） (invalid credit-code)"]


def test_every_sample_record_can_be_submitted_through_its_form():
    """The forms can express every record in data/ exactly (dates stay ISO text, as the loader keeps them),
    except the fields maintainers fill in later (`"x-form": false`: an expert's answer, a withheld comment)."""
    kinds = load_kinds()
    count = 0
    for kind in FORM_KINDS:
        later = {k for k, v in kinds[kind].schema["properties"].items() if v.get("x-form") is False}
        for path in sorted((ROOT / "data").glob(kinds[kind].glob)):
            original = load_bytes(path.read_bytes()).data
            record, errors = to_record(parse_body(_body(kind, original)), kinds[kind])
            assert (errors, record) == ([], {k: v for k, v in original.items() if k not in later}), path
            count += 1
    assert count == sum(len(list((ROOT / "data").glob(kinds[k].glob))) for k in FORM_KINDS) > 0


def test_codeowners_keep_everything_but_contributor_data_with_the_maintainers():
    """CODEOWNERS: maintainers own everything; only the three contributor-data folders are left to the
    ownership check. Every owner is a maintainer of data/owners.yaml (the two lists cannot drift)."""
    lines = [line.split() for line in (ROOT / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0][0] == "*" and len(lines[0]) > 1
    maintainers = {m.lower() for m in yaml.safe_load((ROOT / "data/owners.yaml").read_text(encoding="utf-8"))["maintainers"]}
    for pattern, *owners in lines:
        assert not any(c in pattern for c in "![]\\"), pattern   # gitignore syntax GitHub does not support
        assert all(o.startswith("@") and o[1:].lower() in maintainers for o in owners), owners
    assert [p for p, *owners in lines if not owners] == ["/data/agencies/", "/data/reviews/enterprise/", "/data/demands/"]
