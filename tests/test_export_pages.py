"""`export-pages`: the whole docs tree as files, for an engine that runs no mkdocs hooks (Zensical)."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import MINI, ROOT, TODAY


def test_export_writes_hand_written_and_generated_pages(tmp_path):
    out = tmp_path / "docs"
    env = {**os.environ, "PLATFORM_DATA": str(MINI), "PLATFORM_TODAY": TODAY}
    result = subprocess.run([sys.executable, "-m", "build_tools", "export-pages", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "已导出" in result.stdout
    assert (out / "about.md").read_text(encoding="utf-8") == (ROOT / "content/about.md").read_text(encoding="utf-8")
    agency = (out / "agencies/demo-alpha.md").read_text(encoding="utf-8")
    assert agency.startswith("---\n") and "platform_html: true" in agency and "<h1" in agency
    assert (out / "agencies/demo-alpha/files/cma.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "news/feed.xml").exists() and (out / "index.md").exists()
    # an existing folder is never overwritten
    again = subprocess.run([sys.executable, "-m", "build_tools", "export-pages", str(out)], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    assert again.returncode == 2 and "已存在" in again.stderr
