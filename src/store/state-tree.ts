import type { Issue } from "../errors.js";
import { InternalError } from "../errors.js";
import type { DocumentRegistry } from "./documents.js";
import { BLOB_MODE, decodeTree, encodeTree, type ObjectType, type RawObject, TREE_MODE, type TreeEntry } from "./git/objects.js";
import { OverlayMap } from "./overlay-map.js";
import type { LoadedSnapshot } from "./types.js";

/** Where objects come from and go to: loose files plus cat-file for git, a Map in memory. */
export interface ObjectDb {
  read(oid: string): Promise<RawObject | null>;
  readMany(oids: readonly string[]): Promise<Array<RawObject | null>>;
  write(type: ObjectType, content: Buffer): string;
}

export interface FileEntry {
  oid: string;
  /** The document; absent until first read when the entry came from the cache as JSON text. */
  value?: unknown;
  json?: string;
}

/** A document, parsed from its cached JSON text on first use: most commands touch a handful of 10,000. */
export function entryValue(f: FileEntry): unknown {
  if (f.value === undefined && f.json !== undefined) {
    f.value = JSON.parse(f.json);
    f.json = undefined;
  }
  return f.value;
}

export interface DirEntry {
  oid: string;
  entries: Map<string, TreeEntry>;
}

export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/**
 * The documents of one commit, with the tree structure kept alongside so a transaction
 * rewrites only the directories it touches (a few KB per commit at 10,000 documents).
 */
export class StateTree implements LoadedSnapshot {
  /** Sorted once per view, or carried forward from the base by applyChanges. */
  sortedPaths: string[] | null = null;

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
    this.sortedPaths ??= [...this.files.keys()].sort();
    const all = this.sortedPaths;
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

  withCommit(commit: string): StateTree {
    const next = new StateTree(commit, this.tree, this.files, this.dirs, this.issues, this.drift);
    next.sortedPaths = this.sortedPaths;
    return next;
  }
}

/**
 * Reads the tree of `commit`, reusing every subtree and blob whose id matches `base`, so
 * moving a cached view forward by one commit reads only what that commit changed.
 */
export async function loadStateTree(
  db: ObjectDb,
  registry: DocumentRegistry,
  commit: string,
  treeOid: string,
  base: StateTree | null,
): Promise<StateTree> {
  const files = new Map<string, FileEntry>();
  const dirs = new Map<string, DirEntry>();
  const issues: Issue[] = [];
  const blobsToRead: Array<{ path: string; oid: string }> = [];

  const walk = async (dir: string, oid: string): Promise<void> => {
    const baseDir = base?.dirs.get(dir);
    if (baseDir && baseDir.oid === oid && base) {
      copySubtree(base, dir, files, dirs);
      return;
    }
    const obj = await db.read(oid);
    if (!obj || obj.type !== "tree") throw new InternalError(`tree ${oid} (${dir || "root"}) of ${commit} is missing or not a tree`);
    const entries = new Map<string, TreeEntry>();
    for (const e of decodeTree(obj.content)) entries.set(e.name, e);
    dirs.set(dir, { oid, entries });
    const subdirs: Promise<void>[] = [];
    for (const e of entries.values()) {
      const path = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.mode === TREE_MODE) subdirs.push(walk(path, e.oid));
      else if (e.mode !== BLOB_MODE) issues.push({ path, commit, message: `unexpected entry of mode ${e.mode} in the state tree` });
      else {
        const prev = base?.files.get(path);
        if (prev && prev.oid === e.oid) files.set(path, prev);
        else blobsToRead.push({ path, oid: e.oid });
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
  return new StateTree(commit, treeOid, files, dirs, issues, blobsToRead.length);
}

function copySubtree(base: StateTree, dir: string, files: Map<string, FileEntry>, dirs: Map<string, DirEntry>): void {
  if (dir === "") {
    for (const [k, v] of base.files) files.set(k, v);
    for (const [k, v] of base.dirs) dirs.set(k, v);
    return;
  }
  const prefix = `${dir}/`;
  for (const p of base.paths(prefix)) files.set(p, base.files.get(p) as FileEntry);
  for (const [k, v] of base.dirs) if (k === dir || k.startsWith(prefix)) dirs.set(k, v);
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
