import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { BLOB_MODE, compareTreeEntries, decodeTree, type RawObject, TREE_MODE, type TreeEntry } from "./git/objects.js";
import { type DirEntry, entryJson, type FileEntry, type LazyDocument, StateTree } from "./state-tree.js";

/**
 * A disposable copy of one view, keyed by commit, read piece by piece. It only ever serves as
 * the base that the next read diffs against by object id, so a stale cache costs time, never
 * correctness, and an unreadable one is ignored.
 *
 * Layout: a magic line, a JSON header line, then a body of pieces addressed by offset and
 * length. A directory's piece is `[treeOid, [[name, mode, oid, offset, length], ...]]`, where
 * offset and length locate the subdirectory's piece or the document's JSON text. A directory
 * is read only when someone looks into it, and its entries must hash to its tree id, so the
 * structure a reader sees is exactly git's; a document's text is read only when it is used.
 * A command that touches five documents of 10,000 reads a few kilobytes of a 14 MB file.
 */
const MAGIC = "planref-snapshot 3\n";
const HEAD_READ = 4096;
/** After this many separate reads, a reader is walking everything: read the rest in one go. */
const SLURP_AFTER = 256;

interface Header {
  key: string;
  commit: string;
  tree: string;
  root: [number, number];
}

/** Reads objects without waiting: where the cache cannot answer (damaged, closed), the object database does. */
export interface SyncObjects {
  readSync(oid: string): RawObject | null;
  /** Decodes and validates a document read from the object database; throws when it is invalid. */
  decode(path: string, content: Buffer): unknown;
}

type Place = readonly [number, number];

/** Neither the cache nor the object database could answer: the caller reloads without the cache. */
export class CacheDamagedError extends Error {}

const finalizer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
});

/** One open cache file: the directories and documents of one commit, each read on first use. */
export class SnapshotCacheReader {
  private fd: number | null;
  private whole: Buffer | null = null;
  private reads = 0;
  /** Directories read so far, by path; null when the path is not a directory. */
  private readonly dirCache = new Map<string, DirEntry | null>();
  /** Where each directory's piece or document's text sits, by path, learnt from its parent's piece. */
  private readonly places = new Map<string, Place>();
  private readonly fileCache = new Map<string, FileEntry | null>();
  private readonly bodyStart: number;
  private readonly end: number;

  private constructor(
    fd: number,
    bodyStart: number,
    end: number,
    readonly header: Header,
    private readonly objects: SyncObjects,
  ) {
    this.fd = fd;
    this.bodyStart = bodyStart;
    this.end = end;
    this.places.set("", header.root);
    finalizer.register(this, fd, this);
  }

