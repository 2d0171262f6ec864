"""MkDocs hooks: wire mkdocs events to build_tools. No logic lives here."""
from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # make build_tools importable under `mkdocs`

from build_tools import pipeline
from build_tools import search as site_search
from build_tools.cache import pages as pagecache
from build_tools.records.problems import InvalidData
from build_tools.render import shell
from build_tools.render.html import HTML_PAGE
from build_tools.settings import Settings, SettingsError
from build_tools.write.standalone import Writer

_prepared: pipeline.Prepared | None = None
_store: pagecache.Store | None = None
_finished: pagecache.FinishedPages | None = None
_indexer: site_search.Indexer | None = None
_sections: site_search.Sections | None = None
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
    global _indexer, _sections, _writer
    assert _prepared is not None
    _writer = Writer(Path(config.site_dir))
    _close_indexer()
    _sections = site_search.Sections()
    _indexer = site_search.start(_prepared.public)  # indexes the records while the pages are rendered
    try:
        for out in pipeline.render_iter(_prepared, _store, shell.from_mkdocs(config)):
            if out.standalone:
                _writer.write(out)
                continue
            inclusion = InclusionLevel.INCLUDED if out.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, out.path, content=out.content, inclusion=inclusion))
    except InvalidData as exc:  # an attachment refused at copy time: fail closed, as for invalid data
        raise PluginError(f"数据校验未通过，站点未生成（data invalid, build aborted）：\n{exc}") from None
    return files


def on_nav(nav, config, files):
    global _finished
    assert _store is not None, "on_config did not run"
    search = next((p.search_index.entries for p in config.plugins.values() if hasattr(p, "search_index")), None)
    _finished = pagecache.FinishedPages(_store, pagecache.theme_fingerprint(config),
                                        pagecache.nav_fingerprint(nav), search)
    return nav


def on_env(env, config, files):
    site_search.add_templates(env)  # the search box partial, shared with pages rendered outside the theme
    return env


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Generated pages are one block of escaped HTML: keep it aside so Markdown does not re-parse it."""
    if page.file.inclusion.is_in_nav() and _sections is not None:
        _sections.add(page.url, str(page.title or ""), markdown)  # section pages: title and start of text
    if page.meta.get(HTML_PAGE):
        assert _finished is not None, "on_nav did not run"
        _finished.lookup(page, markdown)
        page.platform_html = "" if page.meta.get("template") == pagecache.CACHED_TEMPLATE else markdown.strip()
        return ""
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    return getattr(page, "platform_html", html)


def on_post_page(output: str, page, config) -> str:
    assert _finished is not None, "on_nav did not run"
    return _finished.finish(page, output)


def on_post_build(config):
    global _indexer
    if _writer is not None:
        _writer.add_to_sitemap(config.site_url)
    if _store is not None:
        _store.save()
    indexer, _indexer = _indexer, None
    site_search.finish(indexer, _sections, Path(config.site_dir))


def on_build_error(error):
    _close_indexer()


def _close_indexer() -> None:
    global _indexer
    if _indexer is not None:
        _indexer.close()
        _indexer = None
