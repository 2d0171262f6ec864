"""Record kinds are defined by the JSON Schemas in schemas/: nothing here is per-kind.

Each top-level schema carries `x-kind` (its name), `x-files` (glob under data/),
`x-id-from` ("stem": id = file name, "parent": id = folder name) and optionally
`x-date-order` (pairs of date fields that must not go backwards). Fields that
point at another record carry `x-ref: <kind>`; a field whose links must be
mirrored by a field of the target record carries `x-inverse: <that field>`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from jsonschema import ValidationError
from referencing import Registry, Resource

from .codes import is_credit_code

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    glob: str
    id_from: str
    schema: dict[str, Any]
    date_order: tuple[tuple[str, str], ...] = ()
    refs: tuple[tuple[str, str], ...] = field(default=())  # (field path with [] for arrays, target kind)
    inverses: tuple[tuple[str, str], ...] = field(default=())  # (field, field of the target that must point back)


def _collect_refs(schema: dict, registry_docs: dict[str, dict], prefix: str = "") -> list[tuple[str, str]]:
    """Find `x-ref` annotations on top-level properties and array items."""
    found = []
    for name, sub in schema.get("properties", {}).items():
        if "x-ref" in sub:
            found.append((prefix + name, sub["x-ref"]))
        items = sub.get("items", {})
        if isinstance(items, dict) and "x-ref" in items:
            found.append((prefix + name + "[]", items["x-ref"]))
    return found


@lru_cache(maxsize=4)
def load_kinds(schema_dir: Path = SCHEMA_DIR) -> dict[str, Kind]:
    kinds = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "x-kind" not in schema:
            continue
        kinds[schema["x-kind"]] = Kind(
            name=schema["x-kind"],
            title=schema.get("title", schema["x-kind"]),
            glob=schema["x-files"],
            id_from=schema.get("x-id-from", "stem"),
            schema=schema,
            date_order=tuple(tuple(p) for p in schema.get("x-date-order", [])),
            refs=tuple(_collect_refs(schema, {})),
            inverses=tuple((name, sub["x-inverse"]) for name, sub in schema.get("properties", {}).items()
                           if "x-inverse" in sub),
        )
    return kinds


@lru_cache(maxsize=4)
def registry(schema_dir: Path = SCHEMA_DIR) -> Registry:
    resources = []
    for path in sorted(schema_dir.glob("*.schema.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((doc.get("$id", path.name), Resource.from_contents(doc)))
    return Registry().with_resources(resources)


# --- patterns with JSON Schema's (ECMA-262) meaning ------------------------
def _ecma_to_python(pattern: str) -> str:
    """`$` outside a character class becomes `\\Z`: in Python `$` also matches before a final newline,
    so "^[a-z0-9-]+$" accepted "dm-0006\\n". With re.ASCII, `\\d` and `\\w` are ASCII as in ECMA-262
    (Python's `\\d` accepted full-width digits)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":  # "[]..." : a literal ] first in the class
                out.append("[]")
                i += 2
                continue
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A schema `pattern` compiled with its JSON Schema meaning; every check of a pattern uses this."""
    return re.compile(_ecma_to_python(pattern), re.ASCII)


def matches(pattern: str, value: str) -> bool:
    return compile_pattern(pattern).search(value) is not None


def _strict_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# The validator every record check uses: Draft 2020-12 with patterns as JSON Schema means them.
StrictValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _strict_pattern})


# --- custom formats -------------------------------------------------------
format_checker = jsonschema.Draft202012Validator.FORMAT_CHECKER.__class__()
for _name, _func in jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers.items():
    format_checker.checkers[_name] = _func


@format_checker.checks("credit-code")
def _credit_code(value: object) -> bool:
    return not isinstance(value, str) or is_credit_code(value)


def is_safe_url(value: str) -> bool:
    """Absolute http(s) URL with a host; rejects javascript:, data:, protocol-relative, etc."""
    if any(c in value for c in "<>\"' \t\r\n\\"):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


_REL = re.compile(r"files/[A-Za-z0-9_\-./\u4e00-\u9fa5]+")


def is_safe_link(value: str) -> bool:
    """A safe URL, or a relative path inside the record's files/ folder (no traversal)."""
    if is_safe_url(value):
        return True
    return bool(_REL.fullmatch(value)) and ".." not in value.split("/") and "//" not in value


@format_checker.checks("safe-url")
def _safe_url(value: object) -> bool:
    return not isinstance(value, str) or is_safe_url(value)


@format_checker.checks("safe-link")
def _safe_link(value: object) -> bool:
    return not isinstance(value, str) or is_safe_link(value)


@lru_cache(maxsize=32)
def validator(kind: str, schema_dir: Path = SCHEMA_DIR) -> jsonschema.Draft202012Validator:
    k = load_kinds(schema_dir)[kind]
    return StrictValidator(k.schema, registry=registry(schema_dir), format_checker=format_checker)


@cache
def enum_values(file: str, *path: str) -> tuple[str, ...]:
    """Allowed values of a schema field in the schema's order, e.g. enum_values("agency.schema.json",
    "properties", "company_size"): lists and facets show them in that order."""
    node = json.loads((SCHEMA_DIR / file).read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return tuple(node["enum"])


def submission_required(schema: dict[str, Any]) -> set[str]:
    """Top-level fields a submitted record must have: `required`, plus those required unless an importer's
    marker is present (`"if": {"not": {"required": [marker]}}, "then": {"required": [...]}`), since forms
    and people never write that marker (agency.schema.json: `imported`)."""
    out = set(schema.get("required", []))
    cond = schema.get("if", {})
    if isinstance(cond, dict) and set(cond) == {"not"} and set(cond["not"]) == {"required"}:
        out |= set(schema.get("then", {}).get("required", []))
    return out

