import { globsOverlap } from "../../domain/globs/index.js";
import type { LiveClaim, OverlapFn, PlanTask } from "../../domain/planning/index.js";
import type { TaskDoc } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
import { HELD_STATUSES, type LeaseClock } from "../../domain/claims/lease.js";
import { liveClaims, toLiveClaim } from "./claims.js";
import { allTasks } from "./tasks.js";

export const overlaps: OverlapFn = (a, b) => globsOverlap(a, b);

export function toPlanTask(t: TaskDoc): PlanTask {
  return {
    id: t.id,
    title: t.title,
    intent: t.intent,
    acceptanceCriteria: t.acceptanceCriteria,
    verification: t.verification,
    scope: t.scope,
    dependencies: t.dependencies,
    priority: t.priority,
    status: t.status,
    parent: t.parent,
    nonGoals: t.nonGoals,
    requiredEvidence: t.requiredEvidence,
    manualSteps: t.manualSteps,
    ...(t.scoreOverrides ? { scoreOverrides: t.scoreOverrides } : {}),
  };
}

export interface PlanningView {
  tasks: PlanTask[];
  liveClaims: LiveClaim[];
}


/**
 * The plan as the planning algorithms see it: live claims, and tasks whose claim went
 * stale shown as ready again (anyone may take them over).
 */
export function planningView(snap: Snapshot, clock: LeaseClock): PlanningView {
  const live = liveClaims(snap, clock);
  const held = new Set(live.map((c) => c.task));
  const tasks = allTasks(snap).map((t) => {
    const p = toPlanTask(t);
    return HELD_STATUSES.has(t.status) && !held.has(t.id) ? { ...p, status: "ready" as const } : p;
  });
  return { tasks, liveClaims: live.map(toLiveClaim) };
}