  static open(file: string, key: string, objects: SyncObjects): SnapshotCacheReader | null {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch {
      return null;
    }
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(Math.min(HEAD_READ, size));
      const n = readSync(fd, head, 0, head.length, 0);
      const text = head.subarray(0, n).toString("utf8");
      const nl = text.indexOf("\n", MAGIC.length);
      if (!text.startsWith(MAGIC) || nl === -1) throw new Error("not a snapshot cache");
      const header = JSON.parse(text.slice(MAGIC.length, nl)) as Header;
      const place = header?.root;
      if (header.key !== key || !isOid(header.commit) || !isOid(header.tree) || !isPlace(place)) throw new Error("another schema or a damaged header");
      const bodyStart = Buffer.byteLength(text.slice(0, nl + 1), "utf8");
      const reader = new SnapshotCacheReader(fd, bodyStart, size, header, objects);
      // The root must be readable and be the tree the header names, or the file is not used at all.
      const root = reader.readDir("", header.tree);
      if (!root) {
        reader.close();
        return null;
      }
      reader.dirCache.set("", root);
      return reader;
    } catch {
      try {
        closeSync(fd);
      } catch {
        /* closed by the reader */
      }
      return null;
    }
  }

  /** The view this cache holds, backed by lazy maps. */
  view(): StateTree {
    return new StateTree(this.header.commit, this.header.tree, new LazyFiles(this), new LazyDirs(this));
  }

  /** Size of the cache file. */
  get bytes(): number {
    return this.end;
  }

  close(): void {
    if (this.fd === null) return;
    finalizer.unregister(this);
    closeSync(this.fd);
    this.fd = null;
  }

  /** Reads the whole body at once: for walks that will visit every piece (writing a new cache). */
  slurp(): void {
    if (this.whole || this.fd === null) return;
    const buf = Buffer.alloc(this.end - this.bodyStart);
    const n = readSync(this.fd, buf, 0, buf.length, this.bodyStart);
    if (n === buf.length) this.whole = buf;
  }

  private pieceText(place: Place | undefined): string | null {
    if (place && this.whole && place[0] + place[1] <= this.whole.length) return this.whole.toString("utf8", place[0], place[0] + place[1]);
    return this.piece(place)?.toString("utf8") ?? null;
  }

  private piece(place: Place | undefined): Buffer | null {
    if (!place) return null;
    const [off, len] = place;
    if (this.bodyStart + off + len > this.end) return null;
    if (this.whole) return this.whole.subarray(off, off + len);
    if (this.fd === null) return null;
    if (++this.reads > SLURP_AFTER) {
      this.slurp();
      if (this.whole) return (this.whole as Buffer).subarray(off, off + len);
    }
    const buf = Buffer.allocUnsafe(len);
    try {
      return readSync(this.fd, buf, 0, len, this.bodyStart + off) === len ? buf : null;
    } catch {
      return null;
    }
  }

  dir(path: string): DirEntry | undefined {
    const known = this.dirCache.get(path);
    if (known !== undefined) return known ?? undefined;
    let oid: string;
    if (path === "") oid = this.header.tree;
    else {
      const slash = path.lastIndexOf("/");
      const parent = this.dir(slash === -1 ? "" : path.slice(0, slash));
      const e = parent?.entries.get(path.slice(slash + 1));
      if (!e || e.mode !== TREE_MODE) {
        this.dirCache.set(path, null);
        return undefined;
      }
      oid = e.oid;
    }
    const d = this.readDir(path, oid) ?? this.dirFromObjects(path, oid);
    this.dirCache.set(path, d);
    return d;
  }

  readDir(path: string, oid: string): DirEntry | null {
    const text = this.pieceText(this.places.get(path));
    if (text === null) return null;
    try {
      const [pieceOid, rows] = JSON.parse(text) as [string, Array<[string, string, string, number, number]>];
      if (pieceOid !== oid || !Array.isArray(rows)) return null;
      const entries = new Map<string, TreeEntry>();
      const places: Array<[string, Place]> = [];
      for (const row of rows) {
        const [name, mode, eoid, off, len] = row;
        if (typeof name !== "string" || (mode !== TREE_MODE && mode !== BLOB_MODE) || !isOid(eoid) || !isPlace([off, len])) return null;
        entries.set(name, { mode, name, oid: eoid });
        places.push([path === "" ? name : `${path}/${name}`, [off, len]]);
      }
      // The listing must be exactly the tree it names: the cache can be stale, never wrong.
      if (treeHash(rows) !== oid) return null;
      for (const [p, place] of places) this.places.set(p, place);
      return { oid, entries };
    } catch {
      return null;
    }
  }

  /** A directory the cache cannot answer for, read from the object database. */
  private dirFromObjects(path: string, oid: string): DirEntry {
    const obj = this.objects.readSync(oid);
    if (!obj || obj.type !== "tree") throw new CacheDamagedError(`tree ${oid} (${path || "root"}) is neither in the snapshot cache nor in the object database`);
    const entries = new Map<string, TreeEntry>();
    for (const e of decodeTree(obj.content)) entries.set(e.name, e);
    return { oid, entries };
  }

  file(path: string): FileEntry | undefined {
    const known = this.fileCache.get(path);
    if (known !== undefined) return known ?? undefined;
    const slash = path.lastIndexOf("/");
    const parent = this.dir(slash === -1 ? "" : path.slice(0, slash));
    const e = parent?.entries.get(path.slice(slash + 1));
    if (!e || e.mode !== BLOB_MODE) {
      this.fileCache.set(path, null);
      return undefined;
    }
    const f = new CachedDocument(e.oid, path, this);
    this.fileCache.set(path, f);
    return f;
  }

  /** A document's JSON text from the cache, or null when the cache cannot give it. */
  documentText(path: string): string | null {
    return this.pieceText(this.places.get(path));
  }

  /** A document read from the object database (the cache could not give it). */
  documentFromObjects(path: string, oid: string): unknown {
    const obj = this.objects.readSync(oid);
    if (!obj || obj.type !== "blob") throw new CacheDamagedError(`blob ${oid} (${path}) is neither in the snapshot cache nor in the object database`);
    return this.objects.decode(path, obj.content);
  }

  /** Every directory path under `dir` (included), depth first. */
  *walkDirs(dir = ""): Generator<[string, DirEntry]> {
    const d = this.dir(dir);
    if (!d) return;
    yield [dir, d];
    for (const e of d.entries.values()) if (e.mode === TREE_MODE) yield* this.walkDirs(dir === "" ? e.name : `${dir}/${e.name}`);
  }

  countFiles(): number {
    let n = 0;
    for (const [, d] of this.walkDirs()) for (const e of d.entries.values()) if (e.mode === BLOB_MODE) n++;
    return n;
  }

  countDirs(): number {
    let n = 0;
    for (const _ of this.walkDirs()) n++;
    return n;
  }
}

