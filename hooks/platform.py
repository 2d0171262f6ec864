"""MkDocs hooks: wire mkdocs events to build_tools. No logic lives here."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # make build_tools importable under `mkdocs`

from build_tools import pipeline  # noqa: E402
from build_tools.problems import InvalidData  # noqa: E402
from build_tools.render.html import HTML_PAGE  # noqa: E402

_prepared: pipeline.Prepared | None = None


def _data_root(config) -> Path:
    """PLATFORM_DATA overrides the data folder (tests build fixtures with the real mkdocs.yml)."""
    configured = os.environ.get("PLATFORM_DATA") or config.extra.get("platform", {}).get("data_dir", "data")
    return (Path(config.config_file_path).parent / configured).resolve()


def on_config(config):
    global _prepared
    try:
        settings = {"site_url": config.site_url or "", **config.extra.get("platform", {})}
        _prepared = pipeline.prepare(_data_root(config), settings)
    except InvalidData as exc:
        # Fail closed: no site is written from invalid data.
        raise PluginError(f"数据校验未通过，站点未生成（data invalid, build aborted）：\n{exc}") from None
    return config


def on_files(files: Files, config) -> Files:
    assert _prepared is not None
    for out in pipeline.render(_prepared):
        inclusion = InclusionLevel.INCLUDED if out.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, out.path, content=out.content, inclusion=inclusion))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Generated pages are one block of escaped HTML: keep it aside so Markdown does not re-parse it."""
    if page.meta.get(HTML_PAGE):
        page.platform_html = markdown.strip()
        return ""
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    return getattr(page, "platform_html", html)
