"""The directory's search/facet payload, loaded by directory.js: a small manifest (assets/data/directory.json:
lookup tables, the facet counts over all agencies, the list of row shards) read with the first screen, and the
rows in shards of SHARD agencies (assets/data/directory/rows-<k>.json) read only once the visitor searches,
filters, sorts or asks for more (`split`). The first screen is the first page of rows, rendered on the server.

It carries only what search, facets and the result rows need, in positional rows with
ids into shared lookup tables, so 10,000 agencies stay small once gzipped. Text that the
lookups already hold (type names, regions, qualification kinds) is not repeated per
agency: the browser joins it back into each agency's search text.

Row layout (ROW_FIELDS, also documented at the top of directory.js):
  [id, name, region, types, size, quals, zone, grade, score, projects, text, served]
  region   index into `regions` of the district ([name, parent index or -1] rows:
           province -> city -> district)
  types    indexes into `types`;  size: index into `sizes`;  quals: indexes into `quals`
  zone     1 when the agency has an office in the zone, else 0
  grade    index into `grades` (the last entry is UNRATED);  score: 0–100 or null
  text     extra search text: short name, town and street address, scope, qualification names, and the
           synonyms of words in the agency's text (config/search.yaml: 污水 finds 废水治理)
  served   indexes into `regions` of the provinces the agency serves: its registered province and its
           `service_regions` (the same rule as the demand hall's suggestions, compute/demands.covers)
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from ..records.schemas import enum_values
from .synonyms import expansions

ROW_FIELDS = ["id", "name", "region", "types", "size", "quals", "zone", "grade", "score", "projects", "text",
              "served"]
UNRATED = "未评价"


def business_types() -> tuple[str, ...]:
    return enum_values("common.schema.json", "$defs", "business_type")


UNKNOWN_SIZE = "未填报"


def company_sizes() -> tuple[str, ...]:
    return enum_values("agency.schema.json", "properties", "company_size")


def qualification_kinds() -> tuple[str, ...]:
    return enum_values("agency.schema.json", "properties", "qualifications", "items", "properties", "kind")


class _Table:
    """Values in first-seen order, each with a stable small integer id."""

    def __init__(self, initial: Iterable[Any] = ()):
        self.items: list[Any] = []
        self._ids: dict[Any, int] = {}
        for item in initial:
            self.id(item)

    def id(self, item: Any) -> int:
        if item not in self._ids:
            self._ids[item] = len(self.items)
            self.items.append(item)
        return self._ids[item]


ScoreOf = Callable[[str], Any]  # agency id -> AgencyScore-like (.total, .grade) or None


def score_lookup(scores: Any) -> ScoreOf:
    """`ctx.computed.get("scores")` may be absent (no scoring step yet): then nobody is rated."""
    return scores.latest if scores is not None else (lambda _id: None)


def search_text(agency: Mapping[str, Any], synonyms: Any = None) -> str:
    """Searchable text the lookup tables do not already carry, plus synonyms of what the agency says."""
    addr = agency["registered_address"]
    parts = [agency.get("short_name", ""), addr.get("town", ""), addr["detail"], agency.get("service_scope", "")]
    parts += [q["name"] for q in agency.get("qualifications", [])]
    own = " ".join(p for p in parts if p)
    said = " ".join([agency["name"], own, *agency.get("business_types", []),
                     *(q["kind"] for q in agency.get("qualifications", []))])
    return " ".join([own, *expansions(said, synonyms)]).strip()


def build_index(agencies: Iterable[Mapping[str, Any]], project_counts: Mapping[str, int],
                score_of: ScoreOf, synonyms: Any = None) -> dict[str, Any]:
    """The directory payload for `agencies` (record data dicts, masked), sorted by name for a stable file."""
    agencies = list(agencies)
    regions = _Table()
    types = _Table(business_types())
    sizes = company_sizes()
    # Records created from an official list have no size until their agency claims them.
    unknown_size = len(sizes) if any("company_size" not in a for a in agencies) else None
    quals = _Table(qualification_kinds())
    rows: list[list[Any]] = []
    graded: list[tuple[list[Any], str | None]] = []
    for a in sorted(agencies, key=lambda a: (a["name"], a["id"])):
        addr = a["registered_address"]
        province = regions.id((addr["province"], -1))
        city = regions.id((addr["city"], province))
        district = regions.id((addr["district"], city))
        score = score_of(a["id"])
        total = getattr(score, "total", None)
        row = [a["id"], a["name"], district,
               [types.id(t) for t in a.get("business_types", [])],
               sizes.index(a["company_size"]) if "company_size" in a else unknown_size,
               sorted({quals.id(q["kind"]) for q in a.get("qualifications", [])}),
               1 if a.get("office_in_zone") else 0,
               None,  # grade: filled once all grades are known
               None if total is None else round(float(total), 1),
               project_counts.get(a["id"], 0),
               search_text(a, synonyms),
               sorted({province, *(regions.id((p, -1)) for p in a.get("service_regions", []))})]
        rows.append(row)
        graded.append((row, getattr(score, "grade", None)))
    grades = sorted({g for _, g in graded if g}) + [UNRATED]
    for row, grade in graded:
        row[ROW_FIELDS.index("grade")] = grades.index(grade or UNRATED)
    return {
        "v": 1,
        "fields": ROW_FIELDS,
        "regions": [list(r) for r in regions.items],
        "types": types.items,
        "sizes": list(sizes) + ([UNKNOWN_SIZE] if unknown_size is not None else []),
        "quals": quals.items,
        "grades": grades,
        "rows": rows,
    }


SHARD = 2000   # rows per shard file (~400 KB raw, ~100 KB gzip)
SHARD_DIR = "assets/data/directory"


def facet_counts(payload: dict[str, Any]) -> dict[str, list[int]]:
    """Counts of every facet value over all rows, as directory.js computes them with no filter set
    (region: province, city and district each count the agency; zone: by value 0/1)."""
    f = {name: i for i, name in enumerate(payload["fields"])}
    regions = payload["regions"]
    counts = {"region": [0] * len(regions), "type": [0] * len(payload["types"]), "size": [0] * len(payload["sizes"]),
              "qual": [0] * len(payload["quals"]), "zone": [0, 0], "grade": [0] * len(payload["grades"]),
              "served": [0] * len(regions)}
    for row in payload["rows"]:
        district = row[f["region"]]
        city = regions[district][1]
        for region in (district, city, regions[city][1]):
            counts["region"][region] += 1
        for t in row[f["types"]]:
            counts["type"][t] += 1
        if row[f["size"]] is not None:
            counts["size"][row[f["size"]]] += 1
        for q in row[f["quals"]]:
            counts["qual"][q] += 1
        counts["zone"][row[f["zone"]]] += 1
        counts["grade"][row[f["grade"]]] += 1
        for p in row[f["served"]] or []:
            counts["served"][p] += 1
    return counts


def split(payload: dict[str, Any], shard: int = SHARD) -> tuple[dict[str, Any], list[list[list[Any]]]]:
    """(manifest, shards) of a `build_index` payload: the manifest holds everything but the rows."""
    rows = payload["rows"]
    shards = [rows[i:i + shard] for i in range(0, len(rows), shard)]
    manifest = {k: v for k, v in payload.items() if k != "rows"}
    manifest.update(total=len(rows), counts=facet_counts(payload),
                    shards=[f"directory/rows-{k}.json" for k in range(len(shards))])
    return manifest, shards
