import type { Issue } from "../errors.js";
import { InternalError } from "../errors.js";
import type { DocumentRegistry } from "./documents.js";
import { BLOB_MODE, decodeTree, encodeTree, hashObject, type ObjectType, type RawObject, TREE_MODE, type TreeEntry } from "./git/objects.js";
import { OverlayMap } from "./overlay-map.js";
import type { LoadedSnapshot } from "./types.js";

/** Where objects come from and go to: loose files plus cat-file for git, a Map in memory. */
export interface ObjectDb {
  read(oid: string): Promise<RawObject | null>;
  readMany(oids: readonly string[]): Promise<Array<RawObject | null>>;
  write(type: ObjectType, content: Buffer): string;
  /** Stores a transaction's objects together, when that is cheaper than one by one. */
  writeAll?(objects: readonly RawObject[]): Promise<void>;
}

/**
 * Holds what a transaction writes (ids are computed as it goes) until the store writes it
 * all at once, before the ref moves; reads see the staged objects too.
 */
export class StagedObjects implements ObjectDb {
  private readonly staged = new Map<string, RawObject>();

  constructor(private readonly db: ObjectDb) {}

  read(oid: string): Promise<RawObject | null> {
    const s = this.staged.get(oid);
    return s ? Promise.resolve(s) : this.db.read(oid);
  }

  async readMany(oids: readonly string[]): Promise<Array<RawObject | null>> {
    const found = await this.db.readMany(oids.filter((o) => !this.staged.has(o)));
    let i = 0;
    return oids.map((o) => this.staged.get(o) ?? found[i++] ?? null);
  }

  write(type: ObjectType, content: Buffer): string {
    const oid = hashObject(type, content);
    if (!this.staged.has(oid)) this.staged.set(oid, { type, content });
    return oid;
  }

  objects(): RawObject[] {
    return [...this.staged.values()];
  }
}

export interface FileEntry {
  oid: string;
  /** The document; absent until first read when the entry came from a cache. */
  value?: unknown;
  /** The document as JSON text, parsed on first use. */
  json?: string;
  /** Neither yet: where to read it from (a snapshot cache read piece by piece). */
  lazy?: LazyDocument;
}

/** A document known by path and object id whose content is read only when someone asks. */
export interface LazyDocument {
  /** Its JSON text, for copying it into a new cache without parsing it. */
  readText(): string;
  readValue(): unknown;
}

/** A document, parsed from its cached JSON text on first use: most commands touch a handful of 10,000. */
export function entryValue(f: FileEntry): unknown {
  if (f.value === undefined) {
    if (f.json !== undefined) {
      f.value = JSON.parse(f.json);
      f.json = undefined;
    } else if (f.lazy) {
      f.value = f.lazy.readValue();
      f.lazy = undefined;
    }
  }
  return f.value;
}

/** The document as JSON text, without parsing it when it is still text. */
export function entryJson(f: FileEntry): string {
  if (f.json !== undefined) return f.json;
  if (f.value === undefined && f.lazy) return f.lazy.readText();
  return JSON.stringify(f.value);
}

export interface DirEntry {
  oid: string;
  entries: Map<string, TreeEntry>;
}

export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/**
 * The documents of one commit, with the tree structure kept alongside so a transaction
 * rewrites only the directories it touches (a few KB per commit at 10,000 documents).
 * `files` and `dirs` may be backed by a snapshot cache read on demand: a view then costs
 * only the directories and documents someone looks at.
 */
export class StateTree implements LoadedSnapshot {
  /** Sorted once per view, or carried forward from the base by applyChanges. */
  sortedPaths: string[] | null = null;
  private byPrefix: Map<string, string[]> | null = null;

  constructor(
    readonly commit: string | null,
    readonly tree: string | null,
    readonly files: ReadonlyMap<string, FileEntry>,
    readonly dirs: ReadonlyMap<string, DirEntry>,
    readonly issues: Issue[] = [],
    /** Documents decoded or written to make this view from its base: how far it drifted from it. */
    readonly drift = 0,
  ) {}

  static empty(): StateTree {
    return new StateTree(null, null, new Map(), new Map([["", { oid: EMPTY_TREE, entries: new Map() }]]));
  }

  get size(): number {
    return this.files.size;
  }

