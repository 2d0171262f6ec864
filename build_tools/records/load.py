"""Stage 1: find record files, read them safely, check each against its kind's schema.

One generic loader for every kind; a record that fails is reported (file, line,
field, Chinese sentence) and left out of the dataset, so callers decide whether
to fail closed (the build does) or carry on (the validate command lists all).
"""
from __future__ import annotations

import fnmatch
import gc
import marshal
import multiprocessing
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import validation as cache_mod
from ..cache.statindex import SIGNATURE, StatIndex, signature
from ..cache.validation import Entry, Stored
from ..settings import Environment, environment
from . import attachments, crossfields, fastcheck, messages, personal, privacy, textsafe
from .model import CachedRecord, Dataset, Record
from .paths import display_path, kind_of, record_id
from .problems import Problem
from .safeyaml import MAX_BYTES, YamlError, load_bytes
from .schemas import SCHEMA_DIR, Kind, load_kinds, registry, validator


def walk(root: Path, kinds: dict[str, Kind]) -> tuple[list[tuple[Kind, Path]], list[Path]]:
    """Record files per kind (kinds in order, files sorted) and stray YAML files."""
    found, strays = scan(root, kinds)
    return [(kind, root / rel) for kind, rel in found], [root / rel for rel in strays]


def scan(root: Path, kinds: dict[str, Kind]) -> tuple[list[tuple[Kind, str]], list[str]]:
    """Record files and stray YAML files under `root` (see `survey`)."""
    s = survey(root, kinds)
    return s.found, s.strays


# Entries no data folder may hold, whoever wrote them: why each is refused (Chinese, English).
SYMLINK = ("不允许符号链接：请提交文件本身。链接会把别的目录或构建机器上的文件当作本目录的内容读取和发布",
           "symbolic link")
NOT_REGULAR = ("不是普通文件（命名管道、设备或套接字），数据目录中只能有普通文件和文件夹", "not a regular file")
BAD_NAME = ("文件名含有控制字符或不是 UTF-8 编码，请改名", "file name has control characters or is not UTF-8")
FILES = "files"  # a record's attachments folder; everything below it is an attachment


@dataclass
class Survey:
    """What one walk of a data root found (paths as '/'-joined text relative to the root)."""
    found: list[tuple[Kind, str]] = field(default_factory=list)   # record files, per kind
    strays: list[str] = field(default_factory=list)               # YAML files matching no kind
    refused: list[tuple[str, tuple[str, str]]] = field(default_factory=list)  # (path, why) links, FIFOs...
    attachments: list[str] = field(default_factory=list)          # regular files under a files/ folder


def survey(root: Path, kinds: dict[str, Kind]) -> Survey:
    """Walk `root` once, never following a symbolic link: record files per kind (kinds in order, files
    sorted), stray YAML files, attachments, and every entry that must not be there at all.

    Every entry is classified by its own type (lstat semantics, from the directory entry): a symbolic
    link anywhere (to a file or a folder, e.g. `files -> /`) and a FIFO, socket or device are refused
    and never read, so a link cannot make another folder's or the build machine's files look like this
    folder's, and a FIFO named *.yaml cannot hang the run. Kinds are matched once per folder and then
    by file name only, and no Path is made per file: at 1.6 M files, per-file globbing and Path objects
    cost more than reading the folders. Unreadable folders are skipped; folders come in sorted order,
    so each kind's files come in the order of their path parts."""
    patterns = [(kind, [re.compile(fnmatch.translate(part)) for part in Path(kind.glob).parts])
                for kind in kinds.values()]
    found: dict[str, list[str]] = {k: [] for k in kinds}
    out = Survey()
    stack: list[tuple[str, str, list[str]]] = [(str(root), "", [])]
    while stack:
        folder, rel_dir, parts = stack.pop()
        files, subdirs = [], []
        prefix = rel_dir + "/" if rel_dir else ""
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_symlink():
                        out.refused.append((prefix + name, SYMLINK))
                    elif _bad_name(name):
                        out.refused.append((prefix + name, BAD_NAME))
                    elif entry.is_dir(follow_symlinks=False):
                        subdirs.append(name)
                    elif entry.is_file(follow_symlinks=False):
                        files.append(name)
                    else:
                        out.refused.append((prefix + name, NOT_REGULAR))
        except OSError:
            continue
        if FILES in parts:
            out.attachments += [prefix + name for name in sorted(files)]
        else:
            here = [(kind.name, pats[-1].match) for kind, pats in patterns
                    if len(pats) == len(parts) + 1 and all(p.match(x) for p, x in zip(pats, parts))]
            for name in sorted(files):
                for kind, match in here:
                    if match(name):
                        found[kind].append(prefix + name)
                        break
                else:
                    if name.endswith((".yaml", ".yml")) and (parts[0] if parts else name) not in AUXILIARY:
                        out.strays.append(prefix + name)
        for name in sorted(subdirs, reverse=True):  # popped in sorted order
            stack.append((f"{folder}/{name}", prefix + name, parts + [name]))
    out.found = [(kinds[k], rel) for k, rels in found.items() for rel in rels]
    out.strays.sort(key=lambda r: r.split("/"))
    out.refused.sort(key=lambda r: r[0].split("/"))
    return out


