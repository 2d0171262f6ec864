"""The whole pipeline in one place: data/ -> load & validate -> compute -> render.

The mkdocs hook calls `prepare` once per build and `render` to get the files;
tests call the same two functions without mkdocs.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .cache import pages as pagecache
from .records import privacy
from .compute import compute_all
from .context import BuildContext
from .records.model import Dataset
from .records.problems import InvalidData
from .render.output import Output
from .render import render_all
from .records.validate import validate_tree


@dataclasses.dataclass
class Prepared:
    dataset: Dataset          # validated records, as submitted (cross-record checks, tools)
    public: Dataset           # the same with personal numbers masked (compute and render read only these)
    ctx: BuildContext


def prepare(data_root: Path, config: dict[str, Any] | None = None) -> Prepared:
    """Load, validate (fail closed: any problem aborts), compute."""
    dataset, problems = validate_tree(data_root)
    if problems:
        raise InvalidData(problems)
    ctx = BuildContext(data_root=dataset.root, config=config or {})
    public = mask_dataset(dataset)
    # Computed results are published too (e.g. the Q&A search index holds every answer's terms):
    # computing from the masked records keeps personal numbers out of them by construction.
    compute_all(public, ctx)
    return Prepared(dataset, public, ctx)


def mask_dataset(dataset: Dataset) -> Dataset:
    masked = {kind: [dataclasses.replace(r, data=privacy.mask(r.data)) for r in recs]
              for kind, recs in dataset.records.items()}
    return Dataset(dataset.root, masked)


def render(prepared: Prepared, cache: pagecache.Store | None = None) -> list[Output]:
    """Render every output; with a page cache, pages whose inputs did not change come from it."""
    pagecache.activate(cache)
    try:
        return render_all(prepared.public, prepared.ctx)
    finally:
        pagecache.activate(None)
