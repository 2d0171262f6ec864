"""Every setting of the build tools in one typed, frozen object, loaded once and passed down.

Sources: mkdocs.yml's `extra.platform` (checked against schemas/settings/platform.schema.json) and `site_url`,
read through mkdocs' own config loader (so tags such as `!!python/name:` and `!ENV` work as on the site), and
the PLATFORM_* environment variables (`Environment`; this module is the only reader of os.environ).
The YAML files under config/ are read by inputs/config.py against their schemas in the same folder.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Mapping

import jsonschema

from .context import ROOT

SETTINGS_SCHEMAS = ROOT / "schemas" / "settings"
MKDOCS_YML = ROOT / "mkdocs.yml"


class SettingsError(ValueError):
    """A setting is invalid: the build stops and says which one, in Chinese."""


# --- checking a settings document against its schema ---------------------------------------------------------
_formats = jsonschema.FormatChecker()


@_formats.checks("ip-network", raises=ValueError)
def _ip_network(value: object) -> bool:
    return not isinstance(value, str) or bool(ipaddress.ip_network(value, strict=False))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SETTINGS_SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=_formats)


def check(document: Any, schema_name: str, where: str) -> None:
    """Raise SettingsError listing every problem of `document` (`where` says what it is, e.g. a file name)."""
    errors = sorted(_validator(schema_name).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"  {'.'.join(map(str, e.absolute_path)) or '（根）'}：{e.message}" for e in errors]
        raise SettingsError(f"{where} 设置有误（invalid settings）：\n" + "\n".join(lines))


# --- the settings -------------------------------------------------------------------------------------------
DEFAULT_REGIONS = ("天津市", "河北省", "北京市")


@dataclass(frozen=True)
class UsageSettings:
    """How a request in data/usage/ is assigned to a portal (README, “Platform usage”)."""
    base_path: str = "/"
    admin_networks: tuple[str, ...] = ()
    agency_referrers: tuple[str, ...] = ("/pull/", "/pulls", "/merge_requests")
    bulk_files: int = 50   # a commit changing at least this many records is a bulk load, not usage


@dataclass(frozen=True)
class PlatformSettings:
    """mkdocs.yml `extra.platform`."""
    data_dir: str = "data"
    scoring_config: str | None = None   # relative to the project root; default config/scoring.yaml
    qa_config: str | None = None        # relative to the project root; default config/qa.yaml
    sealing_key: str | None = None      # the bureau's PUBLIC key file; default config/sealing.yaml
    report_regions: tuple[str, ...] = DEFAULT_REGIONS
    zone_name: str = "区内"              # the zone in page text: 在区内设立办公场地 (e.g. 示范区, 天津经开区)
    usage: UsageSettings = field(default_factory=UsageSettings)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None, where: str = "mkdocs.yml extra.platform") -> PlatformSettings:
        raw = dict(raw or {})
        check(raw, "platform.schema.json", where)
        usage = dict(raw.pop("usage", None) or {})
        for key in ("admin_networks", "agency_referrers"):
            if key in usage:
                usage[key] = tuple(usage[key])
        if "report_regions" in raw:
            raw["report_regions"] = tuple(raw["report_regions"]) or DEFAULT_REGIONS
        return cls(**raw, usage=UsageSettings(**usage))


@dataclass(frozen=True)
class Environment:
    """The PLATFORM_* environment variables (README: tests, benchmarks and CI set them)."""
    today: dt.date | None = None      # PLATFORM_TODAY=YYYY-MM-DD pins the build date
    data: str | None = None           # PLATFORM_DATA: another data folder (tests build fixtures)
    cache: str | None = None          # PLATFORM_CACHE: validation cache folder, "0" = off
    page_cache: str | None = None     # PLATFORM_PAGE_CACHE: page cache folder, "0" = off
    jobs: int | None = None           # PLATFORM_JOBS: worker processes for loading (default: one per core)
    strict_facts: bool = False        # PLATFORM_STRICT_FACTS=1: checks may read declared fields only (tests)
    sealing_key: str | None = None    # PLATFORM_SEALING_KEY: another public-key file (tests, staging sites)
    site_url: str | None = None       # PLATFORM_SITE_URL: the address the site is served at (the bureau's host)
    compress_cache: str | None = None  # PLATFORM_COMPRESS_CACHE: `release`'s compressed files, "0" = off
    deploy_ssh: str | None = None     # PLATFORM_DEPLOY_SSH: the ssh command `deploy`/`rollback` use

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Environment:
        env = os.environ if environ is None else environ
        try:
            today = dt.date.fromisoformat(env["PLATFORM_TODAY"]) if env.get("PLATFORM_TODAY") else None
        except ValueError:
            raise SettingsError(f"PLATFORM_TODAY 应为 YYYY-MM-DD，现为“{env['PLATFORM_TODAY']}”") from None
        jobs = env.get("PLATFORM_JOBS") or None
        if jobs is not None and not (jobs.isdigit() and int(jobs) > 0):
            raise SettingsError(f"PLATFORM_JOBS 应为正整数，现为“{jobs}”")
        return cls(today=today, data=env.get("PLATFORM_DATA") or None, cache=env.get("PLATFORM_CACHE") or None,
                   page_cache=env.get("PLATFORM_PAGE_CACHE") or None, jobs=int(jobs) if jobs else None,
                   strict_facts=env.get("PLATFORM_STRICT_FACTS") == "1",
                   sealing_key=env.get("PLATFORM_SEALING_KEY") or None,
                   site_url=env["PLATFORM_SITE_URL"].rstrip("/") + "/" if env.get("PLATFORM_SITE_URL") else None,
                   compress_cache=env.get("PLATFORM_COMPRESS_CACHE") or None,
                   deploy_ssh=env.get("PLATFORM_DEPLOY_SSH") or None)

    def cache_folder(self, setting: str | None, default: Path) -> Path | None:
        """A cache's folder: None when its variable is "0", the variable's folder, else `default`."""
        if setting == "0":
            return None
        return Path(setting) if setting else default


def environment() -> Environment:
    """The PLATFORM_* variables as they are now (tools that run without a build read them here)."""
    return Environment.from_environ()


@dataclass(frozen=True)
class Settings:
    project_root: Path = ROOT          # the folder of mkdocs.yml: relative settings start here
    site_url: str = ""
    repo_url: str = ""                 # mkdocs.yml repo_url: the forge whose issue forms are the ways in
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    env: Environment = field(default_factory=environment)

    @property
    def data_root(self) -> Path:
        """PLATFORM_DATA overrides the data folder (tests build fixtures with the real mkdocs.yml)."""
        return (self.project_root / (self.env.data or self.platform.data_dir)).resolve()

    @property
    def today(self) -> dt.date:
        """'Today' for the build: PLATFORM_TODAY pins it for reproducible builds and tests."""
        return self.env.today or dt.date.today()

    @classmethod
    def from_mkdocs(cls, config: Any) -> Settings:
        """From a loaded MkDocsConfig (the hook's, or `load()`'s)."""
        where = f"{Path(config.config_file_path).name if config.config_file_path else 'mkdocs.yml'} extra.platform"
        env = environment()
        return cls(project_root=Path(config.config_file_path).resolve().parent if config.config_file_path else ROOT,
                   site_url=env.site_url or config.site_url or "", repo_url=config.repo_url or "",
                   platform=PlatformSettings.from_mapping(config.extra.get("platform"), where),
                   env=env)


def load(config_file: Path = MKDOCS_YML) -> Settings:
    """The settings exactly as `mkdocs build` sees them: mkdocs' own loader reads the file."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError
    try:
        config = load_config(str(config_file))
    except ConfigurationError as exc:
        raise SettingsError(f"{config_file} 无法读取（mkdocs config error）：{exc}") from None
    return Settings.from_mkdocs(config)
