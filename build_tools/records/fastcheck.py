"""A compiled yes/no schema check: the fast path of validation.

jsonschema spends most of its time resolving `$ref`s and building validator
objects for every sub-schema of every record (~400 µs a record). Almost every
record is valid, so we first ask a plain-closure check compiled once per kind
from the same schemas; only records it rejects go through jsonschema, which
then produces the (unchanged) error messages. The compiler knows exactly the
keywords our schemas use and refuses any other, so a schema change can never
make the fast path silently weaker: `compile_kind` raises and `load` falls
back to jsonschema for that kind. tests/test_fastcheck.py checks that both
agree on valid, invalid and randomly mutated records.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from jsonschema import _utils as js_utils

from .schemas import SCHEMA_DIR, compile_pattern, format_checker, load_kinds, registry

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "examples", "default", "$comment"}


class Unsupported(Exception):
    """The schema uses a keyword the compiler does not know: use jsonschema for this kind."""


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    # jsonschema counts 3.0 as an integer, and never True
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or v.is_integer()),
}


class _Compiler:
    def __init__(self, schema_dir: Path):
        self.registry = registry(schema_dir)

    def compile(self, schema: Any, resolver) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-") or key in ("then", "else"):
                continue
            checks.append(self.keyword(key, value, schema, resolver))
        if len(checks) == 1:
            return checks[0]
        return _all_of(checks)

    def keyword(self, key: str, value: Any, schema: dict, resolver) -> Check:  # noqa: C901 - one case a keyword
        if key == "$ref":
            resolved = resolver.lookup(value)
            return self.compile(resolved.contents, resolved.resolver)
        if key == "type":
            kinds = [value] if isinstance(value, str) else value
            tests = [_TYPES[k] for k in kinds]
            if len(tests) == 1:
                return tests[0]
            return lambda v: any(t(v) for t in tests)
        if key == "enum":
            if all(isinstance(e, str) for e in value):  # jsonschema's equal() is == when one side is text
                texts = frozenset(value)
                return lambda v: isinstance(v, str) and v in texts
            return lambda v: any(js_utils.equal(v, e) for e in value)
        if key == "const":
            return lambda v: js_utils.equal(v, value)
        if key == "pattern":
            search = compile_pattern(value).search  # the same compiled pattern as jsonschema's check
            return lambda v: not isinstance(v, str) or search(v) is not None
        if key == "format":
            if value not in format_checker.checkers:
                return lambda v: True  # jsonschema ignores unknown formats too
            return lambda v: format_checker.conforms(v, value)
        if key in ("minLength", "maxLength"):
            ok = (lambda n: n >= value) if key == "minLength" else (lambda n: n <= value)
            return lambda v: not isinstance(v, str) or ok(len(v))
        if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            ok = {"minimum": lambda n: n >= value, "maximum": lambda n: n <= value,
                  "exclusiveMinimum": lambda n: n > value, "exclusiveMaximum": lambda n: n < value}[key]
            return lambda v: not _is_number(v) or ok(v)
        if key in ("minItems", "maxItems"):
            ok = (lambda n: n >= value) if key == "minItems" else (lambda n: n <= value)
            return lambda v: not isinstance(v, list) or ok(len(v))
        if key == "uniqueItems":
            return (lambda v: not isinstance(v, list) or js_utils.uniq(v)) if value else (lambda v: True)
        if key == "required":
            names = frozenset(value)
            return lambda v: not isinstance(v, dict) or v.keys() >= names
        if key == "properties":
            return _properties({name: self.compile(sub, resolver) for name, sub in value.items()})
        if key == "additionalProperties":
            if "patternProperties" in schema:
                raise Unsupported("patternProperties")
            known = set(schema.get("properties", {}))
            extra = self.compile(value, resolver)
            return lambda v: not isinstance(v, dict) or all(extra(v[k]) for k in v.keys() - known)
        if key == "items":
            if not isinstance(value, (dict, bool)):
                raise Unsupported("items as a list")
            return _items(self.compile(value, resolver))
        if key == "if":
            cond = self.compile(value, resolver)
            then = self.compile(schema.get("then", True), resolver)
            other = self.compile(schema.get("else", True), resolver)
            return lambda v: then(v) if cond(v) else other(v)
        if key in ("allOf", "anyOf", "oneOf"):
            subs = [self.compile(s, resolver) for s in value]
            if key == "allOf":
                return lambda v: all(s(v) for s in subs)
            if key == "anyOf":
                return lambda v: any(s(v) for s in subs)
            return lambda v: sum(1 for s in subs if s(v)) == 1
        if key == "not":
            sub = self.compile(value, resolver)
            return lambda v: not sub(v)
        raise Unsupported(key)


# Plain loops instead of all(<generator>): this check runs on every record of a cold run, and a
# generator per property and per list was half its time.
def _all_of(checks: list[Check]) -> Check:
    def check(v: Any) -> bool:
        for c in checks:
            if not c(v):
                return False
        return True
    return check


def _properties(props: dict[str, Check]) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for k, x in v.items():
            c = props.get(k)
            if c is not None and not c(x):
                return False
        return True
    return check


def _items(item: Check) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, list):
            return True
        for x in v:
            if not item(x):
                return False
        return True
    return check


@lru_cache(maxsize=32)
def compile_kind(kind: str, schema_dir: Path = SCHEMA_DIR) -> Check:
    """The yes/no check of one record kind; raises Unsupported when the schema needs jsonschema."""
    schema = load_kinds(schema_dir)[kind].schema
    compiler = _Compiler(schema_dir)
    return compiler.compile(schema, compiler.registry.resolver(base_uri=schema.get("$id", "")))


@lru_cache(maxsize=32)
def checker(kind: str, schema_dir: Path = SCHEMA_DIR) -> Check | None:
    """compile_kind, or None when the kind must always use jsonschema."""
    try:
        return compile_kind(kind, schema_dir)
    except Unsupported:
        return None
