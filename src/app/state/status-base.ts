import { HELD_STATUSES } from "../../domain/claims/lease.js";
import { type ClaimDoc, type ConflictDoc, TASK_STATUSES, type TaskDoc, type TaskStatus } from "../../schema/types.js";
import type { DocDelta, Snapshot } from "../../store/types.js";
import { allClaims } from "./claims.js";
import { openConflicts } from "./conflicts.js";
import { CLAIMS, claimPath, CONFLICTS, PLAN_PATH, SPECS, TASKS, taskPath } from "./documents.js";
import { readPlan } from "./plan.js";
import { allSpecs, byReadingOrder, type TaskTable, taskTable } from "./tasks.js";

/** Everything status needs that depends only on the commit, so it can be cached by commit. */
export interface StatusBase {
  project: string;
  formatVersion: number;
  skewMargin: string;
  documents: number;
  specs: Array<{ id: string; status: string }>;
  total: number;
  byStatus: Partial<Record<TaskStatus, number>>;
  /** Live claims, in path order. */
  claims: ClaimDoc[];
  /** Tasks with every dependency done that are ready, or held by a claim that may go stale; in reading order. */
  candidates: Array<{ id: string; status: TaskStatus }>;
  conflicts: Array<Pick<ConflictDoc, "id" | "op" | "actor" | "code" | "message" | "at" | "remote"> & { task: string | null }>;
}

type TaskSummary = Pick<StatusBase, "total" | "byStatus" | "candidates">;

/** Kept per task table: a commit that changed no task (a heartbeat) does not count 10,000 tasks again. */
const summaries = new WeakMap<TaskTable, TaskSummary>();

const isCandidateStatus = (s: TaskStatus) => s === "ready" || HELD_STATUSES.has(s);

/** Counts in the lifecycle's order, whatever order they were counted in. */
function inLifecycleOrder(counts: Partial<Record<TaskStatus, number>>): Partial<Record<TaskStatus, number>> {
  const out: Partial<Record<TaskStatus, number>> = {};
  for (const s of TASK_STATUSES) if (counts[s]) out[s] = counts[s];
  return out;
}

function taskSummary(snap: Snapshot): TaskSummary {
  const table = taskTable(snap);
  let summary = summaries.get(table);
  if (!summary) {
    const tasks = table.sorted;
    const byStatus: Partial<Record<TaskStatus, number>> = {};
    for (const t of tasks) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    const statusOf = new Map(tasks.map((t) => [t.id, t.status]));
    summary = {
      total: tasks.length,
      byStatus: inLifecycleOrder(byStatus),
      candidates: tasks.filter((t) => isCandidateStatus(t.status) && t.dependencies.every((d) => statusOf.get(d) === "done")).map((t) => ({ id: t.id, status: t.status })),
    };
    summaries.set(table, summary);
  }
  return summary;
}

const byPath = (a: ClaimDoc, b: ClaimDoc) => (claimPath(a.task) < claimPath(b.task) ? -1 : 1);

export function computeStatusBase(snap: Snapshot): StatusBase {
  const plan = readPlan(snap);
  return {
    project: plan.project.name,
    formatVersion: plan.formatVersion,
    skewMargin: plan.settings.claims.skewMargin,
    documents: snap.size,
    specs: allSpecs(snap).map((s) => ({ id: s.id, status: s.status })),
    ...taskSummary(snap),
    claims: allClaims(snap)
      .filter((c) => c.state === "live")
      .sort(byPath),
    conflicts: openConflicts(snap).map((c) => ({ id: c.id, op: c.op, task: c.task ?? null, actor: c.actor, code: c.code, message: c.message, at: c.at, remote: c.remote })),
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The status base at the tip from the one at an older commit and the documents changed since,
 * for the changes agents make all the time: claims, heartbeats, releases, evidence, reviews,
 * readiness reviews and submissions. A task added, removed, done or undone, a changed
 * dependency list, a spec or a conflict record: undefined, and status counts again.
 */
export function updateStatusBase(prev: StatusBase, changes: readonly DocDelta[], tip: Snapshot): StatusBase | undefined {
  const next = { ...prev, byStatus: { ...prev.byStatus }, candidates: prev.candidates.slice(), claims: prev.claims.slice() };
  for (const { path, before, after } of changes) {
    if (before === undefined) next.documents++;
    if (after === undefined) next.documents--;
    if (path === PLAN_PATH) {
      const plan = readPlan(tip);
      Object.assign(next, { project: plan.project.name, formatVersion: plan.formatVersion, skewMargin: plan.settings.claims.skewMargin });
    } else if (path.startsWith(`${SPECS}/`) || path.startsWith(`${CONFLICTS}/`)) {
      return undefined;
    } else if (path.startsWith(`${TASKS}/`)) {
      if (!updateTask(next, before as TaskDoc | undefined, after as TaskDoc | undefined, tip)) return undefined;
    } else if (path.startsWith(`${CLAIMS}/`)) {
      const task = ((after ?? before) as ClaimDoc).task;
      next.claims = next.claims.filter((c) => c.task !== task);
      if (after && (after as ClaimDoc).state === "live") next.claims = [...next.claims, after as ClaimDoc].sort(byPath);
    }
  }
  next.byStatus = inLifecycleOrder(next.byStatus);
  return next;
}

/** One task's change applied to counts and candidates; false when it could change other tasks' candidacy. */
function updateTask(next: StatusBase, before: TaskDoc | undefined, after: TaskDoc | undefined, tip: Snapshot): boolean {
  if (!before || !after || before.status === "done" || after.status === "done") return false;
  if (before.spec !== after.spec || before.localId !== after.localId || !sameList(before.dependencies, after.dependencies)) return false;
  next.byStatus[before.status] = (next.byStatus[before.status] ?? 0) - 1;
  next.byStatus[after.status] = (next.byStatus[after.status] ?? 0) + 1;
  const at = next.candidates.findIndex((c) => c.id === after.id);
  // Listed means its dependencies are done; a listed status that was not means they are not.
  const depsDone = at !== -1 || (!isCandidateStatus(before.status) && after.dependencies.every((d) => (tip.get(taskPath(d)) as TaskDoc | undefined)?.status === "done"));
  const candidate = isCandidateStatus(after.status) && depsDone;
  if (at !== -1 && candidate) next.candidates[at] = { id: after.id, status: after.status };
  else if (at !== -1) next.candidates.splice(at, 1);
  else if (candidate) {
    // Reading order, found by comparing with the documents of the listed tasks.
    let [lo, hi] = [0, next.candidates.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = tip.get(taskPath((next.candidates[mid] as { id: string }).id)) as TaskDoc;
      if (byReadingOrder(other, after) < 0) lo = mid + 1;
      else hi = mid;
    }
    next.candidates.splice(lo, 0, { id: after.id, status: after.status });
  }
  return true;
}
