"""The TEDA 2023 report reproduced from a data set of the same shape (tests/fixtures/teda2023/README.md)."""
from __future__ import annotations

from build_tools.commands.cli import main
from conftest import FIXTURES

TEDA = FIXTURES / "teda2023"


def test_report_command_reproduces_the_teda_2023_figures(capsys):
    assert main(["report", "--year", "2023", "--data", str(TEDA)]) == 0
    out = capsys.readouterr().out
    for sentence in [
        "平台累计注册环境服务第三方机构191家企业，较去年新增11家企业，主要分布在天津地区，其中注册在天津范围的企业167家，占比87%。",
        "在区内设立办公场地的企业共有45家，区内常驻服务人员2252人。",
        "平台注册的环境服务第三方机构共有153家填报经营类型",
        "其中涉及环保咨询类型的机构最多，共72家，占比47%。",
        "平台累计公开项目业绩1533项，其中近三年（2021—2023年）服务项目1161项，服务区内企业534家；已完成项目1414项，进行中项目119项。",
        "以环境监测项目为主，占总项目数的51%；其次为环保咨询、环评机构和在线运维，占比分别为16%、13%和13%。",
        "2022年项目业绩公开371项，2023年项目业绩公开300项，较去年下降19%。",
    ]:
        assert sentence in out, sentence
    # the key figure with its denominator, and every share of the seed's figure 2 (of 153, not of 191)
    assert "153 家填报经营类型（38 家未填报）" in out
    for share in ["环评机构 28 家（18%）", "废水治理 37 家（24%）", "废气治理 46 家（30%）", "固废处置 13 家（8%）",
                  "环保咨询 72 家（47%）", "在线运维 42 家（27%）", "环境监测 49 家（32%）", "低碳服务 28 家（18%）",
                  "节能改造/新能源建设 15 家（10%）", "其他 31 家（20%）"]:
        assert share in out, share
    # notes: what was not collected is said, never printed as 0 usage; definitions and technical notes follow
    assert "说明：未提供网站访问记录" in out
    assert "## 统计口径" in out and "## 技术说明" in out
    assert "占比以填报经营类型的机构数为分母" in out
