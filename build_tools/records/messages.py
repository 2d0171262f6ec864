"""Turn jsonschema errors into sentences a bureau clerk understands (Chinese, English alongside)."""
from __future__ import annotations

import re
from typing import Any

import jsonschema

_TYPES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true（是）或 false（否）；YAML 文件中请写 true 或 false，不要写汉字",
          "array": "列表（每项以“- ”开头）", "object": "一组子字段", "null": "空"}

_FORMATS = {
    "date": "日期格式不正确或日期不存在，应为 YYYY-MM-DD，例如 2023-06-30",
    "credit-code": "校验不通过：应为 18 位，按 GB 32100-2015 计算校验位，请对照营业执照核对",
    "safe-url": "网址格式不正确或不安全：须以 https:// 或 http:// 开头，不允许 javascript: 等",
    "safe-link": "链接须为 https:// 网址，或 files/ 目录下的相对路径（不得包含 ..）",
}


def field_path(path: list[Any] | tuple[Any, ...]) -> str:
    """['contacts', 0, 'phone'] -> 'contacts[0].phone'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def pointer(path: list[Any] | tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _resolve(schema: dict, resolver) -> dict:
    while "$ref" in schema and resolver is not None and "properties" not in schema and "items" not in schema:
        resolved = resolver.lookup(schema["$ref"])
        resolver = resolved.resolver
        schema = {**resolved.contents, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def title_of(root: dict, path: list[Any], registry) -> str:
    """The Chinese title of the field at `path`, following $ref where needed."""
    schema: dict = root
    resolver = registry.resolver(base_uri=root.get("$id", "")) if registry is not None else None
    title = root.get("title", "")
    for part in path:
        if "$ref" in schema and resolver is not None:
            resolved = resolver.lookup(schema["$ref"])
            resolver = resolved.resolver
            schema = {**resolved.contents, **{k: v for k, v in schema.items() if k != "$ref"}}
        if isinstance(part, int):
            schema = schema.get("items", {}) if isinstance(schema.get("items"), dict) else {}
        else:
            extra = schema.get("additionalProperties")
            schema = schema.get("properties", {}).get(part, extra if isinstance(extra, dict) else {})
        if "$ref" in schema and "title" not in schema and resolver is not None:  # a leaf that is only a $ref
            title = resolver.lookup(schema["$ref"]).contents.get("title", title if isinstance(part, int) else "")
        else:
            title = schema.get("title", title if isinstance(part, int) else "")
    return title


def explain(error: jsonschema.ValidationError, root: dict, registry=None) -> tuple[list[Any], str, str]:
    """Return (path of the field concerned, Chinese sentence, English gloss)."""
    path = list(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = re.match(r"'(.+?)' is a required property", error.message)
        name = missing.group(1) if missing else "?"
        path = path + [name]
        title = title_of(root, path, registry)
        return path, f"缺少必填字段「{title or name}」（{name}）", f"missing required field {name!r}"
    title = title_of(root, path, registry)
    label = f"「{title}」" if title else ""
    value: Any = error.instance
    # the stubs allow Unset/bool for hand-made errors; a validator's errors carry the (dict) subschema
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if v == "additionalProperties":
        # From the instance, not the message text: a hostile key containing "(" or "'" would garble that.
        known = schema.get("properties", {})
        extra = sorted((k for k in error.instance if k not in known), key=str) if isinstance(error.instance, dict) else []
        names = "、".join(extra)
        return path + ([extra[0]] if len(extra) == 1 else []), \
            f"不认识的字段 {names}，请检查拼写或删除（可填写的字段见 schemas/ 中的说明）", f"unknown field(s) {extra}"
    if v == "type":
        want: Any = error.validator_value
        want = [want] if isinstance(want, str) else want
        return path, f"{label}应为{'或'.join(_TYPES.get(t, t) for t in want)}，现在是“{_short(value)}”", f"expected {want}"
    if v in ("enum", "const"):
        allowed: Any = error.validator_value if v == "enum" else [error.validator_value]
        return path, f"{label}的取值“{_short(value)}”不在允许范围内，可选：{'、'.join(map(str, allowed))}", \
            f"value not allowed; choose one of {allowed}"
    if v == "format":
        return path, f"{label}{_FORMATS.get(str(error.validator_value), '格式不正确')}（现为“{_short(value)}”）", \
            f"invalid {error.validator_value}"
    if v == "pattern":
        hint = schema.get("description") or "请检查是否含有不允许的字符（例如 < >）或格式"
        return path, f"{label}格式不正确：{hint}（现为“{_short(value)}”）", "does not match the required pattern"
    if v == "minLength":
        return path, f"{label}内容太短，至少 {error.validator_value} 个字", "too short"
    if v == "maxLength":
        return path, f"{label}内容太长，最多 {error.validator_value} 个字（现有 {len(value)} 个）", "too long"
    if v in ("minimum", "exclusiveMinimum"):
        return path, f"{label}数值应不小于 {error.validator_value}（现为 {value}）", "below minimum"
    if v in ("maximum", "exclusiveMaximum"):
        return path, f"{label}数值应不大于 {error.validator_value}（现为 {value}）", "above maximum"
    if v == "minItems":
        return path, f"{label}至少需要填写 {error.validator_value} 项", "too few items"
    if v == "maxItems":
        return path, f"{label}最多只能填写 {error.validator_value} 项", "too many items"
    if v == "uniqueItems":
        return path, f"{label}中有重复的项，请删除重复项", "duplicate items"
    if v in ("oneOf", "anyOf", "not"):
        hint = schema.get("description") or "填写方式不符合要求"
        return path, f"{label}{hint}", f"{v} failed"
    return path, f"{label}不符合要求：{error.message}", error.message


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
