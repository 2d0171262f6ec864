"""The one error type every stage reports: file, line, field, and a sentence a clerk understands."""
from __future__ import annotations

from dataclasses import dataclass

from .textsafe import printable


@dataclass(frozen=True, order=True)
class Problem:
    file: str           # path relative to the data root's parent (as the PR shows it)
    line: int           # 1-based; 0 when the whole file is concerned
    field: str          # dotted field path, e.g. contacts[0].phone; "" for the whole file
    message: str        # Chinese, for the clerk
    english: str = ""   # optional English gloss for maintainers

    def __str__(self) -> str:
        """One line; record text quoted in a message (a field name, a value) cannot reach the terminal
        or the CI log as control characters."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" 字段 {self.field}：" if self.field else " "
        gloss = f" ({self.english})" if self.english else ""
        return printable(f"{where}:{field}{self.message}{gloss}")


def github_annotation(p: Problem) -> str:
    """A GitHub Actions workflow command: shown on the PR's changed line."""
    def esc(value: str, prop: bool = False) -> str:
        value = printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value
    where = f"file={esc(p.file, True)}" + (f",line={p.line}" if p.line else "")
    title = f",title={esc('字段 ' + p.field, True)}" if p.field else ""
    gloss = f" ({p.english})" if p.english else ""
    return f"::error {where}{title}::{esc(p.message + gloss)}"


class InvalidData(Exception):
    """Raised to fail a build closed: carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
