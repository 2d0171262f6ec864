"""Build-wide settings shared by the compute and render stages."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # inputs/ imports compute, which imports this module
    from .cache.pages import Store as PageStore
    from .inputs import Inputs
    from .render.shell import Chrome
    from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def build_date() -> dt.date:
    """'Today' for the build: PLATFORM_TODAY (YYYY-MM-DD) pins it for reproducible builds and tests."""
    from .settings import environment  # settings.py imports ROOT from here
    return environment().today or dt.date.today()


def _default_settings() -> Settings:
    from .settings import Settings
    return Settings()


@dataclass
class BuildContext:
    data_root: Path
    today: dt.date = field(default_factory=build_date)
    settings: Settings = field(default_factory=_default_settings)  # extra.platform, site_url, PLATFORM_*
    computed: dict[str, Any] = field(default_factory=dict)  # results of compute steps, by name
    # Git history, access logs, config files, read once by inputs.read(): compute and render never read
    # files or run git themselves. Only steps that need them require them.
    inputs: Inputs | None = None

    page_cache: PageStore | None = None  # render only: pages whose inputs did not change come from it
    chrome: Chrome | None = None  # render only: the record-page shell (from mkdocs.yml); None = pages via mkdocs

    def need_inputs(self) -> Inputs:
        if self.inputs is None:
            raise RuntimeError("BuildContext.inputs is not set: call build_tools.inputs.read() first")
        return self.inputs
