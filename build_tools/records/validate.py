"""Stage 1b: checks that span records (unique ids, references, ownership by folder, date order).

Schema checks live in load.py; everything here needs more than one record or
the record's place in the tree. All functions return problems, never raise.
"""
from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..settings import Environment, environment
from . import attachments, crossfields, messages
from .crossfields import Facts
from .divisions import divisions
from .load import gc_paused, load
from .model import CachedRecord, Dataset, Record
from .paths import display_path
from .problems import Problem
from .schemas import SCHEMA_DIR, is_safe_link, load_kinds


def _values(data: dict, field: str) -> Iterator[tuple[str, Any]]:
    """Yield (json pointer, value) for `field` or `field[]` (array items)."""
    if field.endswith("[]"):
        name = field[:-2]
        for i, v in enumerate(data.get(name) or []):
            yield f"/{name}/{i}", v
    elif field in data:
        yield f"/{field}", data[field]


def _problem(rec: Record, pointer: str, message: str, english: str) -> Problem:
    parts = [int(x) if x.isdigit() else x for x in pointer.strip("/").split("/") if x]
    field = messages.field_path(parts)
    return Problem(display_path(rec.path), rec.line(pointer), field, message, english)


def unique_ids(dataset: Dataset) -> list[Problem]:
    out = []
    for records in dataset.records.values():
        first: dict[str, Record] = {}
        for rec in records:
            if rec.id in first:
                out.append(_problem(rec, "/id", f"编号“{rec.id}”与 {display_path(first[rec.id].path)} 重复",
                                    "duplicate id"))
            else:
                first[rec.id] = rec
    return out


def references(dataset: Dataset, schema_dir: Path = SCHEMA_DIR) -> list[Problem]:
    out = []
    kinds = load_kinds(schema_dir)
    # Rejected records still count as existing: one bad file must not cascade into
    # "unknown id" errors in every file that points at it.
    everything = dataset.everything()
    ids = {k: {r.id for r in everything.of(k)} for k in kinds}
    for kind in kinds.values():
        for field, target in kind.refs:
            known = ids.get(target, set())
            single = not field.endswith("[]")
            for rec in dataset.of(kind.name):
                data = rec.data
                one = data.get(field) if single else None
                if isinstance(one, str) and one in known:
                    continue  # the common case, without making a pointer
                for ptr, value in _values(data, field):
                    if not isinstance(value, str):
                        continue  # wrong type: the schema check already reported it
                    if value not in known:
                        title = kinds[target].title if target in kinds else target
                        out.append(_problem(rec, ptr, f"找不到编号为“{value}”的{title}，请核对编号",
                                            f"unknown {target} id {value!r}"))
    return out


def date_order(dataset: Dataset, schema_dir: Path = SCHEMA_DIR) -> list[Problem]:
    out = []
    for kind in load_kinds(schema_dir).values():
        titles = {k: v.get("title", k) for k, v in kind.schema.get("properties", {}).items()}
        for rec in dataset.of(kind.name):
            data = rec.data
            for first, second in kind.date_order:
                a, b = data.get(first), data.get(second)
                if isinstance(a, str) and isinstance(b, str) and b < a:  # ISO dates compare correctly as text
                    out.append(_problem(rec, f"/{second}", f"「{titles[second]}」（{b}）不能早于「{titles[first]}」（{a}）",
                                        f"{second} is before {first}"))
    return out


def _ids_in(data: dict, field: str) -> list[tuple[str, Any]]:
    """(pointer, value) of a field that holds one id or a list of ids."""
    return list(_values(data, field + "[]" if isinstance(data.get(field), list) else field))


def inverse_links(dataset: Dataset, schema_dir: Path = SCHEMA_DIR) -> list[Problem]:
    """Two-way links (`x-inverse`): if A.field names B, B.inverse must name A, and the other way round.

    E.g. a standard that `supersedes` an old one must be that one's `superseded_by`,
    so the old page links to its successor and the new page back to what it replaced.
    """
    out = []
    kinds = load_kinds(schema_dir)
    for kind in kinds.values():
        titles = {k: v.get("title", k) for k, v in kind.schema.get("properties", {}).items()}
        for field, inverse in kind.inverses:
            target_kind = dict(kind.refs).get(field) or dict(kind.refs).get(field + "[]")
            if target_kind is None:
                continue
            targets = dataset.index(target_kind)
            pairs = [(field, inverse), (inverse, field)]
            for rec in dataset.of(kind.name):
                for this, back in pairs:
                    for ptr, value in _ids_in(rec.data, this):
                        other = targets.get(value)
                        if other is None:
                            continue  # unknown id: reported by references()
                        if rec.id not in [v for _, v in _ids_in(other.data, back)]:
                            out.append(_problem(rec, ptr, f"「{titles[this]}」填写了“{value}”，但“{value}”的「{titles[back]}」"
                                                          f"没有指回“{rec.id}”，两条记录须互相对应",
                                                f"{this} -> {value} is not mirrored by its {back}"))
    return out