  get(path: string): unknown {
    const f = this.files.get(path);
    return f ? entryValue(f) : undefined;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  paths(prefix = ""): string[] {
    if (this.sortedPaths) return slicePrefix(this.sortedPaths, prefix);
    if (prefix === "") {
      this.sortedPaths = this.collect("");
      return this.sortedPaths.slice();
    }
    // Only the directories under the prefix are read: `claims/` at 10,000 tasks touches no task.
    this.byPrefix ??= new Map();
    let found = this.byPrefix.get(prefix);
    if (!found) {
      found = this.collect(prefix);
      this.byPrefix.set(prefix, found);
    }
    return found.slice();
  }

  /** Sorted paths of the documents under `prefix`, walking only the directories that can hold them. */
  private collect(prefix: string): string[] {
    const out: string[] = [];
    const cut = prefix.lastIndexOf("/");
    const visit = (dir: string): void => {
      const d = this.dirs.get(dir);
      if (!d) return;
      for (const e of d.entries.values()) {
        const path = dir === "" ? e.name : `${dir}/${e.name}`;
        if (e.mode === TREE_MODE) {
          if (path.startsWith(prefix) || prefix.startsWith(`${path}/`)) visit(path);
        } else if (path.startsWith(prefix) && this.files.has(path)) {
          out.push(path);
        }
      }
    };
    visit(cut === -1 ? "" : prefix.slice(0, cut));
    return out.sort();
  }

  withCommit(commit: string): StateTree {
    const next = new StateTree(commit, this.tree, this.files, this.dirs, this.issues, this.drift);
    next.sortedPaths = this.sortedPaths;
    next.byPrefix = this.byPrefix;
    return next;
  }
}

function slicePrefix(all: readonly string[], prefix: string): string[] {
  if (prefix === "") return all.slice();
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((all[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < all.length && (all[i] as string).startsWith(prefix); i++) out.push(all[i] as string);
  return out;
}

/**
 * Reads the tree of `commit`. With a base view, every subtree and blob whose id matches the
 * base's at the same path is shared with it rather than read or copied, so moving a cached
 * view forward by one commit reads only what that commit changed; every document that did
 * change is decoded and validated here, so a view never holds an unchecked document.
 */
export async function loadStateTree(
  db: ObjectDb,
  registry: DocumentRegistry,
  commit: string,
  treeOid: string,
  base: StateTree | null,
  /** Documents known without decoding, by path and object id: checked when they were first read or written. */
  recall?: (path: string, oid: string) => FileEntry | undefined,
): Promise<StateTree> {
  let recalled = 0;
  const files: Map<string, FileEntry> | OverlayMap<string, FileEntry> = base ? new OverlayMap(base.files) : new Map();
  const dirs: Map<string, DirEntry> | OverlayMap<string, DirEntry> = base ? new OverlayMap(base.dirs) : new Map();
  const issues: Issue[] = [];
  const blobsToRead: Array<{ path: string; oid: string }> = [];
  const join = (dir: string, name: string) => (dir === "" ? name : `${dir}/${name}`);

  // What the base had at a path that the new tree no longer has (or has as another kind).
  const drop = (path: string, e: TreeEntry): void => {
    if (e.mode !== TREE_MODE) {
      files.delete(path);
      return;
    }
    const d = dirs.get(path);
    if (!d) return;
    dirs.delete(path);
    for (const c of d.entries.values()) drop(join(path, c.name), c);
  };

  const walk = async (dir: string, oid: string): Promise<void> => {
    const old = dirs.get(dir);
    if (old && old.oid === oid) return;
    const obj = await db.read(oid);
    if (!obj || obj.type !== "tree") throw new InternalError(`tree ${oid} (${dir || "root"}) of ${commit} is missing or not a tree`);
    const entries = new Map<string, TreeEntry>();
    for (const e of decodeTree(obj.content)) entries.set(e.name, e);
    if (old) {
      for (const prev of old.entries.values()) {
        const now = entries.get(prev.name);
        if (!now || (now.mode === TREE_MODE) !== (prev.mode === TREE_MODE)) drop(join(dir, prev.name), prev);
      }
    }
    dirs.set(dir, { oid, entries });
    const subdirs: Promise<void>[] = [];
    for (const e of entries.values()) {
      const path = join(dir, e.name);
      const prev = old?.entries.get(e.name);
      if (e.mode === TREE_MODE) {
        // An unchanged subtree stays shared without even being looked at (256 shards at 10,000 tasks).
        if (!(prev?.mode === TREE_MODE && prev.oid === e.oid)) subdirs.push(walk(path, e.oid));
      } else if (e.mode !== BLOB_MODE) {
        files.delete(path);
        issues.push({ path, commit, message: `unexpected entry of mode ${e.mode} in the state tree` });
      } else {
        if (!(prev && prev.mode === BLOB_MODE && prev.oid === e.oid && files.get(path)?.oid === e.oid)) {
          const known = recall?.(path, e.oid);
          if (known?.oid === e.oid) {
            files.set(path, known);
            recalled++;
          } else {
            files.delete(path);
            blobsToRead.push({ path, oid: e.oid });
          }
        }
      }
    }
    await Promise.all(subdirs);
  };
  await walk("", treeOid);

  const blobs = await db.readMany(blobsToRead.map((b) => b.oid));
  blobsToRead.forEach(({ path, oid }, i) => {
    const blob = blobs[i];
    if (!blob || blob.type !== "blob") {
      issues.push({ path, commit, message: `blob ${oid} is missing` });
      return;
    }
    const decoded = registry.decode(path, blob.content, commit);
    if ("issues" in decoded) issues.push(...decoded.issues);
    else files.set(path, { oid, value: decoded.value });
  });
  return new StateTree(commit, treeOid, files, dirs, issues, blobsToRead.length + recalled);
}

export interface EncodedChange {
  path: string;
  /** null deletes the document. */
  bytes: Buffer | null;
  value: unknown;
}

/** Writes blobs and the touched trees for a set of changes; returns the new state (commit unset). */
export function applyChanges(db: ObjectDb, base: StateTree, changes: readonly EncodedChange[]): StateTree {
  const files = new OverlayMap(base.files);
  const dirs = new OverlayMap(base.dirs);
  const touched = new Set<string>([""]);
  const cloned = new Set<string>();
  const dirFor = (dir: string): DirEntry => {
    let d = dirs.get(dir);
    if (!d) {
      d = { oid: "", entries: new Map() };
      dirs.set(dir, d);
      cloned.add(dir);
    } else if (!cloned.has(dir)) {
      d = { oid: d.oid, entries: new Map(d.entries) };
      dirs.set(dir, d);
      cloned.add(dir);
    }
    return d;
  };

  for (const c of changes) {
    const slash = c.path.lastIndexOf("/");
    const dir = slash === -1 ? "" : c.path.slice(0, slash);
    const name = c.path.slice(slash + 1);
    for (let d = dir; ; d = d.includes("/") ? d.slice(0, d.lastIndexOf("/")) : "") {
      touched.add(d);
      if (d === "") break;
    }
    if (c.bytes === null) {
      files.delete(c.path);
      dirFor(dir).entries.delete(name);
    } else {
      const oid = db.write("blob", c.bytes);
      files.set(c.path, { oid, value: c.value });
      dirFor(dir).entries.set(name, { mode: BLOB_MODE, name, oid });
    }
  }

  // Deepest directories first, so each parent sees its children's new tree ids.
  const order = [...touched].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1));
  for (const dir of order) {
    const d = dirFor(dir);
    if (d.entries.size === 0 && dir !== "") {
      dirs.delete(dir);
      setChild(dir, null);
      continue;
    }
    d.oid = d.entries.size === 0 ? EMPTY_TREE : db.write("tree", encodeTree([...d.entries.values()]));
    if (dir !== "") setChild(dir, d.oid);
  }
  function setChild(dir: string, oid: string | null): void {
    const slash = dir.lastIndexOf("/");
    const parent = slash === -1 ? "" : dir.slice(0, slash);
    const name = dir.slice(slash + 1);
    const p = dirFor(parent);
    if (oid === null) p.entries.delete(name);
    else p.entries.set(name, { mode: TREE_MODE, name, oid });
  }
  const root = dirs.get("") as DirEntry;
  const next = new StateTree(null, root.oid, files, dirs, [], changes.length);
  // Sorting 10,000 paths costs more than the rest of a one-document commit: carry the order forward.
  if (base.sortedPaths) next.sortedPaths = updateSorted(base.sortedPaths, changes);
  return next;
}

function updateSorted(sorted: readonly string[], changes: readonly EncodedChange[]): string[] {
  const out = sorted.slice();
  for (const c of changes) {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((out[mid] as string) < c.path) lo = mid + 1;
      else hi = mid;
    }
    const present = out[lo] === c.path;
    if (c.bytes === null && present) out.splice(lo, 1);
    else if (c.bytes !== null && !present) out.splice(lo, 0, c.path);
  }
  return out;
}

function depth(dir: string): number {
  return dir === "" ? 0 : dir.split("/").length;
}

/** Views are shared across retries and callers; freezing turns an accidental mutation into an error. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
