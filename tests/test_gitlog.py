import datetime as dt
import subprocess

from build_tools.inputs import gitlog


def _git(repo, *args, date="2024-03-05T10:00:00+08:00"):
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "示例机构",
           "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.com",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_history_and_last_changed(tmp_path):
    repo = tmp_path
    _git(repo, "init", "-q")
    a = repo / "data/agencies/x"
    a.mkdir(parents=True)
    (a / "agency.yaml").write_text("id: x\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "add", date="2023-01-02T09:00:00+08:00")
    (a / "agency.yaml").write_text("id: x\nname: y\n")
    (repo / "data/other.yaml").write_text("a: 1\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "edit", date="2024-03-05T10:00:00+08:00")
    changes = gitlog.history(repo / "data")
    assert [(c.status, c.path, c.date.date()) for c in changes] == [
        ("A", "data/agencies/x/agency.yaml", dt.date(2023, 1, 2)),
        ("M", "data/agencies/x/agency.yaml", dt.date(2024, 3, 5)),
        ("A", "data/other.yaml", dt.date(2024, 3, 5)),
    ]
    assert changes[0].author == "示例机构"
    last = gitlog.last_changed([a, repo / "data/other.yaml"])
    assert last == {a.resolve(): dt.date(2024, 3, 5), (repo / "data/other.yaml").resolve(): dt.date(2024, 3, 5)}


def test_outside_git_is_empty(tmp_path):
    assert gitlog.history(tmp_path) == []
    assert gitlog.last_changed([tmp_path]) == {}