def folder_ownership(dataset: Dataset) -> list[Problem]:
    """A project lives in its agency's folder: the `agency` field must name that folder."""
    out = []
    owners: dict[Path, str] = {}  # records of one folder share its Path: no Path per record
    for rec in dataset.of("project"):
        folder = (rec.folder if isinstance(rec, CachedRecord) else None) or rec.path.parent
        owner = owners.get(folder)
        if owner is None:
            owner = owners[folder] = folder.parent.name
        if rec.data.get("agency") != owner:
            out.append(_problem(rec, "/agency", f"项目放在机构“{owner}”的目录下，但 agency 填的是“{rec.data.get('agency')}”",
                                "project agency does not match its folder"))
    return out


def reviews_match_projects(dataset: Dataset) -> list[Problem]:
    """An enterprise review counts only for a real project of that agency, by that project's client."""
    out = []
    projects = dataset.index("project")
    for rec in dataset.of("enterprise_review"):
        ref = rec.data.get("project")
        proj = projects.get(ref) if isinstance(ref, str) else None  # other types: reported by the schema
        if proj is None:
            continue  # reported by references()
        if proj.data.get("agency") != rec.data.get("agency"):
            out.append(_problem(rec, "/project", f"项目“{proj.id}”不属于机构“{rec.data.get('agency')}”，评价须针对该机构自己的项目",
                                "review points at a project of another agency"))
        if proj.data.get("client") != rec.data.get("enterprise"):
            out.append(_problem(rec, "/enterprise", f"评价企业须为该项目的委托企业“{proj.data.get('client')}”",
                                "reviewer is not the project's client"))
        if rec.data.get("date", "") < proj.data.get("start_date", ""):
            out.append(_problem(rec, "/date", "评价日期不能早于项目开始日期", "review predates the project"))
    return out


def unique_credit_codes(dataset: Dataset) -> list[Problem]:
    """One agency, one folder: a second folder with an agency's credit code is a clone (it would collect
    reviews and scores under the real agency's name). Each copy is reported, naming the others."""
    out = []
    by_code: dict[str, list[Record]] = defaultdict(list)
    for rec in dataset.of("agency"):
        code = rec.data.get("credit_code")
        if isinstance(code, str):
            by_code[code].append(rec)
    for code, recs in by_code.items():
        if len(recs) < 2:
            continue
        for rec in recs:
            others = "、".join(display_path(o.path) for o in recs if o is not rec)
            out.append(_problem(rec, "/credit_code", f"统一社会信用代码“{code}”已由 {others} 登记：同一机构只能有一个目录，"
                                                     "请修改原有记录，不要另建目录", "credit code registered twice"))
    return out


def budget_ranges(dataset: Dataset) -> list[Problem]:
    """A demand's budget range must not go backwards (JSON Schema cannot compare two fields)."""
    out = []
    for rec in dataset.of("demand"):
        b = rec.data.get("budget")
        low, high = (b.get("min"), b.get("max")) if isinstance(b, dict) else (None, None)
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and high < low:
            out.append(_problem(rec, "/budget/max", f"「预算上限」（{high} 元）不能低于「预算下限」（{low} 元）",
                                "budget max is below min"))
    return out


def agency_divisions(dataset: Dataset) -> list[Problem]:
    """An agency's addresses and service regions name real divisions, province → city → district (GB/T 2260,
    config/divisions.json): “天津省” or a misspelt district would split the directory's region facets."""
    table = divisions()
    out = []
    for rec in dataset.of("agency"):
        for field in ("registered_address", "office_address"):
            a = rec.data.get(field)
            if isinstance(a, dict) and isinstance(a.get("province"), str):
                for level, zh, en in table.check(a["province"], a.get("city"), a.get("district")):
                    out.append(_problem(rec, f"/{field}/{level}", zh, en))
        regions = rec.data.get("service_regions")
        for i, province in enumerate(regions if isinstance(regions, list) else []):
            if isinstance(province, str):
                out += [_problem(rec, f"/service_regions/{i}", zh, en) for _, zh, en in table.check(province)]
    return out


