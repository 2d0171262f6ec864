"""`python -m build_tools intake ISSUE_BODY_FILE`: an issue-form submission -> a validated YAML record.

GitHub renders a submitted form as markdown: one "### <label>" heading per field,
then the answer ("_No response_" when left empty). We map labels back to fields
(formspec, the same code that generated the form), normalise the text, write the
record where its kind lives, and check it with the real loader and validator.
On any problem the file is put back as it was and every problem is reported in
Chinese, naming the form field, so the bot can comment it on the issue.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..context import ROOT
from ..records import messages, personal, sealing
from ..records.paths import display_path, kind_of, record_path
from ..records.problems import Problem
from ..records.schemas import SCHEMA_DIR, Kind, load_kinds, registry, validator
from ..records.validate import validate_tree
from . import mdsafe
from .forms import FORM_KINDS
from .formspec import Field, FormError, build_record, fields_of, yaml_text

NO_RESPONSE = "_No response_"
EXPOSED = 3  # exit status: the issue shows a full personal number (a maintainer must redact the issue)
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


@dataclass
class Result:
    kind: str
    record: dict | None = None
    path: Path | None = None
    errors: list[str] = field(default_factory=list)
    exposed: bool = False    # the issue text shows a full personal number (public already: nothing written)


def parse_body(body: str) -> dict[str, str]:
    """Markdown of a submitted issue form -> {label: answer}; empty answers become ""."""
    body = body.replace("\r\n", "\n").lstrip("\ufeff")
    parts = _HEADING.split(body)
    answers = {}
    for label, text in zip(parts[1::2], parts[2::2]):
        text = text.strip()
        answers[label.strip()] = "" if text == NO_RESPONSE else text
    return answers


def guess_kind(answers: dict[str, str], kinds: dict[str, Kind], schema_dir: Path = SCHEMA_DIR) -> str | None:
    """The form whose labels match the headings best (issue edited without its label, local runs)."""
    best, score = None, 0
    for name in FORM_KINDS:
        labels = {f.label for f in fields_of(kinds[name], schema_dir)}
        hits = len(labels & answers.keys()) - len(answers.keys() - labels)
        if hits > score:
            best, score = name, hits
    return best


def schema_problems(kind: Kind, record: dict, schema_dir: Path = SCHEMA_DIR) -> list[Problem]:
    """Schema check of a record not written anywhere yet (same validator and messages as load.py)."""
    out = []
    for error in validator(kind.name, schema_dir).iter_errors(record):
        fpath, zh, en = messages.explain(error, kind.schema, registry(schema_dir))
        out.append(Problem("", 0, messages.field_path(fpath), zh, en))
    return sorted(set(out))


def _place(problem: Problem, fields: list[Field]) -> tuple[int, int, str]:
    """(form position, table row, label) of the form field a problem is about:
    'contacts[0].phone' -> row 1 of 「联系人」; 'registered_address.city' -> 「注册地址·市」."""
    order = {f.key: i for i, f in enumerate(fields)}
    by_key = {f.key: f for f in fields}
    m = re.match(r"^(\w+)\[(\d+)\]", problem.field)
    if m and m[1] in by_key:
        f = by_key[m[1]]
        row = int(m[2]) + 1 if f.conv == "table" else 0
        return order[f.key], row, f"「{f.label}」第 {row} 行" if row else f"「{f.label}」"
    if problem.field in by_key:
        return order[problem.field], 0, f"「{by_key[problem.field].label}」"
    group = next((f for f in fields if f.key.startswith(problem.field + ".")), None)
    return (order[group.key], 0, f"「{group.group}」") if group and problem.field else (-1, 0, "")


def explain(problems: list[Problem], fields: list[Field]) -> list[str]:
    """Problems as sentences that start with the form field's label, in form order."""
    out = []
    for p in problems:
        pos, row, label = _place(p, fields)
        text = p.message if not label or (not row and p.message.startswith(label)) else f"{label}：{p.message}"
        out.append((pos, row, text))
    return [text for _, _, text in sorted(out)]


def to_record(answers: dict[str, str], kind: Kind, schema_dir: Path = SCHEMA_DIR) -> tuple[dict, list[str]]:
    fields = fields_of(kind, schema_dir)
    values, errors = {}, []
    for f in fields:
        try:
            values[f.key] = f.convert(answers.get(f.label, ""))
        except FormError as exc:
            errors.append(f"「{f.label}」{exc}")
    known = {f.label for f in fields}
    errors += [f"表单中有无法识别的栏目「{label}」，请不要修改栏目标题" for label in answers if label not in known]
    return build_record(fields, values, kind), errors


def intake(body: str, data_root: Path, kind_name: str | None = None, schema_dir: Path = SCHEMA_DIR) -> Result:
    """Parse, write and validate. On failure nothing under data_root is changed."""
    kinds = load_kinds(schema_dir)
    answers = parse_body(body)
    exposed = exposed_numbers(body, answers)
    if exposed:  # refuse before anything else: no record, no echo of any field
        return Result(kind_name or "", errors=exposed, exposed=True)
    kind_name = kind_name or guess_kind(answers, kinds, schema_dir)
    if kind_name not in kinds:
        return Result(kind_name or "", errors=["无法识别表单类型：请使用平台提供的议题表单提交，不要修改栏目标题"])
    kind = kinds[kind_name]
    record, errors = to_record(answers, kind, schema_dir)
    result = Result(kind_name, record, record_path(kind, record, data_root, kinds))
    fields = fields_of(kind, schema_dir)
    errors += explain(sealed_problems(record), fields)
    if errors or result.path is None:  # cannot write it: still report every schema problem at once
        result.errors = errors + explain(schema_problems(kind, record, schema_dir), fields)
        return result
    result.errors = write_checked(result.path, yaml_text(record), data_root, kind, kinds, fields)
    return result


