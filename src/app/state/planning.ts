import { globsOverlap } from "../../domain/globs/index.js";
import type { LiveClaim, OverlapFn, PlanTask } from "../../domain/planning/index.js";
import type { TaskDoc } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
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

/** The plan as the planning algorithms see it. Claims join this view when claims exist. */
export function planningView(snap: Snapshot, liveClaims: LiveClaim[] = []): PlanningView {
  return { tasks: allTasks(snap).map(toPlanTask), liveClaims };
}
