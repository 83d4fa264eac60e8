import { isStale, secondsLeft } from "../domain/claims/lease.js";
import type { TaskStatus } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { allClaims, leaseClock } from "./state/claims.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { allSpecs, allTasks } from "./state/tasks.js";

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
}

const EXPIRING_FRACTION = 0.2;

/** A summary of the state at the tip: tasks by status, claims with their leases, what is ready. */
export async function getStatus(ctx: AppContext): Promise<StatusResult> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const clock = leaseClock(ctx, plan);
  const tasks = allTasks(snap);
  const byStatus: Partial<Record<TaskStatus, number>> = {};
  for (const t of tasks) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  const statusOf = new Map(tasks.map((t) => [t.id, t.status]));
  const claims: ClaimRow[] = [];
  const held = new Set<string>();
  for (const c of allClaims(snap)) {
    if (c.state !== "live") continue;
    const left = secondsLeft(c, clock.now);
    const stale = isStale(c, clock);
    if (!stale) held.add(c.task);
    claims.push({
      task: c.task,
      holder: c.holder.actor,
      kind: c.holder.kind,
      epoch: c.epoch,
      expiresAt: c.expiresAt,
      secondsLeft: left,
      state: stale ? "stale" : left < c.leaseSeconds * EXPIRING_FRACTION ? "expiring" : "live",
      worktree: c.worktree ?? c.holder.worktree ?? null,
      branch: c.branch ?? c.holder.branch ?? null,
    });
  }
  claims.sort((a, b) => a.secondsLeft - b.secondsLeft);
  // A task whose claim went stale is as claimable as a ready one.
  const claimable = (t: (typeof tasks)[number]) => t.status === "ready" || (["claimed", "in_progress", "blocked"].includes(t.status) && !held.has(t.id));
  const ready = tasks.filter((t) => claimable(t) && !held.has(t.id) && t.dependencies.every((d) => statusOf.get(d) === "done")).map((t) => t.id);
  return {
    project: plan.project.name,
    formatVersion: plan.formatVersion,
    ref: ctx.store.ref,
    tip: snap.commit as string,
    documents: snap.size,
    specs: allSpecs(snap).map((s) => ({ id: s.id, status: s.status })),
    tasks: { total: tasks.length, byStatus },
    claims,
    ready,
  };
}