/** A document of the cache: its entry in a view, read (and parsed) on first use. */
class CachedDocument implements FileEntry, LazyDocument {
  value?: unknown;
  json?: string;
  lazy?: LazyDocument = this;

  constructor(
    readonly oid: string,
    private readonly path: string,
    private readonly reader: SnapshotCacheReader,
  ) {}

  readText(): string {
    return this.reader.documentText(this.path) ?? JSON.stringify(this.reader.documentFromObjects(this.path, this.oid));
  }

  readValue(): unknown {
    const text = this.reader.documentText(this.path);
    if (text !== null) {
      try {
        return JSON.parse(text);
      } catch {
        /* a damaged piece: the object database has the document */
      }
    }
    return this.reader.documentFromObjects(this.path, this.oid);
  }
}

/** Read-only map views over a cache reader; iterating them reads every piece. */
abstract class LazyMap<V> implements ReadonlyMap<string, V> {
  private count: number | null = null;

  constructor(protected readonly reader: SnapshotCacheReader) {}

  abstract get(key: string): V | undefined;
  protected abstract all(): Generator<[string, V]>;
  protected abstract countAll(): number;

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    this.count ??= this.countAll();
    return this.count;
  }

  entries(): MapIterator<[string, V]> {
    return this.all();
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.all()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.all()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.all();
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.all()) fn(v, k, this);
  }
}

class LazyDirs extends LazyMap<DirEntry> {
  get(key: string): DirEntry | undefined {
    return this.reader.dir(key);
  }

  protected all(): Generator<[string, DirEntry]> {
    return this.reader.walkDirs();
  }

  protected countAll(): number {
    return this.reader.countDirs();
  }
}

class LazyFiles extends LazyMap<FileEntry> {
  get(key: string): FileEntry | undefined {
    return this.reader.file(key);
  }

  protected *all(): Generator<[string, FileEntry]> {
    for (const [dir, d] of this.reader.walkDirs()) {
      for (const e of d.entries.values()) {
        if (e.mode !== BLOB_MODE) continue;
        const path = dir === "" ? e.name : `${dir}/${e.name}`;
        yield [path, this.reader.file(path) as FileEntry];
      }
    }
  }

  protected countAll(): number {
    return this.reader.countFiles();
  }
}

/**
 * Writes a view as a new cache (temp file and rename). Documents still held as text (from the
 * previous cache) are copied without being parsed. Returns false when the view cannot be
 * written faithfully (an inconsistent or invalid view), leaving the old cache in place.
 */
export function writeSnapshotCache(file: string, key: string, view: StateTree): boolean {
  if (!view.commit || !view.tree || view.issues.length > 0) return false;
  const parts: Buffer[] = [];
  let pos = 0;
  const put = (buf: Buffer): [number, number] => {
    parts.push(buf);
    const at = pos;
    pos += buf.length;
    return [at, buf.length];
  };
  const writeDir = (path: string, d: DirEntry): [number, number] | null => {
    const rows: Array<[string, string, string, number, number]> = [];
    for (const e of [...d.entries.values()].sort(compareTreeEntries)) {
      const p = path === "" ? e.name : `${path}/${e.name}`;
      let place: [number, number] | null;
      if (e.mode === TREE_MODE) {
        const sub = view.dirs.get(p);
        place = sub && sub.oid === e.oid ? writeDir(p, sub) : null;
      } else if (e.mode === BLOB_MODE) {
        const f = view.files.get(p);
        place = f && f.oid === e.oid ? put(Buffer.from(entryJson(f), "utf8")) : null;
      } else place = null;
      if (!place) return null;
      rows.push([e.name, e.mode, e.oid, place[0], place[1]]);
    }
    return put(Buffer.from(JSON.stringify([d.oid, rows]), "utf8"));
  };
  const rootDir = view.dirs.get("");
  if (!rootDir || rootDir.oid !== view.tree) return false;
  let root: [number, number] | null;
  try {
    root = writeDir("", rootDir);
  } catch {
    return false;
  }
  if (!root) return false;
  const header: Header = { key, commit: view.commit, tree: view.tree, root };
  return writeAtomic(file, [Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, "utf8"), ...parts]);
}

