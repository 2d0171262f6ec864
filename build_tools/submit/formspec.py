"""Form fields derived from a kind's JSON Schema, shared by the issue forms, the intake bot and `new`.

One place decides how a record is asked for: nested objects are flattened
(registered_address.province), enums become dropdowns, lists of objects become a
table textarea with one item per line ("字段1 | 字段2 | …"). Every field also knows
how to turn the text a person typed into a value for the record (`convert`), with
the normalisation people need: full-width digits and punctuation, phone numbers
with spaces, dates written as 2023年6月30日, stray whitespace.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.dump import dump_yaml
from ..records.schemas import SCHEMA_DIR, Kind, load_kinds, registry, submission_required

SEPARATOR = " | "                     # between the columns of one table row
LIST_SPLIT = re.compile(r"[\n,，、;；]+")  # between the items of a simple list
ROW_SPLIT = re.compile(r"[|｜]")
DROPDOWN_MAX_SPAN = 10                  # integers with at most this many values become a dropdown
TEXTAREA_MIN_LENGTH = 300               # strings allowed to be longer than this get a textarea
YES, NO = "是", "否"


class FormError(ValueError):
    """Text that cannot be read as the field asks (e.g. too many columns in a table row)."""


@dataclass(frozen=True)
class Field:
    key: str                      # dotted path in the record: name, registered_address.province, contacts
    label: str                    # Chinese form label, unique within a form
    widget: str                   # input | textarea | dropdown
    conv: str                     # converter: text, code, id, date, credit, phone, int, number, bool, enum, list, table
    required: bool
    description: str = ""
    options: tuple[str, ...] = ()
    multiple: bool = False
    group: str = ""               # title of the parent object for flattened fields
    ask_if: str = ""              # asked only when this yes/no field is yes (schema `x-ask-if`; `new` skips it)
    item: Field | None = None   # for simple lists: how one item is converted
    columns: tuple[Field, ...] = ()  # for tables: one field per column, keys relative to the item

    @property
    def form_id(self) -> str:
        return self.key.replace(".", "-")

    def convert(self, text: str) -> Any:
        """Text typed into the form -> value for the record; None when left empty."""
        return _CONVERTERS[self.conv](self, text)


# --- reading the schema -------------------------------------------------------

def _resolve(node: dict, resolver) -> tuple[dict, Any, str]:
    """Follow $ref, merging local keywords (title, description…) over the target. Returns the
    merged schema, the resolver for refs inside it, and the name of the last $defs entry used."""
    name = ""
    while "$ref" in node:
        ref = node["$ref"]
        resolved = resolver.lookup(ref)
        name = ref.rsplit("/", 1)[-1] if "/$defs/" in ref else name
        resolver = resolved.resolver
        node = {**resolved.contents, **{k: v for k, v in node.items() if k != "$ref"}}
    return node, resolver, name


def _conv_of(schema: dict, defname: str) -> str:
    fmt = schema.get("format", "")
    if fmt == "date":
        return "date"
    if fmt == "credit-code":
        return "credit"
    if defname in ("phone", "email", "url", "link", "id") or fmt in ("safe-url", "safe-link"):
        return "phone" if defname == "phone" else ("id" if defname == "id" else "code")
    return {"integer": "int", "number": "number", "boolean": "bool"}.get(str(schema.get("type")), "text")


def _hint(schema: dict, conv: str) -> str:
    desc = schema.get("description", "")
    if conv == "date" and "YYYY" not in desc:
        desc = (desc + " 格式 YYYY-MM-DD。").strip()
    return desc


def _scalar(key: str, label: str, schema: dict, defname: str, required: bool, group: str = "") -> Field:
    conv = _conv_of(schema, defname)
    desc = _hint(schema, conv)
    if "enum" in schema:
        return Field(key, label, "dropdown", "enum", required, desc, tuple(map(str, schema["enum"])), group=group)
    if conv == "bool":
        return Field(key, label, "dropdown", "bool", required, desc, (YES, NO), group=group)
    if conv == "int" and schema.get("maximum", 1e9) - schema.get("minimum", 0) < DROPDOWN_MAX_SPAN:
        opts = tuple(str(i) for i in range(int(schema["minimum"]), int(schema["maximum"]) + 1))
        return Field(key, label, "dropdown", "int", required, desc, opts, group=group)
    long_text = conv == "text" and (defname == "text" or schema.get("maxLength", 0) > TEXTAREA_MIN_LENGTH)
    return Field(key, label, "textarea" if long_text else "input", conv, required, desc, group=group)


def _columns(items: dict, resolver) -> tuple[Field, ...]:
    cols = []
    for name, sub in items.get("properties", {}).items():
        sub, _, defname = _resolve(sub, resolver)
        cols.append(_scalar(name, sub.get("title", name), sub, defname, name in items.get("required", [])))
    return tuple(cols)


def _table_description(title: str, desc: str, cols: tuple[Field, ...], max_items: int | None) -> str:
    lines = [desc] if desc else []
    lines.append(f"每行填写一项，各栏用竖线“|”分隔，顺序为：{SEPARATOR.join(c.label for c in cols)}。")
    required = [c.label for c in cols if c.required]
    optional = [c.label for c in cols if not c.required]
    if required:
        lines.append(f"必填栏：{'、'.join(required)}；" + (f"可留空的栏：{'、'.join(optional)}（留空时保留竖线）。" if optional else ""))
    for c in cols:
        if c.options:
            lines.append(f"{c.label}可选：{'、'.join(c.options)}。")
    lines += [f"{c.label}：{c.description}" for c in cols if c.conv == "phone" and c.description]
    dates = [c.label for c in cols if c.conv == "date"]
    if dates:
        lines.append(f"{'、'.join(dates)}格式 YYYY-MM-DD。")
    if max_items:
        lines.append(f"最多 {max_items} 行。")
    return "\n".join(lines)


def fields_of(kind: Kind, schema_dir: Path = SCHEMA_DIR) -> list[Field]:
    """Form fields of a record kind, in schema order (properties marked `"x-form": false` are not asked)."""
    resolver = registry(schema_dir).resolver(base_uri=kind.schema.get("$id", ""))
    required = submission_required(kind.schema)
    out: list[Field] = []
    for name, node in kind.schema.get("properties", {}).items():
        if node.get("x-form") is False:
            continue  # written by an importer or later by maintainers (agency `imported`, an expert's answer)
        sub, sub_resolver, defname = _resolve(node, resolver)
        title = sub.get("title", name)
        ask_if = node.get("x-ask-if", "")
        if sub.get("type") == "object":
            child_required = set(sub.get("required", []))
            for cname, cnode in sub.get("properties", {}).items():
                child, _, cdef = _resolve(cnode, sub_resolver)
                out.append(dataclasses.replace(
                    _scalar(f"{name}.{cname}", f"{title}·{child.get('title', cname)}", child, cdef,
                            name in required and cname in child_required, group=title), ask_if=ask_if))
            continue
        if sub.get("type") == "array":
            items, item_resolver, item_def = _resolve(sub.get("items", {}), sub_resolver)
            needed = name in required or sub.get("minItems", 0) > 0
            if items.get("type") == "object":
                cols = _columns(items, item_resolver)
                desc = _table_description(title, sub.get("description", ""), cols, sub.get("maxItems"))
                out.append(Field(name, title, "textarea", "table", needed, desc, columns=cols))
            elif "enum" in items:
                out.append(Field(name, title, "dropdown", "list", needed, sub.get("description", ""),
                                 tuple(map(str, items["enum"])), multiple=True,
                                 item=_scalar(name, title, items, item_def, True)))
            else:
                desc = (sub.get("description", "") + " 每行一项，或用顿号“、”分隔。").strip()
                out.append(Field(name, title, "textarea", "list", needed, desc,
                                 item=_scalar(name, title, items, item_def, True)))
            continue
        out.append(dataclasses.replace(_scalar(name, title, sub, defname, name in required), ask_if=ask_if))
    labels = [f.label for f in out]
    assert len(labels) == len(set(labels)), f"duplicate form labels in {kind.name}: {labels}"
    return out


def kind_fields(kind_name: str, schema_dir: Path = SCHEMA_DIR) -> list[Field]:
    return fields_of(load_kinds(schema_dir)[kind_name], schema_dir)


# --- writing YAML ----------------------------------------------------------------

def yaml_text(data: Any) -> str:
    text = dump_yaml(data)
    assert text is not None
    return text


# --- turning typed text into values ------------------------------------------

_FULLWIDTH_ALNUM = {**{0xFF10 + i: 0x30 + i for i in range(10)},
                    **{0xFF21 + i: 0x41 + i for i in range(26)},
                    **{0xFF41 + i: 0x61 + i for i in range(26)}, 0x3000: 0x20}


def half_width(text: str) -> str:
    """Full-width digits/letters/space -> ASCII, keeping Chinese punctuation (it belongs in Chinese text)."""
    return text.translate(_FULLWIDTH_ALNUM)


def squeeze(text: str) -> str:
    """Code-like values: NFKC (full-width punctuation too) and no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _text(f: Field, text: str) -> str | None:
    lines = [half_width(line).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    value = "\n".join(lines).strip()
    return value or None


def _code(f: Field, text: str) -> str | None:
    return squeeze(text) or None


def _id(f: Field, text: str) -> str | None:
    return squeeze(text).lower() or None


def _credit(f: Field, text: str) -> str | None:
    return squeeze(text).upper() or None


def _phone(f: Field, text: str) -> str | None:
    """'022 6628 1234' -> '022-66281234' (area code kept apart), '400 123 4567' -> '4001234567';
    written hyphens (full-width ones too) are kept as typed; a sealed number passes unchanged."""
    value = unicodedata.normalize("NFKC", text).replace("—", "-").strip()
    if "-" in value:
        return squeeze(value) or None
    groups = value.split()
    if len(groups) > 1 and groups[0].startswith("0") and len(groups[0]) in (3, 4):
        return groups[0] + "-" + "".join(groups[1:])
    return "".join(groups) or None


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def iso_date(text: str, real: bool = True) -> str | None:
    """2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日, full-width digits too (a time after the date is
    ignored) -> 2025-03-01; None when it is not written as a date, or (`real`) is no day of the calendar."""
    m = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d).isoformat() if real else f"{y:04d}-{mo:02d}-{d:02d}"
    except ValueError:
        return None


