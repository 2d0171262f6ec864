"""`python -m build_tools import-letters FILE --mailbox 生态环境部部长信箱 [--dry-run]`

Letters published by government mailboxes (部长信箱, 人民政府信箱, 厅局长信箱: question, reply, office, date,
link) into FAQ records `data/faq/<id>.yaml` whose `source` names the letter: {mailbox, reply_date, url, office}.
Create-only and de-duplicated by the letter's link (or, without one, by mailbox + question + reply date).

The writer's name and contact columns are never read: a published letter is about its question, and the
platform does not republish who asked; mobile and ID numbers inside the text are masked in the record itself.
A letter without a reply is not an FAQ and is rejected.
"""
from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path
from typing import Any

from ...records.privacy import mask_text
from . import cells, store
from .cells import CellError
from .policies import url_key
from .table import Spec, read_rows

SPEC = Spec(
    columns={
        "title": ("title", "标题", "信件标题", "来信标题", "主题", "留言标题"),
        "question": ("question", "来信内容", "信件内容", "问题", "咨询内容", "留言内容", "内容"),
        "answer": ("answer", "回复内容", "答复内容", "回复", "答复", "办理结果", "回复意见", "答复意见"),
        "office": ("office", "答复单位", "回复单位", "办理单位", "承办单位", "答复部门", "回复部门"),
        "reply_date": ("reply_date", "答复日期", "回复日期", "办结日期", "回复时间", "答复时间"),
        "url": ("url", "链接", "原文链接", "网址", "link"),
        "mailbox": ("mailbox", "信箱", "信箱名称", "栏目"),
        "category": ("category", "分类", "类别", "问题分类"),
        "keywords": ("keywords", "关键词"),
        # read and dropped on purpose: who wrote, and when (the reply date is what the FAQ shows)
        "ignored": ("ignored", "序号", "来信人", "写信人", "留言人", "姓名", "联系电话", "来信日期", "写信日期",
                    "留言时间", "来信时间", "状态", "办理状态"),
    },
    required=("answer",),
    one_of=(("question", "title"),),
    readme="Importing policies and mailbox letters",
)

CATEGORIES = ("地区", "水", "气", "声", "固废", "环保手续")
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "固废": ("固体废物", "危险废物", "危废", "固废", "废物", "垃圾", "污泥", "废油", "废酸", "转移联单"),
    "水": ("废水", "污水", "排水", "水质", "河道", "饮用水", "地下水", "雨水", "水污染"),
    "气": ("废气", "大气", "空气", "烟尘", "扬尘", "异味", "臭味", "挥发性有机物", "VOCs", "油烟", "锅炉"),
    "声": ("噪声", "噪音", "夜间施工", "分贝"),
    "环保手续": ("环评", "环境影响", "排污许可", "验收", "审批", "备案", "登记表", "手续", "许可证"),
}
QUESTION_MAX = 300
ANSWER_MAX = 5000


def category_of(row: dict[str, str]) -> tuple[str, bool]:
    """(category, inferred?): the cell when it names one, else the category whose words occur most."""
    cell = row.get("category", "")
    if cell in CATEGORIES:
        return cell, False
    text = f"{cell} {row.get('title', '')} {row.get('question', '')}"
    hits = {c: sum(text.count(w) for w in words) for c, words in CATEGORY_WORDS.items()}
    best = max(hits, key=lambda c: hits[c])
    return (best if hits[best] else "环保手续"), True


def question_of(row: dict[str, str]) -> tuple[str, str]:
    """(question, note): the letter's text when short enough, else its title."""
    text = re.sub(r"\s+", " ", row.get("question", "")).strip()
    title = re.sub(r"\s+", " ", row.get("title", "")).strip()
    if text and len(text) <= QUESTION_MAX:
        return text, ""
    if title:
        return cells.shorten(title, QUESTION_MAX)[0], ("来信内容过长，以标题作问题" if text else "")
    return cells.shorten(text, QUESTION_MAX)[0], "来信内容过长已截断"


def letter_key(mailbox: str, url: str | None, question: str, reply_date: str | None) -> str:
    return url_key(url) if url else f"{mailbox}|{re.sub(r'[^0-9A-Za-z一-鿿]', '', question)}|{reply_date or ''}"