/**
 * The journal beside the cache: documents written or decoded since the cache was written,
 * one JSON line each (`[key, path, oid, json]`), appended by every process that met them, so
 * the next reader takes them as they are instead of parsing their YAML again. Like the cache
 * it is a memo by path and object id: a torn, foreign or stale line is skipped, never trusted
 * for anything else.
 */
export function readJournal(file: string, key: string): { entries: Map<string, string>; bytes: number } {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { entries: out, bytes: 0 };
  }
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      const [k, path, oid, json] = JSON.parse(line) as [string, string, string, string];
      if (k === key && typeof path === "string" && isOid(oid) && typeof json === "string") out.set(journalKey(path, oid), json);
    } catch {
      /* a line cut short by a concurrent append, or damaged: skip it */
    }
  }
  return { entries: out, bytes: Buffer.byteLength(text, "utf8") };
}

/** The journal lines for these documents, as appendJournal writes them. */
export function journalLines(key: string, entries: ReadonlyArray<readonly [string, string, string]>): string {
  return entries.map(([path, oid, json]) => `${JSON.stringify([key, path, oid, json])}\n`).join("");
}

export function journalKey(path: string, oid: string): string {
  return `${path}\0${oid}`;
}

/** Appends lines (journalLines) in one write: concurrent appenders do not interleave within a line. */
export function appendJournal(file: string, lines: string): void {
  if (lines === "") return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, lines);
  } catch {
    /* an optimisation only */
  }
}

/** Documents of `view` that differ from `base`, walking only directories whose tree ids differ. */
export function changedDocuments(view: StateTree, base: StateTree): Array<[string, FileEntry]> {
  const out: Array<[string, FileEntry]> = [];
  const walk = (dir: string): void => {
    const now = view.dirs.get(dir);
    const was = base.dirs.get(dir);
    if (!now || now.oid === was?.oid) return;
    for (const e of now.entries.values()) {
      const prev = was?.entries.get(e.name);
      if (prev?.oid === e.oid && prev.mode === e.mode) continue;
      const path = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.mode === TREE_MODE) walk(path);
      else {
        const f = view.files.get(path);
        if (f) out.push([path, f]);
      }
    }
  };
  walk("");
  return out;
}

/** Temp file and rename: a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, data: unknown): void {
  writeAtomic(file, [Buffer.from(JSON.stringify(data), "utf8")]);
}

function writeAtomic(file: string, parts: Buffer[]): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat(parts));
    renameSync(tmp, file);
    return true;
  } catch {
    // The cache is an optimisation; a read-only or full disk must not fail the command.
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    return false;
  }
}

/** The id of the tree listing these entries in this order, written into one buffer and hashed once. */
function treeHash(rows: ReadonlyArray<readonly [string, string, string, number, number]>): string {
  let length = 0;
  for (const [name, mode] of rows) length += mode.length + 2 + Buffer.byteLength(name, "utf8") + 20;
  const header = `tree ${length}\0`;
  const buf = Buffer.allocUnsafe(header.length + length);
  let at = buf.write(header, 0, "latin1");
  for (const [name, mode, oid] of rows) {
    at += buf.write(mode, at, "latin1");
    buf[at++] = 0x20;
    at += buf.write(name, at, "utf8");
    buf[at++] = 0;
    at += buf.write(oid, at, "hex");
  }
  return createHash("sha1").update(buf).digest("hex");
}

function isOid(s: unknown): s is string {
  return typeof s === "string" && /^[0-9a-f]{40}$/.test(s);
}

function isPlace(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length === 2 && Number.isSafeInteger(p[0]) && Number.isSafeInteger(p[1]) && p[0] >= 0 && p[1] >= 0;
}
