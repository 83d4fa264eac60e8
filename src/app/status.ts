import { HELD_STATUSES, isStale, secondsLeft } from "../domain/claims/lease.js";
import type { ClaimDoc, ConflictDoc, TaskStatus } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { parseDuration } from "../domain/claims/duration.js";
import { allClaims } from "./state/claims.js";
import { openConflicts } from "./state/conflicts.js";
import { readPlan, withFormatCheck } from "./state/plan.js";
import type { Snapshot } from "../store/types.js";
import { allSpecs, carryTaskTable, type TaskTable, taskTable } from "./state/tasks.js";

export interface ClaimRow {
  task: string;
  holder: string;
  kind: string;
  epoch: number;
  expiresAt: string;
  secondsLeft: number;
  state: "live" | "expiring" | "stale";
  worktree: string | null;
  branch: string | null;
}

export interface StatusResult {
  project: string;
  formatVersion: number;
  ref: string;
  tip: string;
  documents: number;
  specs: Array<{ id: string; status: string }>;
  tasks: { total: number; byStatus: Partial<Record<TaskStatus, number>> };
  /** Live claims, then ones in the skew window, then stale ones anyone may take over. */
  claims: ClaimRow[];
  /** Ready tasks whose dependencies are done and that nobody holds. */
  ready: string[];
  /** Local operations a sync could not replay on a remote's state, not yet acknowledged. */
  conflicts: Array<Pick<ConflictDoc, "id" | "op" | "actor" | "code" | "message" | "at" | "remote"> & { task: string | null }>;
}

const EXPIRING_FRACTION = 0.2;

/** Everything status needs that depends only on the commit, so it can be cached by commit. */
interface StatusBase {
  project: string;
  formatVersion: number;
  skewMargin: string;
  documents: number;
  specs: Array<{ id: string; status: string }>;
  total: number;
  byStatus: Partial<Record<TaskStatus, number>>;
  claims: ClaimDoc[];
  /** Tasks with every dependency done that are ready, or held by a claim that may go stale. */
  candidates: Array<{ id: string; status: TaskStatus }>;
  conflicts: StatusResult["conflicts"];
}

type TaskSummary = Pick<StatusBase, "total" | "byStatus" | "candidates">;

/** Kept per task table: a commit that changed no task (a heartbeat) does not count 10,000 tasks again. */
const summaries = new WeakMap<TaskTable, TaskSummary>();

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
      byStatus,
      candidates: tasks.filter((t) => (t.status === "ready" || HELD_STATUSES.has(t.status)) && t.dependencies.every((d) => statusOf.get(d) === "done")).map((t) => ({ id: t.id, status: t.status })),
    };
    summaries.set(table, summary);
  }
  return summary;
}

/** A summary of the state at the tip: tasks by status, claims with their leases, what is ready. */
export async function getStatus(ctx: AppContext): Promise<StatusResult> {
  await carryTaskTable(ctx.store);
  const { commit, value: base } = await withFormatCheck(() =>
    ctx.store.derive<StatusBase>("status-v3", (snap) => {
      const plan = readPlan(snap);
      return {
        project: plan.project.name,
        formatVersion: plan.formatVersion,
        skewMargin: plan.settings.claims.skewMargin,
        documents: snap.size,
        specs: allSpecs(snap).map((s) => ({ id: s.id, status: s.status })),
        ...taskSummary(snap),
        claims: allClaims(snap).filter((c) => c.state === "live"),
        conflicts: openConflicts(snap).map((c) => ({ id: c.id, op: c.op, task: c.task ?? null, actor: c.actor, code: c.code, message: c.message, at: c.at, remote: c.remote })),
      };
    }),
  );
  const clock = { now: ctx.now().getTime(), skewSeconds: parseDuration(base.skewMargin, "skewMargin") };
  const held = new Set<string>();
  const claims: ClaimRow[] = base.claims.map((c) => {
    const left = secondsLeft(c, clock.now);
    const stale = isStale(c, clock);
    if (!stale) held.add(c.task);
    return {
      task: c.task,
      holder: c.holder.actor,
      kind: c.holder.kind,
      epoch: c.epoch,
      expiresAt: c.expiresAt,
      secondsLeft: left,
      state: stale ? "stale" : left < c.leaseSeconds * EXPIRING_FRACTION ? "expiring" : "live",
      worktree: c.worktree ?? c.holder.worktree ?? null,
      branch: c.branch ?? c.holder.branch ?? null,
    };
  });
  claims.sort((a, b) => a.secondsLeft - b.secondsLeft);
  // A task whose claim went stale is as claimable as a ready one.
  const ready = base.candidates.filter((t) => !held.has(t.id)).map((t) => t.id);
  return {
    project: base.project,
    formatVersion: base.formatVersion,
    ref: ctx.store.ref,
    tip: commit as string,
    documents: base.documents,
    specs: base.specs,
    tasks: { total: base.total, byStatus: base.byStatus },
    claims,
    ready,
    conflicts: base.conflicts,
  };
}
