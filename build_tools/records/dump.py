"""Writing records (and other YAML we generate): one set of dump settings for every writer.

The text reads like a hand-written record: keys in the given order, Chinese as is, multi-line text as
literal blocks, ISO dates unquoted (the loader keeps dates as ISO text either way), no line wrapping.
libyaml's emitter is used where available (about 10x faster: the generator writes millions of files).
"""
from __future__ import annotations

import re
from typing import IO, Any, overload

import yaml

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper (libyaml's when installed) with the string style below."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _ISO_DATE.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


Dumper.add_representer(str, _represent_str)


@overload
def dump_yaml(data: Any, stream: None = None) -> str: ...
@overload
def dump_yaml(data: Any, stream: IO[str]) -> None: ...


def dump_yaml(data: Any, stream: IO[str] | None = None) -> str | None:
    """YAML text of `data` (or written to `stream`)."""
    return yaml.dump(data, stream, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
