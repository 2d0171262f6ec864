"""`python -m build_tools new KIND`: write a valid record by answering questions (Chinese prompts).

The questions are the issue-form fields (formspec), so the terminal and the web
form ask the same things in the same order and normalise answers the same way.
Each answer is checked at once against the kind's schema (the real validator,
restricted to that field); the file is written only when the whole record passes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ..context import ROOT
from ..records import messages, personal, sealing
from ..records.paths import display_path, record_path
from ..records.schemas import SCHEMA_DIR, Kind, load_kinds, registry, validator
from .formspec import Field, FormError, build_record, convert_row, fields_of, yaml_text
from .intake import write_checked


class Aborted(Exception):
    """Input ended before the record was complete."""


def field_errors(kind: Kind, key: str, value: Any, schema_dir: Path = SCHEMA_DIR, keep_required: bool = False) -> list[str]:
    """Schema errors about one field, found by validating a record that holds only that field."""
    record: dict = {}
    head, _, rest = key.partition(".")
    record[head] = {rest: value} if rest else value
    want = [head] + ([rest] if rest else [])
    out = []
    for error in validator(kind.name, schema_dir).iter_errors(record):
        path = list(error.absolute_path)
        if path[: len(want)] != want or (error.validator == "required" and not keep_required):
            continue
        out.append(messages.explain(error, kind.schema, registry(schema_dir))[1])
    return out


def _prompt(f: Field) -> str:
    need = "必填" if f.required else "可选，直接回车跳过"
    lines = [f"{f.label}（{need}）"]
    if f.description and f.conv != "table":
        lines.append(f"  {f.description}")
    if f.options:
        lines.append("  可选：" + "  ".join(f"{i}. {o}" for i, o in enumerate(f.options, 1))
                     + ("（可多选，用逗号分隔序号）" if f.multiple else "（填序号或文字）"))
    return "\n".join(lines) + "\n> "


def _pick(f: Field, text: str) -> str:
    """Accept option numbers as well as option text for dropdown fields."""
    parts = [p.strip() for p in text.replace("，", ",").split(",")] if f.multiple else [text.strip()]
    picked = [f.options[int(p) - 1] if p.isdigit() and 1 <= int(p) <= len(f.options) and f.conv != "int" else p
              for p in parts]
    return ",".join(picked)


class Asker:
    def __init__(self, kind: Kind, stdin: TextIO, stdout: TextIO, schema_dir: Path = SCHEMA_DIR):
        self.kind, self.stdin, self.stdout, self.schema_dir = kind, stdin, stdout, schema_dir
        self.sealer: sealing.Sealer | None = None

    def seal(self, value: Any) -> Any:
        """Full mobile / ID numbers typed here are sealed to the bureau's public key at once:
        the file written never holds them (the site shows the masked part)."""
        hits = personal.in_record(value)
        if not hits:
            return value
        if self.sealer is None:
            self.sealer = sealing.Sealer()
        shown = "、".join(personal.mask_of(hit.number) for _, hit in hits)
        self.stdout.write(f"  🔒 已用主管部门公钥加密（网站只显示 {shown}）\n")
        return self.sealer.value(value)

    def read(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise Aborted()
        return line.rstrip("\n")

    def scalar(self, f: Field) -> Any:
        while True:
            text = self.read(_prompt(f))
            value = self.seal(f.convert(_pick(f, text) if f.options else text))
            if value is None:
                if not f.required:
                    return None
                self.stdout.write("  ✗ 此项必填\n")
                continue
            errors = field_errors(self.kind, f.key, value, self.schema_dir)
            if errors:
                self.stdout.write("".join(f"  ✗ {e}\n" for e in errors))
                continue
            if f.conv == "id" and value != text.strip() and not self.confirm(
                    f"  编号只能用小写字母、数字和连字符，将写为“{value}”（您输入的是“{text.strip()}”）。确认吗？"):
                continue  # never change an id behind the person's back: ask for it again
            return value

    def confirm(self, question: str) -> bool:
        while True:
            answer = self.read(f"{question}（是/否）\n> ").strip().lower()
            if answer in ("是", "y", "yes", "确认", "1"):
                return True
            if answer in ("否", "n", "no", "2"):
                return False
            self.stdout.write("  ✗ 请回答“是”或“否”\n")

    def table(self, f: Field) -> list | None:
        self.stdout.write(f"{f.label}（{'必填' if f.required else '可选'}）：{f.description}\n")
        rows: list[dict] = []
        while True:
            text = self.read(f"  第 {len(rows) + 1} 行（{' | '.join(c.label for c in f.columns)}），空行结束\n> ")
            if not text.strip():
                return rows or None
            try:
                row = self.seal(convert_row(f, text, len(rows) + 1))
            except FormError as exc:
                self.stdout.write(f"  ✗ {exc}\n")
                continue
            errors = field_errors(self.kind, f"{f.key}", [row], self.schema_dir, keep_required=True)
            if errors:
                self.stdout.write("".join(f"  ✗ {e}\n" for e in errors))
                continue
            rows.append(row)

    def ask(self, f: Field) -> Any:
        return self.table(f) if f.conv == "table" else self.scalar(f)


def scaffold(kind_name: str, stdin: TextIO, stdout: TextIO, data_root: Path,
             schema_dir: Path = SCHEMA_DIR) -> tuple[Path | None, list[str]]:
    kinds = load_kinds(schema_dir)
    kind = kinds[kind_name]
    fields = fields_of(kind, schema_dir)
    asker = Asker(kind, stdin, stdout, schema_dir)
    stdout.write(f"新建{kind.title}：{kind.schema.get('description', '')}\n")
    values: dict[str, Any] = {}
    for f in fields:
        if f.ask_if and values.get(f.ask_if) is not True:
            continue  # e.g. no office in the zone: its address and resident staff are not asked
        values[f.key] = asker.ask(f)
    record = build_record(fields, values, kind)
    path = record_path(kind, record, data_root, kinds)
    if path is None:
        return None, ["编号不完整，无法确定文件位置"]
    if path.exists():
        return None, [f"{display_path(path)} 已存在；修改现有记录请直接编辑该文件"]
    return path, write_checked(path, yaml_text(record), data_root, kind, kinds, fields)


def cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.data) if args.data else ROOT / "data"
    try:
        path, errors = scaffold(args.kind, sys.stdin, sys.stdout, root)
    except Aborted:
        print("\n输入已结束，未写入文件。", file=sys.stderr)
        return 1
    for e in errors:
        print(f"✗ {e}", file=sys.stderr)
    if errors or path is None:
        print("未写入文件。", file=sys.stderr)
        return 1
    print(f"已写入 {display_path(path)}，并通过校验。")
    return 0


def register(sub) -> None:
    p = sub.add_parser("new", help="按提示逐项填写，新建一条记录 (scaffold a record interactively)")
    p.add_argument("kind", choices=sorted(load_kinds()), help="记录类别，例如 agency、project")
    p.add_argument("--data", help="数据目录（默认 data/）")
    p.set_defaults(func=cmd_new)
