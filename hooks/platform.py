"""MkDocs hooks: wire mkdocs events to build_tools. No logic lives here."""
from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # make build_tools importable under `mkdocs`

from build_tools.cache import pages as pagecache  # noqa: E402
from build_tools import pipeline  # noqa: E402
from build_tools.records.problems import InvalidData  # noqa: E402
from build_tools.render import shell  # noqa: E402
from build_tools.render.html import HTML_PAGE  # noqa: E402
from build_tools.settings import Settings, SettingsError  # noqa: E402
from build_tools.write.standalone import Writer, search_entry, segmenter  # noqa: E402

_prepared: pipeline.Prepared | None = None
_store: pagecache.Store | None = None
_finished: pagecache.FinishedPages | None = None
_writer: Writer | None = None


def on_config(config):
    global _prepared, _store
    try:
        settings = Settings.from_mkdocs(config)  # extra.platform, site_url, PLATFORM_*: read once, checked
        config.site_url = settings.site_url or config.site_url   # PLATFORM_SITE_URL: the theme's 404 page, sitemap
        _store = pagecache.Store(pagecache.location(settings.env))
        _prepared = pipeline.prepare(settings.data_root, settings)
    except SettingsError as exc:
        raise PluginError(str(exc)) from None
    except InvalidData as exc:
        # Fail closed: no site is written from invalid data.
        raise PluginError(f"数据校验未通过，站点未生成（data invalid, build aborted）：\n{exc}") from None
    return config


def on_files(files: Files, config) -> Files:
    """Record pages come finished (slim shell) and are written into the site at once; the rest go to mkdocs."""
    global _writer
    assert _prepared is not None
    _writer = Writer(Path(config.site_dir))
    search = next((p.search_index for p in config.plugins.values() if getattr(p, "search_index", None)), None)
    segment = segmenter(search)
    try:
        for out in pipeline.render_iter(_prepared, _store, shell.from_mkdocs(config)):
            if out.standalone:
                _writer.write(out)
                entry = search and search_entry(out, segment)
                if entry:
                    search.entries.append(entry)
                continue
            inclusion = InclusionLevel.INCLUDED if out.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, out.path, content=out.content, inclusion=inclusion))
    except InvalidData as exc:  # an attachment refused at copy time: fail closed, as for invalid data
        raise PluginError(f"数据校验未通过，站点未生成（data invalid, build aborted）：\n{exc}") from None
    return files


def on_nav(nav, config, files):
    global _finished
    search = next((p.search_index.entries for p in config.plugins.values() if hasattr(p, "search_index")), None)
    _finished = pagecache.FinishedPages(_store, pagecache.theme_fingerprint(config),
                                        pagecache.nav_fingerprint(nav), search)
    return nav


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Generated pages are one block of escaped HTML: keep it aside so Markdown does not re-parse it."""
    if page.meta.get(HTML_PAGE):
        _finished.lookup(page, markdown)
        page.platform_html = "" if page.meta.get("template") == pagecache.CACHED_TEMPLATE else markdown.strip()
        return ""
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    return getattr(page, "platform_html", html)


def on_post_page(output: str, page, config) -> str:
    return _finished.finish(page, output)


def on_post_build(config):
    _writer.add_to_sitemap(config.site_url)
    _store.save()
