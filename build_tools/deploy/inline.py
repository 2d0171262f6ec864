"""Find what a `script-src 'self'; style-src 'self'` Content-Security-Policy would block in a page.

The shipped CSP allows no inline script or style, so every page must be free of: <script> blocks that a
browser executes, on…= event-handler attributes, javascript: URLs, <style> blocks and style="…" attributes.
Data blocks (<script type="application/json">) are not executed and are allowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

# Script types a browser executes (HTML's JavaScript MIME type essences, plus module and importmap).
EXECUTABLE_TYPES = frozenset({
    "", "module", "importmap", "application/ecmascript", "application/javascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1",
    "text/javascript1.2", "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript",
    "text/livescript", "text/x-ecmascript", "text/x-javascript"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href"})


@dataclass(frozen=True)
class Inline:
    """One thing the CSP would block: what it is, on which line, and its start (for the message)."""
    kind: str     # "script", "handler", "javascript-url", "style", "style-attribute"
    line: int
    excerpt: str

    def __str__(self) -> str:
        return f"line {self.line}: inline {self.kind}: {self.excerpt}"


def _script_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _is_javascript_url(value: str) -> bool:
    # Browsers strip leading whitespace/control characters and ignore tabs/newlines inside the scheme.
    compact = "".join(ch for ch in value if ch > " ").lower()
    return compact.startswith("javascript:")


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Inline] = []
        self._open: tuple[str, int] | None = None   # (kind, line) of an inline <script>/<style> being read
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(Inline("handler", line, f"<{tag} {name}=…>"))
            elif name == "style":
                self.found.append(Inline("style-attribute", line, f'<{tag} style="{(value or "")[:40]}">'))
            elif name in URL_ATTRIBUTES and value and _is_javascript_url(value):
                self.found.append(Inline("javascript-url", line, f"<{tag} {name}={value[:40]}>"))
        if tag == "script" and not values.get("src") and _script_type(values.get("type")) in EXECUTABLE_TYPES:
            self._open, self._text = ("script", line), []
        elif tag == "style":
            self._open, self._text = ("style", line), []

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            raw = "".join(self._text)
            if raw or self._open[0] == "style":   # browsers skip only a script whose text is empty
                self.found.append(Inline(self._open[0], self._open[1], " ".join(raw.split())[:60]))
            self._open = None


def inline_code(html: str) -> list[Inline]:
    """Every inline script/style construct of one HTML document, in document order."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