def _bad_name(name: str) -> bool:
    """A name with control characters (a newline would forge log lines) or undecodable bytes."""
    return textsafe.unsafe_char(name) is not None or "\n" in name or "\r" in name or "\t" in name


def load_file(kind: Kind, path: Path, schema_dir: Path = SCHEMA_DIR,
              max_bytes: int = MAX_BYTES) -> tuple[Record | None, list[Problem]]:
    """Read and schema-check one file. Returns the record (None when unparseable) and its problems;
    a record with problems must not be published."""
    shown = display_path(path)
    rid = record_id(kind, path)
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            why = SYMLINK if stat.S_ISLNK(st.st_mode) else NOT_REGULAR
            return None, [Problem(shown, 0, "", *why)]
        raw = _read(str(path), st.st_size, max_bytes)
    except OSError as exc:
        return None, [Problem(shown, 0, "", f"无法读取文件：{exc.strerror}", str(exc))]
    data, found = check_bytes(kind, rid, raw, schema_dir, max_bytes)
    return (None if data is None else Record(kind.name, rid, path, data)), [Problem(shown, *f) for f in found]


def check_bytes(kind: Kind, rid: str, raw: bytes, schema_dir: Path = SCHEMA_DIR,
                max_bytes: int = MAX_BYTES) -> Entry:
    """The load result of one file's bytes: (data or None, problems as (line, field, message, english)).

    Fast path first (parse without the line map, compiled check); a record it rejects is read
    again with line numbers and explained by jsonschema, so messages never depend on the fast path."""
    try:
        data = load_bytes(raw, max_bytes, with_lines=False).data
    except YamlError as exc:
        return None, [(exc.line, "", exc.message, exc.english)]
    if not isinstance(data, dict):
        return None, [(1, "", "记录应为“字段: 值”形式的一组字段", "top level must be a mapping")]
    fast = fastcheck.checker(kind.name, schema_dir)
    unsafe = textsafe.may_contain_unsafe(raw) and next(textsafe.unsafe_in(data), None) is not None
    if fast is not None and fast(data) and data.get("id") in (None, rid) and not unsafe \
            and not _holds_numbers(raw, data):
        return data, []
    parsed = load_bytes(raw, max_bytes)
    rec = Record(kind.name, rid, Path(), parsed.data, parsed.lines)
    problems = []
    reg = registry(schema_dir)
    for error in validator(kind.name, schema_dir).iter_errors(parsed.data):
        fpath, zh, en = messages.explain(error, kind.schema, reg)
        problems.append((rec.line(messages.pointer(fpath)), messages.field_path(fpath), zh, en))
    if parsed.data.get("id") not in (None, rec.id):
        where = "所在目录名" if kind.id_from == "parent" else "文件名"
        problems.append((rec.line("/id"), "id", f"编号“{parsed.data.get('id')}”须与{where}“{rec.id}”一致",
                         "id must equal the file/folder name"))
    if unsafe:
        for upath, ch in textsafe.unsafe_in(parsed.data):
            problems.append((rec.line(messages.pointer(upath)), messages.field_path(upath),
                             f"含有控制字符 {textsafe.codepoint(ch)}（不可见字符，常由复制粘贴带入），请删除后重新提交",
                             f"control character {textsafe.codepoint(ch)}"))
    return parsed.data, with_personal_numbers(rec, problems)


