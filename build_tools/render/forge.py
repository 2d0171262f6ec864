"""Deep links into the code forge's issue forms (the site's 'ways in').

The repository is mkdocs.yml's `repo_url` (the hook passes it in the build settings). GitHub
opens an issue form from `issues/new?template=<kind>.yml` and fills the title and any field
from query parameters named by the field's id (formspec `Field.form_id`), so a link from an
agency page can open the review form with the agency already filled in. Without a repo_url
(tests calling the pipeline directly) no form link is made and pages point to 办事指南 instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ..context import BuildContext
from ..records.schemas import load_kinds
from ..submit.forms import FORM_KINDS


@dataclass(frozen=True)
class Forge:
    repo_url: str = ""

    @property
    def enabled(self) -> bool:
        return self.repo_url.startswith(("https://", "http://"))

    def new_issue(self, kind: str, subject: str = "", **prefill: str) -> str:
        """URL of the `kind` issue form, title '[<kind title>] <subject>', fields prefilled by form id."""
        if kind not in FORM_KINDS:
            raise ValueError(f"no issue form for {kind}")
        if not self.enabled:
            return ""
        query = {"template": f"{kind}.yml"}
        if subject:
            query["title"] = f"[{load_kinds()[kind].title}] {subject}"
        query.update({key.replace(".", "-"): value for key, value in prefill.items() if value})
        return f"{self.repo_url.rstrip('/')}/issues/new?{urlencode(query)}"

    def pulls(self) -> str:
        return f"{self.repo_url.rstrip('/')}/pulls" if self.enabled else ""


def forge_of(ctx: BuildContext) -> Forge:
    return Forge(ctx.settings.repo_url)
