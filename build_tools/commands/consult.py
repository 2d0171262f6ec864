"""`python -m build_tools faq-from-consultation ID`: an answered 专家咨询 becomes a 常见问题 record.

The flow of a consultation: someone asks through the 专家咨询 issue form (intake writes
data/consultations/<id>.yaml, a maintainer merges it and the question is public as 待答复);
the expert's answer is added to the same record (answer, answered_by, answer_date) and
published; when the answer is of general use, this command writes data/faq/<faq-id>.yaml from
it and links the two (`faq` on the consultation), so 智能问答 finds it from then on.
Both files are validated with the real loader; on any problem neither is changed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..context import ROOT
from ..records.dump import dump_yaml
from ..records.paths import display_path
from ..records.safeyaml import load_bytes
from ..records.schemas import load_kinds
from ..records.validate import validate_tree

FAQ_SOURCE = "平台专家咨询答复"


def faq_id_for(consultation_id: str) -> str:
    return consultation_id if consultation_id.startswith("faq-") else f"faq-{consultation_id}"[:64]


def faq_record(consultation: dict, faq_id: str) -> dict:
    """The FAQ record an answered consultation becomes (question and answer verbatim)."""
    record = {"id": faq_id, "question": consultation["question"], "answer": consultation["answer"],
              "category": consultation["category"],
              "source": f"{FAQ_SOURCE}（{consultation['answer_date']}，咨询编号 {consultation['id']}）",
              "date": consultation["answer_date"], "expert": consultation["answered_by"]}
    return record


def promote(data_root: Path, consultation_id: str, faq_id: str | None = None) -> tuple[Path | None, list[str]]:
    """Write the FAQ record and link it from the consultation; returns (faq path, problems)."""
    kinds = load_kinds()
    path = data_root / "consultations" / f"{consultation_id}.yaml"
    if not path.is_file():
        return None, [f"找不到专家咨询记录 {display_path(path)}"]
    source = path.read_bytes()
    consultation = load_bytes(source).data
    if not consultation.get("answer"):
        return None, ["该咨询尚无专家答复（answer），答复公开后才能收入常见问题"]
    if consultation.get("faq"):
        return None, [f"该咨询已收入常见问题 {consultation['faq']}"]
    faq_id = faq_id or faq_id_for(consultation_id)
    faq_path = data_root / kinds["faq"].glob.replace("*", faq_id)
    if faq_path.exists():
        return None, [f"{display_path(faq_path)} 已存在，请用 --faq-id 指定其他编号"]
    faq_path.parent.mkdir(parents=True, exist_ok=True)
    faq_path.write_text(dump_yaml(faq_record(consultation, faq_id)), encoding="utf-8")
    path.write_text(dump_yaml({**consultation, "faq": faq_id}), encoding="utf-8")
    _, problems = validate_tree(data_root, [faq_path, path])
    if problems:  # put both back as they were
        faq_path.unlink()
        path.write_bytes(source)
        return None, [str(p) for p in problems]
    return faq_path, []


def cmd_promote(args: argparse.Namespace) -> int:
    root = Path(args.data) if args.data else ROOT / "data"
    faq_path, problems = promote(root, args.id, args.faq_id)
    for p in problems:
        print(f"✗ {p}", file=sys.stderr)
    if problems or faq_path is None:
        print("未写入文件。", file=sys.stderr)
        return 1
    print(f"已写入 {display_path(faq_path)}，并在咨询记录中登记（faq: {faq_path.stem}）。")
    return 0


def register(sub) -> None:
    p = sub.add_parser("faq-from-consultation", help="把已答复的专家咨询收入常见问题库 (answered consultation -> FAQ)")
    p.add_argument("id", help="咨询编号，即 data/consultations/<编号>.yaml")
    p.add_argument("--faq-id", help="常见问题编号（默认 faq-<咨询编号>）")
    p.add_argument("--data", help="数据目录（默认 data/）")
    p.set_defaults(func=cmd_promote)
