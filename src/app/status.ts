import { isStale, secondsLeft } from "../domain/claims/lease.js";
import type { ConflictDoc, TaskStatus } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { parseDuration } from "../domain/claims/duration.js";
import { withFormatCheck } from "./state/plan.js";
import { computeStatusBase, type StatusBase, updateStatusBase } from "./state/status-base.js";
import { carryTaskTable } from "./state/tasks.js";

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

/** A summary of the state at the tip: tasks by status, claims with their leases, what is ready. */
export async function getStatus(ctx: AppContext): Promise<StatusResult> {
  await carryTaskTable(ctx.store);
  // Counted once per commit; a commit that changed a few documents updates the counts instead.
  const { commit, value: base } = await withFormatCheck(() =>
    ctx.store.derive<StatusBase>("status-v4", computeStatusBase, undefined, { prefixes: [""], update: updateStatusBase }),
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
