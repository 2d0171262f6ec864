"""标准政策: searchable, filterable library and one page per document with its two-way links."""
from __future__ import annotations

import re
from typing import Any, Iterable

from ..compute.qa.retrieval import fold
from ..context import BuildContext
from ..records.model import Dataset, Record
from ..records.schemas import load_kinds
from .html import page, record
from .links import base_for, page_path
from .output import Output
from .relations import link_rows, referrers, resolve
from .synonyms import expansions

# Separators people type or omit in standard numbers ("GB 3095-2012", "gb3095", "HJ 2.2—2018").
# Same set in knowledge.js: the query is folded and compacted the same way, then matched as a substring.
_SEPARATORS = re.compile(r"[\s\-_/.·—–－]+")


def compact(text: str) -> str:
    return _SEPARATORS.sub("", fold(text))


def search_key(data: dict, synonyms: Any = None) -> str:
    """Everything a keyword may hit, compacted; standard numbers also without their /T, /Z suffix; synonyms."""
    doc_no = data.get("doc_no", "")
    variants = [doc_no, re.sub(r"(?i)^([a-z]+)/[tz]", r"\1", doc_no)]
    parts = [data["title"], *variants, data["kind"], data["issuer"], *data.get("keywords", []), data.get("summary", "")]
    parts += expansions(" ".join(p for p in parts if p), synonyms)  # 危废 finds 危险废物, 噪音 finds 噪声 (config/search.yaml)
    return "|".join(compact(p) for p in parts if p)


def choices(kind: str, field: str) -> list[str]:
    """Filter options in the schema's order (the enum), so the page shows every allowed value."""
    prop = load_kinds()[kind].schema["properties"][field]
    return list(prop.get("enum") or prop["items"]["enum"])


def rows(policies: list[Record], synonyms: Any = None) -> list[dict]:
    return [{"id": p.id, "data": p.data, "key": search_key(p.data, synonyms), "year": p.data["issue_date"][:4]}
            for p in policies]


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    policies = sorted(dataset.of("policy"), key=lambda r: (r.data["issue_date"], r.id), reverse=True)
    index_path = "policies/index.md"
    years = sorted({p.data["issue_date"][:4] for p in policies})
    yield Output(index_path, page("标准政策", "policy_index.html", cache=ctx.page_cache, base=base_for(index_path), rows=rows(policies, ctx.inputs.search if ctx.inputs else None),
                                  kinds=choices("policy", "kind"), domains=choices("policy", "domains"),
                                  statuses=choices("policy", "status"),
                                  issuers=sorted({p.data["issuer"] for p in policies}), years=years),
                 in_nav=True)
    explained_by = referrers(dataset, "policy", "interprets")
    answers = referrers(dataset, "faq", "policies")
    courses = referrers(dataset, "course", "policies")
    for p in policies:
        path = page_path("policy", p.id)
        base = base_for(path)
        d = p.data
        yield record(path, ctx.chrome, d["title"], "policy.html", cache=ctx.page_cache, base=base, description=d.get("summary", ""), policy=d,
                    interprets=link_rows(resolve(dataset, "policy", [d.get("interprets")]), "policy", base),
                    interpretations=link_rows(explained_by[p.id], "policy", base),
                    supersedes=link_rows(resolve(dataset, "policy", d.get("supersedes", [])), "policy", base),
                    superseded_by=link_rows(resolve(dataset, "policy", [d.get("superseded_by")]), "policy", base),
                    answers=link_rows(answers[p.id], "faq", base, label="question"),
                    courses=link_rows(courses[p.id], "course", base))
