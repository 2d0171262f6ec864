"""Site URLs of records, relative to the page that links to them (the site may live under a sub-path)."""
from __future__ import annotations

SECTIONS = {  # kind -> folder of its pages
    "agency": "agencies",
    "project": "projects",
    "demand": "demands",
    "policy": "policies",
    "course": "courses",
    "faq": "qa",
    "expert": "experts",
    "procedure": "procedures",
    "event": "events",
    "consultation": "consult",
    "news": "news",
}


def page_path(kind: str, record_id: str) -> str:
    """Docs-tree path of a record page, e.g. agencies/demo-alpha.md."""
    return f"{SECTIONS[kind]}/{record_id}.md"


def url(kind: str, record_id: str) -> str:
    """Root-relative URL (directory style) of a record page, e.g. agencies/demo-alpha/."""
    return f"{SECTIONS[kind]}/{record_id}/"


def base_for(path: str) -> str:
    """Prefix that leads from the page built from `path` back to the site root."""
    parts = path.split("/")
    depth = len(parts) - 1 if parts[-1] == "index.md" else len(parts)
    return "../" * depth