def _holds_numbers(raw: bytes, data: dict) -> bool:
    """A full mobile / ID number in some value? One regex over the text rules out almost every file."""
    return personal.may_hold_numbers(raw.decode("utf-8", "replace")) and bool(personal.in_record(data))


def with_personal_numbers(rec: Record, problems: list) -> list:
    """Add a problem for every full mobile / ID number in the record. A schema complaint about the
    same field goes: it would quote the number, and the personal-number sentence says what to do."""
    hits = personal.in_record(rec.data)
    if not hits:
        return problems
    fields = {messages.field_path(path) for path, _ in hits}
    kept = [p for p in problems if p[1] not in fields]
    return kept + [(rec.line(messages.pointer(path)), messages.field_path(path),
                    *(_link_message(hit) if path and path[-1] in privacy.LINKS else
                      (personal.message(hit), personal.ENGLISH)))
                   for path, hit in hits]


def _link_message(hit: personal.Found) -> tuple[str, str]:
    """A number in a link: sealing cannot help (the link is published as it is, never masked)."""
    return (f"链接中含有{hit.label}（{personal.mask_of(hit.number)}）：链接按原样公开，不做遮盖，也不能加密。"
            "请去掉号码；若是附件，请给文件改名并同步修改链接", "personal number in a link")


def load(root: Path, schema_dir: Path = SCHEMA_DIR, paths: list[Path] | None = None,
         env: Environment | None = None) -> tuple[Dataset, list[Problem]]:
    """Load every record under `root` (or only `paths`), returning valid records and all problems:
    the records' own, and those of every entry of the tree that may not be there (symbolic links,
    FIFOs, attachments that cannot be published). `env` (PLATFORM_CACHE, PLATFORM_JOBS) is read from
    the environment when not given."""
    given = Path(os.path.abspath(root))
    root = root.resolve()
    kinds = load_kinds(schema_dir)
    if os.path.islink(given):
        return Dataset(root, {k: [] for k in kinds}), [Problem(display_path(given), 0, "", *SYMLINK)]
    found: list[tuple[Kind, str]] = []
    s = Survey()
    if paths is None:
        s = survey(root, kinds)
        found = s.found
    else:
        for p in paths:  # lexically inside the root: resolving would follow a link to its target
            rel = Path(os.path.relpath(os.path.abspath(p), given))
            k = kind_of(root / rel, root, kinds) if rel.parts and rel.parts[0] != ".." else None
            if k is not None and attachments.symlink_in_path(root, rel.as_posix()) is None:
                found.append((k, rel.as_posix()))
    with gc_paused():
        targets = _targets(root, found)
        dataset = Dataset(root, {k: [] for k in kinds})
        problems: list[Problem] = []
        for (kind, rid, folder, name, _), (found_problems, facts, data) in zip(
                targets, load_stored(targets, root, schema_dir, full=paths is None, env=env)):
            if found_problems:
                problems += [Problem(display_path(folder / name), *f) for f in found_problems]
            if facts is not None:
                # kept encoded unless loaded without a cache or workers
                rec = CachedRecord(kind.name, rid, None, None if isinstance(data, bytes) else data,
                                   blob=data if isinstance(data, bytes) else None,
                                   facts=facts, folder=folder, name=name)
                (dataset.rejected.setdefault(kind.name, []) if found_problems else dataset.records[kind.name]).append(rec)
    problems += stray_problems([root / rel for rel in s.strays])
    problems += [Problem(display_path(root / rel), 0, "", *why) for rel, why in s.refused]
    problems += attachment_problems(root, s.attachments)
    return dataset, problems


