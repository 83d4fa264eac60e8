import { AmbiguousIdError, NotFoundError } from "../../errors.js";
import type { SpecDoc, TaskDoc } from "../../schema/types.js";
import type { DocStore, Snapshot } from "../../store/types.js";
import { SPECS, specPath, TASKS, taskPath } from "./documents.js";

/**
 * Every task of one commit, in reading order: by spec, then by id with numbers compared as
 * numbers (T2 < T10). The same object for every commit whose tasks are all the same
 * documents, so values derived from it (keyed on it in a WeakMap) carry over commits that
 * changed no task: heartbeats, evidence, claims.
 */
export interface TaskTable {
  readonly sorted: readonly TaskDoc[];
  /** Task paths in path order, and each one's document. */
  readonly paths: readonly string[];
  readonly docs: readonly TaskDoc[];
  /** For each path index, where its document sits in `sorted`. */
  readonly rank: Int32Array;
}

const naturally = new Intl.Collator("en", { numeric: true });
export const byReadingOrder = (a: TaskDoc, b: TaskDoc) => naturally.compare(a.spec ?? "", b.spec ?? "") || naturally.compare(a.localId, b.localId) || (a.id < b.id ? -1 : 1);

/** Views of one commit never change, so each keeps its table. */
const tables = new WeakMap<Snapshot, TaskTable>();
/** Tables of recent commits: a commit names its documents, whichever store read them. */
const byCommit = new Map<string, TaskTable>();
const RECENT_COMMITS = 16;
/**
 * The table made last: a long-running server moving to a new tip finds most documents
 * unchanged (views share them by identity), so it re-sorts nothing when no task changed,
 * and only moves changed tasks when their order keys did not.
 */
let lastTable: TaskTable | null = null;

export function taskTable(snap: Snapshot): TaskTable {
  let table = tables.get(snap);
  if (table) return table;
  // Only a loaded view of valid documents stands for its commit: a view with invalid ones
  // (doctor's) is not what reads see, and a transaction's view freezes each document it
  // hands out, so it reads its own.
  const issues = (snap as { issues?: unknown[] }).issues;
  const commit = snap.commit !== null && issues?.length === 0 ? snap.commit : null;
  table = commit !== null ? byCommit.get(commit) : undefined;
  if (!table) {
    const paths = snap.paths(`${TASKS}/`);
    const docs = paths.map((p) => snap.get(p) as TaskDoc);
    table = (lastTable && carried(lastTable, paths, docs)) ?? sortedTable(paths, docs);
    lastTable = table;
    if (commit !== null) remember(commit, table);
  }
  tables.set(snap, table);
  return table;
}

function remember(commit: string, table: TaskTable): void {
  byCommit.delete(commit);
  byCommit.set(commit, table);
  for (const old of byCommit.keys()) {
    if (byCommit.size <= RECENT_COMMITS) break;
    byCommit.delete(old);
  }
}

/** The tip each store was last read at, to carry its table to the next tip. */
const lastTips = new WeakMap<DocStore, string>();

/**
 * Before a read: when the tip moved from the last one read and the commits between changed
 * no task (asked of git's trees, a few objects), the new tip gets the old tip's table
 * without a look at the 10,000 task documents. Reads stay correct without it: a read that
 * lands on another commit builds or carries its table from the documents.
 */
export async function carryTaskTable(store: DocStore): Promise<void> {
  const tip = await store.tip();
  if (tip === null) return;
  const prev = lastTips.get(store);
  lastTips.set(store, tip);
  if (prev === undefined || prev === tip || byCommit.has(tip)) return;
  const table = byCommit.get(prev);
  if (!table) return;
  let changed: string[];
  try {
    changed = await store.changedPaths(prev, tip);
  } catch {
    return; // e.g. the old tip is gone after a rewrite: the read builds the table itself
  }
  if (!changed.some((p) => p.startsWith(`${TASKS}/`))) remember(tip, table);
}

function sortedTable(paths: string[], docs: TaskDoc[]): TaskTable {
  const index = new Map(docs.map((d, i) => [d, i]));
  const sorted = docs.slice().sort(byReadingOrder);
  const rank = new Int32Array(docs.length);
  sorted.forEach((d, i) => (rank[index.get(d) as number] = i));
  return { sorted, paths, docs, rank };
}

/** `prev` itself when nothing changed, `prev`'s order with changed documents swapped in, or null when the order may differ. */
function carried(prev: TaskTable, paths: string[], docs: TaskDoc[]): TaskTable | null {
  if (prev.paths.length !== paths.length) return null;
  let sorted: TaskDoc[] | null = null;
  for (let i = 0; i < docs.length; i++) {
    if (paths[i] !== prev.paths[i]) return null;
    const now = docs[i] as TaskDoc;
    const was = prev.docs[i] as TaskDoc;
    if (now === was) continue;
    if (now.id !== was.id || now.spec !== was.spec || now.localId !== was.localId) return null;
    sorted ??= prev.sorted.slice();
    sorted[prev.rank[i] as number] = now;
  }
  return sorted ? { sorted, paths, docs, rank: prev.rank } : prev;
}

export function allTasks(snap: Snapshot): TaskDoc[] {
  return taskTable(snap).sorted.slice();
}

export function allSpecs(snap: Snapshot): SpecDoc[] {
  return snap
    .paths(`${SPECS}/`)
    .filter((p) => p.endsWith("/spec.yaml"))
    .map((p) => snap.get(p) as SpecDoc);
}

export function getTask(snap: Snapshot, id: string): TaskDoc | undefined {
  return snap.get(taskPath(id)) as TaskDoc | undefined;
}

export function getSpec(snap: Snapshot, id: string): SpecDoc | undefined {
  return snap.get(specPath(id)) as SpecDoc | undefined;
}

/**
 * Git-style naming: the full id, else the PRD's own id (T003) when only one spec has it,
 * else any unambiguous prefix of a full id. Ambiguity lists the candidates.
 */
export function resolveTaskId(snap: Snapshot, ref: string): string {
  if (getTask(snap, ref)) return ref;
  const tasks = allTasks(snap);
  const byLocal = tasks.filter((t) => t.localId === ref);
  if (byLocal.length === 1) return (byLocal[0] as TaskDoc).id;
  const candidates = byLocal.length > 1 ? byLocal.map((t) => t.id) : tasks.filter((t) => t.id.startsWith(ref)).map((t) => t.id);
  if (candidates.length === 1) return candidates[0] as string;
  if (candidates.length > 1) throw new AmbiguousIdError("task", ref, candidates.sort().slice(0, 20));
  throw new NotFoundError("NOT_FOUND", `no task "${ref}"`, { hint: "List tasks with: planref task list", data: { kind: "task", id: ref } });
}

export function resolveSpecId(snap: Snapshot, ref: string): string {
  if (getSpec(snap, ref)) return ref;
  const candidates = allSpecs(snap)
    .map((s) => s.id)
    .filter((id) => id.startsWith(ref));
  if (candidates.length === 1) return candidates[0] as string;
  if (candidates.length > 1) throw new AmbiguousIdError("spec", ref, candidates.sort());
  throw new NotFoundError("NOT_FOUND", `no spec "${ref}"`, { hint: "List specs with: planref spec list", data: { kind: "spec", id: ref } });
}

/** Tasks with a claim or evidence are never deleted: they become tombstones. */
export function hasWorkRecorded(snap: Snapshot, taskId: string): boolean {
  return snap.has(`claims/${taskPath(taskId).split("/")[1]}/${taskId}.yaml`) || snap.paths(`evidence/${taskPath(taskId).split("/")[1]}/${taskId}/`).length > 0;
}
