"""全站搜索 results page (search/): the form of every page's search box leads here with ?q=."""
from __future__ import annotations

from typing import Iterable

from ..context import BuildContext
from ..records.model import Dataset
from .html import page
from .links import base_for
from .output import Output

PATH = "search/index.md"


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    from ..search.records import KINDS  # late: search.records imports render.links (package import loop)
    yield Output(PATH, page("全站搜索", "search.html", cache=ctx.page_cache, base=base_for(PATH), kinds=KINDS,
                            search=False, description="搜索全站的机构、项目业绩、政策标准、问答、课程、需求和专家。"))