def attachment_problems(root: Path, rels: list[str]) -> list[Problem]:
    """Every file in a files/ folder must be publishable (attachments.py), linked or not: the tree
    holds nothing the site must not serve."""
    out = []
    for rel in rels:
        why = attachments.refusal(root / rel)
        if why is not None:
            out.append(Problem(display_path(root / rel), 0, "", why.message, why.english))
    return out


# What the bulk loader works on: (kind, record id, folder, file name, path relative to the root)
Target = tuple[Kind, str, Path, str, str]


def _targets(root: Path, found: list[tuple[Kind, str]]) -> list[Target]:
    """Ids from the relative paths as text, and one Path per folder (not per file: 1.6 M Paths took seconds)."""
    folders: dict[str, Path] = {}
    out = []
    for kind, rel in found:
        folder, _, name = rel.rpartition("/")
        parent = folders.get(folder)
        if parent is None:
            parent = folders[folder] = root / folder
        rid = (folder.rpartition("/")[2] or root.name) if kind.id_from == "parent" else _stem(name)
        out.append((kind, rid, parent, name, rel))
    return out


def _stem(name: str) -> str:
    """PurePath.stem of a file name."""
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


@contextmanager
def gc_paused():
    """Bulk loading makes millions of objects and no reference cycles: the cycle collector would
    re-scan all of them again and again (it was 40 % of a warm run at 1.6 M records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- bulk loading: stat index + content-hash cache + worker processes -----------------------------
PARALLEL_MIN = 2000  # below this many files to read, starting workers costs more than it saves


def jobs(env: Environment | None = None) -> int:
    """Worker processes: PLATFORM_JOBS, else one per core."""
    return max(1, (env or environment()).jobs or os.cpu_count() or 1)


_worker_state: dict = {}  # set before forking: workers inherit the cache and the schema dir

# One file to look at: (kind, record id, absolute path, stat signature or b"" when not taken yet)
Job = tuple[str, str, str, bytes]


def _worker_start() -> None:
    """A worker inherits the parent's heap: freeze it, so collecting never walks it (and copies its pages)."""
    gc.freeze()


def _load_chunk(chunk: list[Job]) -> bytes:
    """Worker: `_check_files` as marshal bytes. Not pickled objects: the data inside is already
    encoded, so the parent only copies bytes (its time per record limited parallel loading).
    The cycle collector stays paused as in the parent (parsing makes no cycles; automatic
    collections cost 15 % of the time); one collection a chunk frees any an error made."""
    out = marshal.dumps(_check_files(chunk))
    gc.collect()
    return out


def _check_files(chunk: list[Job]) -> list[tuple[bytes, bytes, Stored | None]]:
    """Stat (unless done), read, hash and (unless cached) check each file:
    [(content key, stat signature taken before reading, stored or None when cached)]."""
    cache, schema_dir, keep_data = _worker_state["cache"], _worker_state["schema_dir"], _worker_state["keep_data"]
    kinds = load_kinds(schema_dir)
    out: list[tuple[bytes, bytes, Stored | None]] = []
    for kind, rid, path, sig in chunk:
        try:
            if not sig:
                st = os.lstat(path)  # the walk saw a regular file; it may have been swapped since
                if not stat.S_ISREG(st.st_mode):
                    why = SYMLINK if stat.S_ISLNK(st.st_mode) else NOT_REGULAR
                    out.append((b"", b"", ([(0, "", *why)], None, None)))
                    continue
                sig = signature(st)
            raw = _read(path, SIGNATURE.unpack(sig)[1])
        except OSError as exc:
            out.append((b"", b"", ([(0, "", f"无法读取文件：{exc.strerror}", str(exc))], None, None)))
            continue
        k = cache_mod.key(kind, rid, raw)
        out.append((k, sig, None if k in cache.entries else stored(kinds[kind], rid, raw, schema_dir, keep_data)))
    return out