def local_files(dataset: Dataset) -> list[Problem]:
    """Relative links (files/...) must point at a regular file committed next to the record, reached
    without any symbolic link (each path component lstat-checked: a link would publish whatever it
    points at). What the file may contain is checked on the file itself (load.attachment_problems)."""
    out = []
    for rec in dataset:
        for ptr, value in _links(rec.data, ""):
            if not value.startswith("files/") or not is_safe_link(value):
                continue  # unsafe links (.., NUL, …) are reported by the schema check
            folder = rec.path.parent
            link = attachments.symlink_in_path(folder, value)
            if link is not None:
                out.append(_problem(rec, ptr, f"链接的文件“{value}”经过符号链接或不是普通文件（{link}），请提交文件本身",
                                    "linked file is reached through a symbolic link"))
            elif not _regular_file(folder / value):
                out.append(_problem(rec, ptr, f"链接的文件“{value}”不存在，请把文件一并提交到 {display_path(folder / 'files')}",
                                    "linked file is missing"))
    return out


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _links(node: Any, ptr: str, out: list | None = None) -> list[tuple[str, str]]:
    """(pointer, value) of every `url` text; a list, not a generator: this runs on every record."""
    out = [] if out is None else out
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "url" and isinstance(v, str):
                out.append((f"{ptr}/{k}", v))
            elif isinstance(v, (dict, list)):
                _links(v, f"{ptr}/{k}", out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, (dict, list)):
                _links(v, f"{ptr}/{i}", out)
    return out


# Checks that tolerate any value types also run on schema-rejected records as they are; the others
# see rejected records without their faulty fields, so one run still reports as much as possible.
ROBUST_CHECKS = (local_files, unique_ids, references)
TYPED_CHECKS = (date_order, inverse_links, folder_ownership, reviews_match_projects, budget_ranges, unique_credit_codes,
                agency_divisions)


def cross_check(dataset: Dataset, problems: Sequence[Problem] = (), env: Environment | None = None) -> list[Problem]:
    """Cross-record problems of valid and rejected records; `problems` are the schema problems found so far."""
    out: list[Problem] = []
    view = facts_view(dataset, env=env)
    everything = view.everything()
    for check in ROBUST_CHECKS:
        out += check(everything)
    typed = without_faulty_fields(view, problems).everything()
    for check in TYPED_CHECKS:
        out += check(typed)
    return out


def facts_view(dataset: Dataset, schema_dir: Path = SCHEMA_DIR, env: Environment | None = None) -> Dataset:
    """The records with their data cut down to their facts: all the checks read (crossfields.py),
    and for cached records all that is decoded."""
    kinds = load_kinds(schema_dir)
    strict = crossfields.strict(env)

    def cut(rec: Record) -> Record:
        if rec.kind not in kinds:
            return rec
        facts = getattr(rec, "facts", None)
        if facts is None:
            facts = crossfields.facts(kinds[rec.kind], rec.data, schema_dir)
        if strict:
            facts = Facts(facts, crossfields.fields(rec.kind, schema_dir))
        if isinstance(rec, CachedRecord):
            return rec.with_data(facts)
        return Record(rec.kind, rec.id, rec.path, facts, rec.lines)

    return Dataset(dataset.root, {k: [cut(r) for r in recs] for k, recs in dataset.records.items()},
                   {k: [cut(r) for r in recs] for k, recs in dataset.rejected.items()})


def without_faulty_fields(dataset: Dataset, problems: Sequence[Problem]) -> Dataset:
    """Rejected records minus every top-level field the schema complained about (so types can be trusted)."""
    faulty: dict[str, set[str]] = defaultdict(set)
    for p in problems:
        faulty[p.file].add(re.split(r"[.\[]", p.field, maxsplit=1)[0])
    rejected = {kind: [dataclasses.replace(r, data={k: v for k, v in r.data.items()
                                                    if k not in faulty[display_path(r.path)]})
                       for r in recs]
                for kind, recs in dataset.rejected.items()}
    return Dataset(dataset.root, dataset.records, rejected)


def validate_tree(root: Path, paths: list[Path] | None = None,
                  env: Environment | None = None) -> tuple[Dataset, list[Problem]]:
    """Full validation: schema problems of the chosen files plus cross-record problems of the whole tree.

    With `paths`, only those files are schema-checked and reported, but references
    are still resolved against every record (a PR touching one file can still break a link).
    """
    env = env or environment()  # PLATFORM_CACHE, PLATFORM_JOBS, PLATFORM_STRICT_FACTS: read once per run
    dataset, problems = load(root, env=env)
    with gc_paused():
        problems += cross_check(dataset, problems, env)
    if paths is not None:  # as the loader names them: under the resolved root, without following links
        given, resolved = os.path.abspath(root), root.resolve()
        chosen = {display_path(resolved / os.path.relpath(os.path.abspath(p), given)) for p in paths}
        problems = [p for p in problems if p.file in chosen]
    return dataset, sorted(set(problems))


def by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        grouped[p.file].append(p)
    return grouped
