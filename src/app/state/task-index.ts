import type { PlanTask } from "../../domain/planning/index.js";
import type { TaskStatus } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
import { toPlanTask } from "./planning.js";
import { type TaskTable, taskTable } from "./tasks.js";

/** Lookups over every task that a single-task read needs, made once per task table instead of once per call. */
export interface TaskIndex {
  /** Each task as the planner sees it, with its stored status (a stale claim changes held to ready, never to or from done or cancelled). */
  readonly plan: ReadonlyMap<string, PlanTask>;
  readonly status: ReadonlyMap<string, TaskStatus>;
  /** The tasks that list each id among their dependencies, in reading order. */
  readonly dependents: ReadonlyMap<string, readonly string[]>;
}

const indexes = new WeakMap<TaskTable, TaskIndex>();

export function taskIndex(snap: Snapshot): TaskIndex {
  const table = taskTable(snap);
  let index = indexes.get(table);
  if (!index) {
    const plan = new Map<string, PlanTask>();
    const status = new Map<string, TaskStatus>();
    const dependents = new Map<string, string[]>();
    for (const t of table.sorted) {
      plan.set(t.id, toPlanTask(t));
      status.set(t.id, t.status);
      for (const d of new Set(t.dependencies)) {
        const list = dependents.get(d);
        if (list) list.push(t.id);
        else dependents.set(d, [t.id]);
      }
    }
    index = { plan, status, dependents };
    indexes.set(table, index);
  }
  return index;
}

/**
 * The tasks that depend on `id` directly or transitively, not through cancelled ones: the
 * only part of the plan a task's scores read, so scoring one task costs its dependents, not
 * the whole plan.
 */
export function dependentsClosure(index: TaskIndex, id: string): PlanTask[] {
  const seen = new Set([id]);
  const out: PlanTask[] = [];
  const queue = [id];
  for (let head = 0; head < queue.length; head++) {
    for (const d of index.dependents.get(queue[head] as string) ?? []) {
      const t = index.plan.get(d) as PlanTask;
      if (seen.has(d) || t.status === "cancelled") continue;
      seen.add(d);
      queue.push(d);
      out.push(t);
    }
  }
  return out;
}