def build(row: dict[str, str], mailbox: str | None) -> tuple[dict[str, Any], list[str], list[str]]:
    """(FAQ record, errors, notes) of one letter."""
    if "__error__" in row:
        return {}, [row["__error__"]], []
    if not row.get("answer"):
        return {}, ["信件尚无答复，不能作为常见问题导入"], []
    errors: list[str] = []
    notes: list[str] = []
    question, note = question_of(row)
    # A letter is the public's text: mask personal numbers in the file itself (the repository is public too),
    # not only on the pages.
    question = mask_text(question).replace("<", "＜").replace(">", "＞")  # “pH<6” in a letter; the field refuses < >
    if note:
        notes.append(note)
    answer, cut = cells.shorten(re.sub(r"[ \t]+", " ", row.get("answer", "")).strip(), ANSWER_MAX,
                                "……（全文见原文链接）" if row.get("url") else "……")
    if cut:
        notes.append("答复过长已截断")
    category, guessed = category_of(row)
    if guessed:
        notes.append(f"分类“{category}”按关键词推断")
    source: dict[str, Any] = {"mailbox": row.get("mailbox") or mailbox or ""}
    if not source["mailbox"]:
        errors.append("缺少信箱名称：加“信箱”列，或用 --mailbox 指定")
    try:
        reply = cells.optional_date(cells.fold(row["reply_date"]), "答复日期") if "reply_date" in row else None
    except CellError as exc:
        errors.append(str(exc))
        reply = None
    if reply:
        source["reply_date"] = reply
    if "url" in row:
        source["url"] = row["url"]
    if "office" in row:
        source["office"] = row["office"]
    rec: dict[str, Any] = {"question": question, "answer": mask_text(answer), "category": category, "source": source}
    if reply:
        rec["date"] = reply
    if "keywords" in row:
        rec["keywords"] = list(dict.fromkeys(k for k in re.split(r"[,，;；、\s]+", row["keywords"]) if k))[:20]
    key = letter_key(source["mailbox"], source.get("url"), question, reply)
    rec["id"] = f"faq-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
    skip = {"source"} if not source["mailbox"] else set()
    errors += store.schema_errors("faq", rec, skip=skip)
    return store.ordered("faq", rec), errors, notes


def existing_key(data: dict[str, Any]) -> str | None:
    source = data.get("source")
    if not isinstance(source, dict) or not source.get("mailbox"):
        return None
    return letter_key(source["mailbox"], source.get("url"), str(data.get("question", "")), source.get("reply_date"))


def import_letters(source: Path, data_dir: Path, *, mailbox: str | None = None, dry_run: bool = False) -> store.Report:
    on = store.today()
    rows, notes = read_rows(source, SPEC)
    report = store.Report(notes=notes)
    folder = data_dir / "faq"
    existing = store.scan(folder)
    by_key = {k: rid for rid, (_, d) in existing.items() if (k := existing_key(d))}
    by_url = {url_key(d["source"]["url"]): rid for rid, (_, d) in existing.items()
              if isinstance(d.get("source"), dict) and d["source"].get("url")}
    seen: dict[str, str] = {}
    for label, row in rows:
        rec, errors, row_notes = build(row, mailbox)
        if errors:
            report.rejected.append((label, errors))
            continue
        src = rec["source"]
        key = letter_key(src["mailbox"], src.get("url"), rec["question"], src.get("reply_date"))
        if key in seen:
            what = f"链接“{src['url']}”" if src.get("url") else "同一问题与答复日期"
            report.skipped.append((label, f"与{seen[key]}重复（{what}）"))
            continue
        seen[key] = label
        match = by_key.get(key) or (by_url.get(url_key(src["url"])) if src.get("url") else None)
        if match:
            rel = f"faq/{match}.yaml"
            report.skipped.append((label, f"已导入过，内容未变：{rel}" if store.same(rec, existing[match][1]) else
                                   f"已有同一信件的记录，内容不同（可能经人工修改），未覆盖：{rel}"))
            continue
        rec["id"] = store.free_id(rec["id"], set(existing))
        path = folder / f"{rec['id']}.yaml"
        store.put(path, rec, None, owned=False, on=on, dry_run=dry_run)
        existing[rec["id"]] = (path, rec)
        report.added.append((label, f"faq/{rec['id']}.yaml"))
        if row_notes:
            report.notes.append(f"{label}：{'；'.join(row_notes)}")
    return report


def cmd_import(args: argparse.Namespace) -> int:
    return store.run(args, import_letters, mailbox=args.mailbox)


def register(sub) -> None:
    p = sub.add_parser("import-letters", help="导入信箱公开信件为常见问题 (published mailbox letters -> FAQ)")
    store.add_common(p, "公开信件导出文件：CSV、Excel（.xlsx）或 JSON")
    p.add_argument("--mailbox", help="文件不含“信箱”列时的信箱名称，例如 生态环境部部长信箱")
    p.set_defaults(func=cmd_import)