def _date(f: Field, text: str) -> str | None:
    """A date-shaped answer becomes ISO even if the day does not exist (2016-02-30): the schema check then
    names the date as the clerk typed it, in the form the record keeps; anything else is left as typed."""
    return iso_date(text, real=False) or squeeze(text) or None


def _number(f: Field, text: str) -> int | float | str | None:
    value = squeeze(text).replace(",", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return value  # left as text: the schema check says "应为数字"
    return int(number) if number.is_integer() and (f.conv == "int" or "." not in value) else number


def _bool(f: Field, text: str) -> bool | str | None:
    value = squeeze(text).lower()
    if not value:
        return None
    if value in (YES, "true", "yes", "y", "有"):
        return True
    if value in (NO, "false", "no", "n", "无"):
        return False
    return value


def _enum(f: Field, text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    wanted = squeeze(value)
    for option in f.options:
        if squeeze(option) == wanted:
            return option
    return value  # the schema check lists the allowed values


def _list(f: Field, text: str) -> list | None:
    assert f.item is not None
    values = [f.item.convert(part) for part in LIST_SPLIT.split(text)]
    return [v for v in values if v is not None] or None


def table_rows(text: str) -> list[str]:
    rows = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line or line.startswith("```"):
            continue
        rows.append(re.sub(r"^[-*]\s+", "", line))
    return rows


def convert_row(f: Field, row: str, number: int) -> dict:
    cells = [c.strip() for c in ROW_SPLIT.split(row)]
    if len(cells) > len(f.columns):
        raise FormError(f"第 {number} 行有 {len(cells)} 栏，最多 {len(f.columns)} 栏"
                        f"（顺序：{SEPARATOR.join(c.label for c in f.columns)}；内容中不能含竖线）")
    item = {}
    for col, cell in zip(f.columns, cells):
        value = col.convert(cell)
        if value is not None:
            item[col.key] = value
    return item


def _table(f: Field, text: str) -> list | None:
    rows = [convert_row(f, row, i) for i, row in enumerate(table_rows(text), 1)]
    return rows or None


_CONVERTERS = {"text": _text, "code": _code, "id": _id, "credit": _credit, "phone": _phone, "date": _date,
               "int": _number, "number": _number, "bool": _bool, "enum": _enum, "list": _list, "table": _table}


def set_value(record: dict, key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if rest:
        record.setdefault(head, {})[rest] = value
    else:
        record[head] = value


def required_groups(fields: list[Field], kind: Kind) -> list[str]:
    """Top-level objects that are required: always present, so missing children are named one by one."""
    required = submission_required(kind.schema)
    return [g for g in dict.fromkeys(f.key.split(".")[0] for f in fields if "." in f.key) if g in required]


def build_record(fields: list[Field], values: dict[str, Any], kind: Kind) -> dict:
    """Assemble a record (schema property order) from converted values keyed by field key."""
    record: dict[str, Any] = {}
    groups = set(required_groups(fields, kind))
    for f in fields:
        top = f.key.split(".")[0]
        if top in groups:
            record.setdefault(top, {})
        if values.get(f.key) is not None:
            set_value(record, f.key, values[f.key])
    return record
