"""Links between records as renderers need them: who points at a record, and local files to copy."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..records import attachments
from ..records.model import Dataset, Record
from ..records.paths import display_path
from ..records.problems import InvalidData, Problem
from .links import url
from .output import Output


def ids_in(value) -> list[str]:
    """A reference field holds one id or a list of ids."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def referrers(dataset: Dataset, kind: str, field: str) -> dict[str, list[Record]]:
    """target id -> records of `kind` whose `field` names it (back links: interpretations, answers, courses)."""
    found: dict[str, list[Record]] = defaultdict(list)
    for rec in dataset.of(kind):
        for target in ids_in(rec.data.get(field)):
            found[target].append(rec)
    return found


def link_rows(records: Iterable[Record], kind: str, base: str, label: str = "title") -> list[dict]:
    """[{id, text, url, data}] for templates: the link text is a record field, the URL relative to the page."""
    return [{"id": r.id, "text": r.data.get(label, r.id), "url": base + url(kind, r.id), "data": r.data} for r in records]


def resolve(dataset: Dataset, kind: str, ids: Iterable[str | None]) -> list[Record]:
    """Records for a list of ids, in the listed order (validation guarantees they exist)."""
    index = dataset.index(kind)
    return [index[i] for i in ids if i in index]


def local_files(record: Record, urls: Iterable[str], folder: str) -> Iterable[Output]:
    """Copy files/... next to the record's page so relative links resolve. Only through
    attachments.read_linked: a file it refuses stops the build (fail closed), it is never copied."""
    for link in urls:
        if link.startswith("files/"):
            content = attachments.read_linked(record.path.parent, link)
            if isinstance(content, attachments.Refusal):
                raise InvalidData([Problem(display_path(record.path.parent / link), 0, "", content.message, content.english)])
            yield Output(f"{folder}/{link}", content)
