"""What a renderer produces: `Output` files, and the `Renderer` signature.

Kept apart from `render/__init__.py` so that the renderers import it without importing the
package that imports them (no import loop).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..context import BuildContext
from ..records.model import Dataset


@dataclass(frozen=True)
class Output:
    path: str              # path inside the docs tree, e.g. "agencies/demo-alpha.md"
    content: str | bytes
    in_nav: bool = False   # section pages are listed in mkdocs.yml's nav; record pages never are
    # A finished HTML page (record pages in the slim shell, render/shell.py): written straight into the site
    # by build_tools/write/standalone.py, never handed to mkdocs.
    standalone: bool = False
    title: str = ""        # standalone pages: plain-text title and summary, for a search index
    summary: str = ""
    searchable: bool = True


Renderer = Callable[[Dataset, BuildContext], Iterable[Output]]