def _read(path: str, size: int, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes in three system calls, sized by the stat just taken (open() added a file
    object, an fstat and a second read: 40 % of reading at 1.6 M files). A file that grew since
    the stat is read to its end, but never past the size limit (the parser refuses it anyway).
    Never follows a symbolic link and never blocks: a file swapped for a link or a FIFO after the
    walk fails to open or reads as empty instead of hanging the run."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        data = os.read(fd, min(size, limit) + 1)
        if len(data) <= size:
            return data
        parts, total = [data], len(data)
        while total <= limit and (chunk := os.read(fd, 1 << 20)):
            parts.append(chunk)
            total += len(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def stored(kind: Kind, rid: str, raw: bytes, schema_dir: Path = SCHEMA_DIR, keep_data: bool = False) -> Stored:
    """check_bytes as the cache keeps it: problems, facts, encoded data (or the data itself with keep_data)."""
    data, found = check_bytes(kind, rid, raw, schema_dir)
    if data is None:
        return found, None, None
    return found, crossfields.facts(kind, data, schema_dir), data if keep_data else marshal.dumps(data)


def load_stored(targets: list[Target], root: Path, schema_dir: Path = SCHEMA_DIR,
                full: bool = True, parallel_min: int | None = None, env: Environment | None = None) -> list[Stored]:
    """Results of the targets, in order. A file whose stat signature is as
    recorded is not read; one whose bytes are known comes from the cache; the rest are checked
    (in worker processes for many files; merged back in order, so output is deterministic)."""
    env = env or environment()
    cache = cache_mod.Cache(cache_mod.location(env), root, schema_dir)
    index = StatIndex(cache.stat_index_file())
    results: list[Stored | None] = [None] * len(targets)
    keys: list[bytes] = [b""] * len(targets)
    sigs: list[bytes] = [b""] * len(targets)
    todo: list[Job] = []
    where: list[int] = []
    base = str(root) + "/"
    for i, (kind, rid, _, _, rel) in enumerate(targets):
        path = base + rel
        sig, k = index.lookup(rel, path)
        hit = cache.get(k) if k is not None else None
        if hit is not None and k is not None:
            results[i], keys[i], sigs[i] = hit, k, sig
        else:
            todo.append((kind.name, rid, path, sig))
            where.append(i)
    n = jobs(env) if len(todo) >= (PARALLEL_MIN if parallel_min is None else parallel_min) else 1
    # without a cache and workers, nothing needs the data encoded
    _worker_state.update(cache=cache, schema_dir=schema_dir, keep_data=cache.folder is None and n == 1)
    try:
        if n > 1:
            size = max(200, len(todo) // (n * 8))  # several chunks per worker evens out slow ones
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            with multiprocessing.get_context("fork").Pool(n, initializer=_worker_start) as pool:
                done = [r for part in pool.imap(_load_chunk, chunks) for r in marshal.loads(part)]
        else:
            done = _check_files(todo)
    finally:
        _worker_state.clear()
    for i, (k, sig, entry) in zip(where, done):
        if entry is None:
            entry = cache.get(k)
        elif k:
            cache.put(k, entry)
        results[i], keys[i], sigs[i] = entry, k, sig
    for (_, _, _, _, rel), k, sig in zip(targets, keys, sigs):
        if k and sig:
            index.note(rel, sig, k)
    cache.save(keep=set(keys) if full else None)
    index.save(full)
    return results  # type: ignore[return-value]


def stray_problems(strays: list[Path]) -> list[Problem]:
    """YAML files that match no kind are probably misplaced submissions: say so instead of ignoring them."""
    return [Problem(display_path(p), 0, "", "文件位置或扩展名不对，无法识别记录类别（记录应为 .yaml，放在 data/ 下对应目录）",
                    "file is not in a known record location") for p in strays]


AUXILIARY = ("owners.yaml", "usage")  # data files that are not records (ownership map, usage logs)
