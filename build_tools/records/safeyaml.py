"""Safe, size-limited YAML loading that keeps the line of every field.

Records are untrusted text from pull requests, so we never construct arbitrary
Python objects (SafeLoader only), refuse anchors/aliases (the "billion laughs"
expansion needs them and records never do), refuse duplicate keys (YAML would
silently keep the last one and lose data), and cap file size before parsing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is ~10x faster; fall back to pure Python where it is missing
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader  # type: ignore[assignment,misc]  # same interface, other class



class _FastLoader(_Loader):
    """The loader with tag resolution of plain scalars by one table lookup. The composer calls
    `resolve` (pure Python) for every value of every record; the general version was a tenth of
    the parse time. Same table, same order, same result (tests/test_safeyaml.py compares them)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _BY_FIRST_CHAR.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


assert not _Loader.yaml_path_resolvers  # path resolvers would need the general `resolve`
_WILDCARD = tuple(_Loader.yaml_implicit_resolvers.get(None, []))
_BY_FIRST_CHAR = {first: tuple(resolvers) + _WILDCARD
                  for first, resolvers in _Loader.yaml_implicit_resolvers.items() if first is not None}

MAX_BYTES = 256 * 1024  # a record is a page of text; anything larger is a mistake or an attack
MAX_NODES = 20_000
MAX_DEPTH = 32   # records nest 3 levels; deep nesting only serves to exhaust the stack
# libyaml's composer recurses in C and crashes the process (segfault) somewhere past 20,000 levels.
# A text with fewer collection indicators than this cannot nest that deep, so only texts with more
# get the (slower) event pass that measures depth before composing.
_C_SAFE_INDICATORS = 5_000

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


class YamlError(Exception):
    """A record that cannot be read at all; `line` is 1-based (0 = whole file)."""

    def __init__(self, message: str, line: int = 0, english: str = ""):
        super().__init__(message)
        self.message, self.line, self.english = message, line, english


@dataclass
class Parsed:
    data: Any
    lines: dict[str, int] = field(default_factory=dict)  # JSON pointer -> 1-based line


def decode(raw: bytes, max_bytes: int = MAX_BYTES) -> str:
    """Bytes to text: size cap, UTF-8 only (a BOM is accepted and dropped)."""
    if len(raw) > max_bytes:
        raise YamlError(f"文件过大（{len(raw)} 字节，上限 {max_bytes} 字节），请拆分或精简内容",
                        english=f"file larger than {max_bytes} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError("文件不是 UTF-8 编码（可能是 GBK），请用编辑器“另存为 UTF-8”后重新提交",
                        line, "file is not UTF-8; save it as UTF-8") from None


def parse(text: str, with_lines: bool = True) -> Parsed:
    """Parse one YAML document into plain data plus a pointer->line map.

    `with_lines=False` skips the line map (the fast path of bulk loading: lines are
    only needed to report a problem, and `Record.line` re-parses the file then)."""
    if sum(text.count(c) for c in "[{-:?") > _C_SAFE_INDICATORS:
        _check_depth(text)
    loader = _FastLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(f"YAML 语法错误：{exc.problem or exc}（请检查缩进、冒号后的空格和引号）",
                        line, f"YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML 无法解析：{exc}", english="YAML error") from None
    finally:
        loader.dispose()
    if root is None:
        raise YamlError("文件为空", english="empty file")
    out = Parsed(None)
    seen: set[int] = set()
    out.data = _build(root, "", out.lines if with_lines else None, seen, loader)
    return out


def _too_deep(line: int) -> YamlError:
    return YamlError(f"嵌套层级过深（超过 {MAX_DEPTH} 层），记录不需要这样的结构", line, "nesting too deep")


def _check_depth(text: str) -> None:
    """Measure nesting on the event stream (libyaml's parser keeps its own stack: no recursion)."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark.line + 1 if event.start_mark else 0)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: composing reports it with its line
    finally:
        loader.dispose()


# Scalar constructors called directly: `construct_object` adds per-node bookkeeping we do not need
# (no aliases, no recursion), and it was a third of the parse time. Strings need no construction.
_SCALARS = {tag: _Loader.yaml_constructors[tag] for tag in _PLAIN_TAGS if tag.rsplit(":", 1)[1] not in ("seq", "map")}
_STR = "tag:yaml.org,2002:str"


def _build(node: yaml.Node, pointer: str, lines: dict[str, int] | None, seen: set[int], loader,
           depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise _too_deep(node.start_mark.line + 1)
    if id(node) in seen:
        raise YamlError("不支持 YAML 锚点/别名（& 和 *），请直接写出内容", node.start_mark.line + 1,
                        "anchors/aliases are not allowed")
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        raise YamlError("记录过于庞大，请精简", node.start_mark.line + 1, "too many nodes")
    if lines is not None:
        lines[pointer] = node.start_mark.line + 1
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag not in _PLAIN_TAGS:
        raise YamlError(f"不支持的 YAML 标签 {node.tag}，请只填写普通文字、数字、日期和列表",
                        node.start_mark.line + 1, f"unsupported tag {node.tag}")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("不支持 YAML 合并键（<<）", key_node.start_mark.line + 1, "merge keys not allowed")
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("字段名必须是简单文字", key_node.start_mark.line + 1, "complex key")
            key = str(key_node.value)
            if key in result:
                raise YamlError(f"字段“{key}”重复出现，请删除多余的一处", key_node.start_mark.line + 1,
                                f"duplicate key {key!r}")
            child = f"{pointer}/{_escape(key)}" if lines is not None else ""
            result[key] = _build(value_node, child, lines, seen, loader, depth + 1)
            if lines is not None:
                lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        if lines is None:
            return [_build(item, "", None, seen, loader, depth + 1) for item in node.value]
        return [_build(item, f"{pointer}/{i}", lines, seen, loader, depth + 1) for i, item in enumerate(node.value)]
    if tag == _TIMESTAMP:
        return node.value  # keep dates as ISO text: the schema checks them, JSON has no date type
    return _SCALARS[tag](loader, node)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def load_bytes(raw: bytes, max_bytes: int = MAX_BYTES, with_lines: bool = True) -> Parsed:
    return parse(decode(raw, max_bytes), with_lines)
