import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { BLOB_MODE, TREE_MODE, type TreeEntry } from "./git/objects.js";
import { type DirEntry, type FileEntry, StateTree } from "./state-tree.js";

const FORMAT = 2;

interface CacheFile {
  format: number;
  key: string;
  commit: string;
  tree: string;
  dirs: Array<[string, string]>;
  files: Array<[string, string, string]>;
}

/**
 * A disposable copy of one view, keyed by commit. It only ever serves as the base that the
 * next read diffs against, by object id, so a stale cache costs time, never correctness;
 * anything unreadable or inconsistent is ignored and rebuilt.
 */
export function readSnapshotCache(file: string, key: string): StateTree | null {
  let data: CacheFile;
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
  } catch {
    return null;
  }
  if (data?.format !== FORMAT || data.key !== key || !Array.isArray(data.dirs) || !Array.isArray(data.files)) return null;
  const dirs = new Map<string, DirEntry>();
  for (const [dir, oid] of data.dirs) dirs.set(dir, { oid, entries: new Map<string, TreeEntry>() });
  const files = new Map<string, FileEntry>();
  const addTo = (path: string, mode: string, oid: string): boolean => {
    const slash = path.lastIndexOf("/");
    const parent = dirs.get(slash === -1 ? "" : path.slice(0, slash));
    if (!parent) return false;
    const name = path.slice(slash + 1);
    parent.entries.set(name, { mode, name, oid });
    return true;
  };
  for (const [dir, oid] of data.dirs) if (dir !== "" && !addTo(dir, TREE_MODE, oid)) return null;
  for (const [path, oid, json] of data.files) {
    if (!addTo(path, BLOB_MODE, oid) || typeof json !== "string") return null;
    files.set(path, { oid, json });
  }
  if (dirs.get("")?.oid !== data.tree) return null;
  return new StateTree(data.commit, data.tree, files, dirs);
}

export function writeSnapshotCache(file: string, key: string, view: StateTree): void {
  if (!view.commit || !view.tree) return;
  const data: CacheFile = {
    format: FORMAT,
    key,
    commit: view.commit,
    tree: view.tree,
    dirs: [...view.dirs].map(([dir, d]) => [dir, d.oid]),
    // Each document as JSON text: reading the cache then allocates one string per document
    // instead of its whole object graph, and only the documents a command uses get parsed.
    files: [...view.files].map(([path, f]) => [path, f.oid, f.json ?? JSON.stringify(f.value)]),
  };
  writeJsonAtomic(file, data);
}

/** Temp file and rename: a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, file);
  } catch {
    // The cache is an optimisation; a read-only or full disk must not fail the command.
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
  }
}
