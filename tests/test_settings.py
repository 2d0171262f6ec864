"""One typed settings object: mkdocs.yml's extra.platform (through mkdocs' loader), PLATFORM_*, config/*.yaml."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import yaml

from build_tools.inputs.config import DEFAULT_QA, load_qa
from build_tools.settings import Environment, PlatformSettings, Settings, SettingsError, UsageSettings
from build_tools.settings import load as load_settings
from conftest import FIXTURES, ROOT


def mkdocs_yml_with_material_tag(tmp_path, regions: str) -> str:
    """The site's mkdocs.yml, usable from tmp_path, plus what Material's docs routinely add: a
    `!!python/name:` tag (yaml.safe_load cannot read it) and other report regions."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for rel in ("content", "overrides", "hooks/platform.py", "data", "schemas", "build_tools", "config"):
        text = text.replace(f" {rel}\n", f" {ROOT / rel}\n")
    text = text.replace(" config/scoring.yaml", f" {ROOT / 'config/scoring.yaml'}")
    assert "!!python" not in text
    text = text.replace("markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.emoji:\n"
                        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    text = text.replace("  platform:\n", f"  platform:\n    report_regions: {regions}\n")
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    return str(path)


def test_report_reads_mkdocs_yml_as_mkdocs_does(tmp_path):
    config = mkdocs_yml_with_material_tag(tmp_path, "[江苏省, 天津市]")
    settings = load_settings(config)
    assert settings.platform.report_regions == ("江苏省", "天津市")
    assert settings.platform.usage.admin_networks == ("198.51.100.0/24",)
    assert settings.site_url == "https://example.org/eco-third-party/"
    run = subprocess.run([sys.executable, "-m", "build_tools", "report", "--year", "2023", "--config", config,
                          "--data", str(FIXTURES / "report")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    regions = run.stdout.split("## 环境服务第三方机构地区分布")[1].split("##")[0]
    assert [line.split()[0] for line in regions.strip().splitlines()[1:]] == ["江苏", "天津", "其他"]


def test_defaults_are_the_documented_ones():
    p = PlatformSettings.from_mapping({})
    assert (p.data_dir, p.report_regions, p.usage) == ("data", ("天津市", "河北省", "北京市"), UsageSettings())
    assert Settings(env=Environment()).data_root == (ROOT / "data").resolve()


def test_unknown_and_invalid_platform_settings_stop_the_build():
    with pytest.raises(SettingsError) as err:
        PlatformSettings.from_mapping({"report_region": ["北京市"],  # typo: report_regions
                                       "usage": {"admin_networks": ["198.51.100.0/33"], "base_path": "eco"}})
    lines = str(err.value).splitlines()
    assert lines[0] == "mkdocs.yml extra.platform 设置有误（invalid settings）："
    assert lines[1].startswith("  （根）：Additional properties are not allowed ('report_region'")
    assert lines[2].startswith("  usage.admin_networks.0：'198.51.100.0/33' is not a 'ip-network'")
    assert lines[3].startswith("  usage.base_path：'eco' does not match")


def test_a_bad_setting_fails_the_site_build(tmp_path):
    config = mkdocs_yml_with_material_tag(tmp_path, "北京市")  # a string, not a list
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode != 0
    assert "report_regions：'北京市' is not of type 'array'" in run.stderr
    assert not (tmp_path / "site").exists()


def test_environment_variables_are_read_in_one_place():
    env = Environment.from_environ({"PLATFORM_TODAY": "2026-01-31", "PLATFORM_JOBS": "3", "PLATFORM_CACHE": "0",
                                    "PLATFORM_STRICT_FACTS": "1", "PLATFORM_DATA": "tests/fixtures/mini"})
    assert (env.today, env.jobs, env.strict_facts) == (dt.date(2026, 1, 31), 3, True)
    assert env.cache_folder(env.cache, ROOT / ".cache") is None
    assert env.cache_folder(env.page_cache, ROOT / ".cache") == ROOT / ".cache"
    assert Settings(env=env).data_root == (ROOT / "tests/fixtures/mini").resolve()
    with pytest.raises(SettingsError, match="PLATFORM_TODAY 应为 YYYY-MM-DD"):
        Environment.from_environ({"PLATFORM_TODAY": "2026-02-30"})
    with pytest.raises(SettingsError, match="PLATFORM_JOBS 应为正整数"):
        Environment.from_environ({"PLATFORM_JOBS": "many"})


def test_config_files_are_checked_against_their_schema(tmp_path):
    qa = yaml.safe_load(DEFAULT_QA.read_text(encoding="utf-8"))
    assert load_qa() == qa
    qa["threshold"] = 2
    del qa["k1"]
    path = tmp_path / "qa.yaml"
    path.write_text(yaml.safe_dump(qa, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_qa(path)
    assert str(err.value).splitlines()[1:] == ["  （根）：'k1' is a required property",
                                               "  threshold：2 is greater than the maximum of 1"]
