"""`python -m build_tools forms`: write the GitHub issue forms from the schemas.

The forms are generated, never hand-edited, so a schema change cannot leave a
form asking for a field that no longer exists (a test regenerates and compares).
Syntax: GitHub's form schema (top-level name/description/title/labels/body;
body elements input/textarea/dropdown/markdown with attributes + validations).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..context import ROOT
from ..records.schemas import SCHEMA_DIR, Kind, load_kinds
from ..records.sealing import seal_page_url
from .formspec import Field, fields_of, yaml_text

FORM_DIR = ROOT / ".github" / "ISSUE_TEMPLATE"
FORM_KINDS = ("agency", "project", "enterprise_review", "demand", "consultation")  # what non-programmers submit
INTAKE_LABEL = "intake"
HEADER = "# 由 `python -m build_tools forms` 根据 schemas/ 自动生成，请勿手工修改。\n"


def kind_label(kind: str) -> str:
    return f"{INTAKE_LABEL}:{kind}"


def _element(f: Field) -> dict:
    attrs: dict = {"label": f.label}
    if f.description:
        attrs["description"] = f.description
    if f.widget == "dropdown":
        attrs["multiple"] = f.multiple
        attrs["options"] = list(f.options)
    elif f.conv == "date":
        attrs["placeholder"] = "YYYY-MM-DD"
    elif f.conv == "table":
        attrs["placeholder"] = " | ".join(c.label for c in f.columns)
    element = {"type": f.widget, "id": f.form_id, "attributes": attrs}
    if f.required:
        element["validations"] = {"required": True}
    return element


def _intro(kind: Kind, asks_phone: bool) -> str:
    text = (f"**{kind.title}**：{kind.schema.get('description', '')}\n\n"
            "提交后，平台机器人会把表单转换为数据文件并自动发起合并请求（PR）；"
            "如有填写问题，会在本议题下用中文逐项说明，修改议题内容即可重新检查。"
            "标有 * 的栏目必填；日期格式为 YYYY-MM-DD。")
    if asks_phone:
        text += ("\n\n**请勿在本表单中填写完整的手机号或身份证号**：议题对所有人公开。手机号请先在平台网站的"
                 f"[号码加密]({seal_page_url()})页面加密（在您的浏览器中完成，号码不会发送出去），"
                 "把以 `sealed:v1:` 开头的密文粘贴到电话栏；只有主管部门能解密，网站只显示 138****5678 这样的部分号码。"
                 "固定电话可直接填写。")
    return text


def form_of(kind: Kind, schema_dir: Path = SCHEMA_DIR) -> dict:
    fields = fields_of(kind, schema_dir)
    asks_phone = any(f.conv == "phone" or any(c.conv == "phone" for c in f.columns) for f in fields)
    return {
        "name": f"{kind.title}（新增或更新）",
        "description": f"通过网页表单提交{kind.title}记录，无需编写 YAML。",
        "title": f"[{kind.title}] ",
        "labels": [INTAKE_LABEL, kind_label(kind.name)],
        "body": [{"type": "markdown", "attributes": {"value": _intro(kind, asks_phone)}}]
                + [_element(f) for f in fields],
    }


def render(kind: Kind, schema_dir: Path = SCHEMA_DIR) -> str:
    return HEADER + yaml_text(form_of(kind, schema_dir))


def write_forms(out_dir: Path = FORM_DIR, schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    kinds = load_kinds(schema_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FORM_KINDS:
        path = out_dir / f"{name}.yml"
        path.write_text(render(kinds[name], schema_dir), encoding="utf-8")
        written.append(path)
    return written


def cmd_forms(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.check:
        kinds = load_kinds()
        stale = [n for n in FORM_KINDS if not (out / f"{n}.yml").is_file()
                 or (out / f"{n}.yml").read_text(encoding="utf-8") != render(kinds[n])]
        for name in stale:
            print(f"{out / (name + '.yml')}: 与 schemas/ 不一致，请运行 python -m build_tools forms", file=sys.stderr)
        return 1 if stale else 0
    for path in write_forms(out):
        print(path)
    return 0


def register(sub) -> None:
    p = sub.add_parser("forms", help="根据 schemas/ 生成 GitHub 议题表单 (generate issue forms)")
    p.add_argument("--out", default=str(FORM_DIR), help="输出目录（默认 .github/ISSUE_TEMPLATE）")
    p.add_argument("--check", action="store_true", help="只检查现有表单是否与 schemas/ 一致")
    p.set_defaults(func=cmd_forms)