def exposed_numbers(body: str, answers: dict[str, str]) -> list[str]:
    """One sentence per form field whose answer holds a full mobile or ID number (never the number)."""
    url = sealing.seal_page_url()
    out = []
    counted = 0
    for label, text in answers.items():
        hits = personal.find(text)
        counted += len(hits)
        if hits:
            kinds = "、".join(dict.fromkeys(h.label for h in hits))
            out.append(f"「{label}」中有完整的{kinds}：议题是公开的，请不要在议题中填写完整号码。"
                       f"手机号请先在平台网站的「号码加密」页面（{url}）加密，把以 sealed:v1: 开头的密文粘贴到该栏；"
                       "固定电话可以直接填写。")
    if len(personal.find(body)) > counted:
        out.append(f"议题正文中有完整的手机号或身份证号，请删除（手机号可在「号码加密」页面 {url} 加密后填写密文）。")
    return out


def sealed_problems(record: dict) -> list[Problem]:
    """Sealed numbers must open with the bureau's current key: a token from another site, an old
    key or a damaged paste would be unreadable for the bureau."""
    tokens = [(path, m.group()) for path, text in personal.strings(record) for m in personal.TOKEN.finditer(text)]
    if not tokens:
        return []
    try:
        current = sealing.load_public()
    except sealing.SealingError:
        return [Problem("", 0, "", "平台的加密公钥配置有误，暂时无法接收加密号码，维护人员会尽快处理")]
    out = []
    for path, token in tokens:
        try:
            m = sealing.check_token(token)
        except sealing.SealingError as exc:
            out.append(Problem("", 0, messages.field_path(path), str(exc)))
            continue
        if m["kid"] != current.kid:
            out.append(Problem("", 0, messages.field_path(path),
                               f"密文不是用本平台当前的密钥加密的（密钥编号 {m['kid']}），请在「号码加密」页面"
                               f"（{sealing.seal_page_url()}）重新加密后粘贴"))
    return out


def write_checked(path: Path, text: str, root: Path, kind: Kind, kinds: dict[str, Kind], fields: list[Field]) -> list[str]:
    if kind_of(path.resolve(), root.resolve(), kinds) is not kind:
        return ["编号中含有不允许的字符，无法确定文件位置"]
    before = path.read_bytes() if path.exists() else None
    created = [p for p in reversed(path.parents) if not p.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    _, problems = validate_tree(root, [path])
    if problems:  # put everything back as it was: only valid records reach the PR
        if before is None:
            path.unlink()
            for folder in reversed(created):
                folder.rmdir()
        else:
            path.write_bytes(before)
    return explain(problems, fields)


def comment(result: Result, shown: str) -> str:
    """The Chinese comment the bot posts on the issue. Problems quote what the submitter typed, so they
    are shown in a code block: no mention, image, link or reference in it is rendered (mdsafe)."""
    if result.exposed:
        items = "\n".join(f"- {e}" for e in result.errors)
        return ("⛔ 本议题中出现了完整的个人号码（手机号或身份证号），机器人没有生成数据文件，也不会在任何地方转载它：\n\n"
                f"{mdsafe.block(items)}\n\n"
                "议题是公开的，机器人无法撤回已经发布的内容：请立即点击议题右上角“…”→“Edit”，把号码改为加密后的密文"
                "或固定电话并保存，机器人会自动重新检查。GitHub 会保留议题的编辑历史，其中仍有原来的号码："
                "平台维护人员会删除该历史版本（或删除本议题，请您重新提交）。")
    if result.errors:
        items = "\n".join(f"- {e}" for e in result.errors)
        return (f"⚠️ 表单内容未通过检查，共 {len(result.errors)} 个问题：\n\n{mdsafe.block(items)}\n\n"
                "请点击议题右上角“…”→“Edit”修改对应栏目并保存，机器人会自动重新检查。您填写的原文仍保留在本议题中。")
    return f"✅ 表单已转换为数据文件 `{shown}` 并通过校验，已创建/更新合并请求，等待管理员审核。"


def cmd_intake(args: argparse.Namespace) -> int:
    body = Path(args.body).read_text(encoding="utf-8-sig")
    root = Path(args.data) if args.data else ROOT / "data"
    result = intake(body, root, args.kind)
    shown = display_path(result.path) if result.path else ""
    if args.comment:
        Path(args.comment).write_text(comment(result, shown), encoding="utf-8")
    for error in result.errors:
        print(error, file=sys.stderr)
    if result.errors:
        print(f"\n共 {len(result.errors)} 个问题，未写入文件。", file=sys.stderr)
        return EXPOSED if result.exposed else 1
    print(shown)
    return 0


def register(sub) -> None:
    p = sub.add_parser("intake", help="议题表单 → YAML 记录 (issue form body to record)")
    p.add_argument("body", help="议题正文（Markdown）文件")
    p.add_argument("--kind", choices=sorted(FORM_KINDS), help="记录类别（默认按栏目标题识别）")
    p.add_argument("--data", help="数据目录（默认 data/）")
    p.add_argument("--comment", help="把给议题的中文回复写入此文件")
    p.set_defaults(func=cmd_intake)
