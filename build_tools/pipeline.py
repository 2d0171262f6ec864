"""The whole pipeline in one place: data/ -> load & validate -> compute -> render.

The mkdocs hook calls `prepare` once per build and `render` to get the files;
tests call the same two functions without mkdocs.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Iterator

from . import inputs
from .cache import pages as pagecache
from .compute import compute_all
from .compute.qa import index as qa_index
from .context import BuildContext
from .records import privacy
from .records.model import Dataset, Record
from .records.problems import InvalidData
from .records.validate import validate_tree
from .render import Output, iter_render, render_all
from .render.shell import Chrome
from .settings import Settings


@dataclasses.dataclass
class Prepared:
    dataset: Dataset          # validated records, as submitted (cross-record checks, tools)
    public: Dataset           # the same with personal numbers masked (compute and render read only these)
    ctx: BuildContext


def prepare(data_root: Path, settings: Settings | None = None) -> Prepared:
    """Load, validate (fail closed: any problem aborts), read the other inputs, compute."""
    settings = settings or Settings()
    dataset, problems = validate_tree(data_root, env=settings.env)
    if problems:
        raise InvalidData(problems)
    ctx = BuildContext(data_root=dataset.root, today=settings.today, settings=settings,
                       inputs=inputs.read(dataset.root, settings))
    public = mask_dataset(dataset)
    # Computed results are published too (e.g. the Q&A search index holds every answer's terms):
    # computing from the masked records keeps personal numbers out of them by construction.
    compute_all(public, ctx)
    return Prepared(dataset, public, ctx)


def qa_index_for(data_root: Path, config: dict[str, Any] | None = None) -> dict[str, Any]:
    # `config`: a Q&A configuration (config/qa.yaml's content); default the project's file
    """Load and validate a data folder and build its Q&A index, as the build does (benchmark and tests)."""
    dataset, problems = validate_tree(data_root)
    if problems:
        raise ValueError(f"{len(problems)} problems in {data_root}: {problems[0]}")
    return qa_index.build_index(dataset.of("faq"), dataset.index("policy"), config or inputs.load_qa())


def mask_dataset(dataset: Dataset) -> Dataset:
    masked = {kind: [_masked(r) for r in recs] for kind, recs in dataset.records.items()}
    return Dataset(dataset.root, masked)


def _masked(rec: Record) -> Record:
    data = privacy.mask(rec.data)
    return rec if data is rec.data else dataclasses.replace(rec, data=data)


def render(prepared: Prepared, cache: pagecache.Store | None = None, chrome: Chrome | None = None) -> list[Output]:
    """Render every output; with a page cache, pages whose inputs did not change come from it.
    With a `chrome` (render/shell.py), record pages come finished, as `standalone` outputs."""
    return render_all(prepared.public, dataclasses.replace(prepared.ctx, page_cache=cache, chrome=chrome))


def render_iter(prepared: Prepared, cache: pagecache.Store | None = None,
                chrome: Chrome | None = None) -> Iterator[Output]:
    """`render`, one output at a time (the mkdocs hook writes record pages as they come)."""
    return iter_render(prepared.public, dataclasses.replace(prepared.ctx, page_cache=cache, chrome=chrome))
