"""The data model: what a loaded record is, and typed views of the kinds the compute stage reads.

Loading is generic (one `Record` type for every kind, driven by the schemas);
the typed dataclasses below are read-only views built from validated records,
so computations get attribute access and type checking instead of dict lookups.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Iterator, TypeVar, get_type_hints


@dataclass
class Record:
    kind: str
    id: str
    path: Path                       # absolute path of the YAML file
    data: dict[str, Any]
    # JSON pointer -> line. None until needed: bulk loading skips it (memory, speed) and
    # `line()` re-reads the file the first time a problem has to be reported.
    lines: dict[str, int] | None = field(default=None, repr=False)

    def line(self, pointer: str = "") -> int:
        """Line of a field, falling back to its nearest existing parent."""
        if self.lines is None:
            self.lines = _lines_of(self.path)
        while pointer and pointer not in self.lines:
            pointer = pointer.rsplit("/", 1)[0]
        return self.lines.get(pointer, 1)


class CachedRecord(Record):
    """A record from the bulk loader: `data` stays encoded and `path` unbuilt until first used.

    A validate run reads only `facts` (see crossfields.py) and the folder; decoding 1.6 M records'
    data was a third of a warm run, and a Path per file another tenth. Builds decode on first access."""

    def __init__(self, kind: str, id: str, path: Path | None, data: dict[str, Any] | None = None,
                 lines: dict[str, int] | None = None, *, blob: bytes | None = None,
                 facts: dict[str, Any] | None = None, folder: Path | None = None, name: str = ""):
        self.kind, self.id, self.lines, self.facts = kind, id, lines, facts
        self._data, self._blob = data, blob
        self._path, self.folder, self._name = path, folder if path is None else path.parent, name

    @property
    def data(self) -> dict[str, Any]:
        if self._blob is not None:
            self._data, self._blob = marshal.loads(self._blob), None
        return self._data  # type: ignore[return-value]

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self._data, self._blob = value, None

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = self.folder / self._name  # type: ignore[operator]
        return self._path

    @path.setter
    def path(self, value: Path) -> None:
        self._path, self.folder = value, value.parent

    def with_data(self, data: dict[str, Any]) -> CachedRecord:
        """The same record with other data, sharing the unbuilt path."""
        return CachedRecord(self.kind, self.id, self._path, data, self.lines, folder=self.folder, name=self._name)


def _lines_of(path: Path) -> dict[str, int]:
    from .safeyaml import YamlError, load_bytes  # late: the model does not depend on parsing otherwise
    try:
        return load_bytes(path.read_bytes()).lines
    except (OSError, YamlError):
        return {}


@dataclass
class Dataset:
    root: Path
    records: dict[str, list[Record]] = field(default_factory=dict)
    # Parsed but schema-invalid records: cross-record checks still see them, so
    # one bad file does not cascade into "unknown id" errors in every file pointing at it.
    rejected: dict[str, list[Record]] = field(default_factory=dict)

    def of(self, kind: str) -> list[Record]:
        return self.records.get(kind, [])

    def index(self, kind: str) -> dict[str, Record]:
        return {r.id: r for r in self.of(kind)}

    def get(self, kind: str, record_id: str) -> Record | None:
        return self.index(kind).get(record_id)

    def everything(self) -> Dataset:
        """Valid and rejected records together, for cross-record checks."""
        merged = {k: self.of(k) + self.rejected.get(k, []) for k in set(self.records) | set(self.rejected)}
        return Dataset(self.root, merged)

    def __iter__(self) -> Iterator[Record]:
        for recs in self.records.values():
            yield from recs

    def __len__(self) -> int:
        return sum(len(v) for v in self.records.values())


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


T = TypeVar("T")


@cache
def _fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """(field name, holds a date) per field: worked out once per class, not per record (300k views at 10k agencies)."""
    hints = get_type_hints(cls)
    return tuple((f.name, "date" in str(hints[f.name])) for f in dataclasses.fields(cls))


def view(cls: type[T], record: Record) -> T:
    """Build a typed view from a validated record: dates become `date`, absent optionals get defaults."""
    data = record.data
    kwargs = {}
    for name, is_date in _fields(cls):  # type: ignore[arg-type]  # a class is hashable; the stub's Hashable check misses type[T]
        if name in data:
            value = data[name]
            kwargs[name] = parse_date(value) if is_date and isinstance(value, str) else value
    return cls(**kwargs)


@dataclass(frozen=True)
class Qualification:
    name: str
    kind: str
    number: str
    issuer: str
    valid_until: dt.date


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    credit_code: str
    registered_address: dict[str, str]
    registered_on: dt.date
    business_types: list[str] = field(default_factory=list)  # optional: agencies may register without types
    # Required of what agencies submit; absent while a record created from an official list is unclaimed.
    office_in_zone: bool | None = None
    company_size: str | None = None
    resident_staff: int | None = None
    staff_total: int | None = None
    qualified_staff: int | None = None
    service_regions: list[str] = field(default_factory=list)
    qualifications: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    disclosure: list[dict[str, Any]] = field(default_factory=list)

    @property
    def province(self) -> str:
        return self.registered_address["province"]

    def quals(self) -> list[Qualification]:
        return [Qualification(q["name"], q["kind"], q["number"], q["issuer"], dt.date.fromisoformat(q["valid_until"]))
                for q in self.qualifications]


@dataclass(frozen=True)
class Project:
    id: str
    agency: str
    name: str
    client: str
    type: str
    start_date: dt.date
    status: str
    location: dict[str, str]
    disclosed_on: dt.date
    end_date: dt.date | None = None
    client_in_zone: bool | None = None
    amount: float | None = None


@dataclass(frozen=True)
class EnterpriseReview:
    id: str
    enterprise: str
    agency: str
    project: str
    date: dt.date
    scores: dict[str, int]
    comment: str | None = None


@dataclass(frozen=True)
class ManagementReview:
    id: str
    reviewer: str
    agency: str
    year: int
    score: float
    date: dt.date
    findings: str | None = None


@dataclass(frozen=True)
class Demand:
    id: str
    title: str
    source: str
    notice_type: str
    region: dict[str, str]
    demand_type: str
    publisher: str
    publish_date: dt.date
    status: str
    deadline: dt.date | None = None
    budget: dict[str, float] | None = None
    notice_no: str | None = None
    url: str | None = None


VIEWS: dict[str, type] = {
    "agency": Agency,
    "project": Project,
    "enterprise_review": EnterpriseReview,
    "management_review": ManagementReview,
    "demand": Demand,
}


def views(dataset: Dataset, kind: str) -> list[Any]:
    """Typed views of every record of `kind`, in load order."""
    return [view(VIEWS[kind], r) for r in dataset.of(kind)]
