import type { TaskScores } from "../domain/planning/index.js";
import { computeScores } from "../domain/planning/index.js";
import { reviewedContentCurrent } from "../domain/task/readiness.js";
import type { TaskDoc, TaskStatus } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { toPlanTask } from "./state/planning.js";
import { dependentsClosure, taskIndex } from "./state/task-index.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { allTasks, getTask, resolveSpecId, resolveTaskId } from "./state/tasks.js";

export interface TaskListQuery {
  status?: TaskStatus[];
  spec?: string;
  /** Only tasks whose dependencies are all done and which are ready to claim. */
  ready?: boolean;
  includeCancelled?: boolean;
}

export interface TaskRow {
  id: string;
  localId: string;
  spec: string | null;
  title: string;
  status: TaskStatus;
  priority: TaskDoc["priority"];
  dependencies: string[];
  blockedBy: string[];
}

export async function listTasks(ctx: AppContext, query: TaskListQuery = {}): Promise<TaskRow[]> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const specId = query.spec ? resolveSpecId(snap, query.spec) : undefined;
  const tasks = allTasks(snap);
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  const rows: TaskRow[] = [];
  for (const t of tasks) {
    if (specId !== undefined && t.spec !== specId) continue;
    if (query.status && !query.status.includes(t.status)) continue;
    if (!query.status && !query.includeCancelled && t.status === "cancelled") continue;
    const blockedBy = t.dependencies.filter((d) => status.get(d) !== "done");
    if (query.ready && (t.status !== "ready" || blockedBy.length > 0)) continue;
    rows.push({ id: t.id, localId: t.localId, spec: t.spec, title: t.title, status: t.status, priority: t.priority, dependencies: t.dependencies, blockedBy });
  }
  return rows;
}

export interface TaskDetail {
  task: TaskDoc;
  scores: TaskScores;
  blockedBy: string[];
  dependents: string[];
  /** The readiness review approved exactly the current content. */
  reviewCurrent: boolean;
}

export async function showTask(ctx: AppContext, ref: string): Promise<TaskDetail> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const task = getTask(snap, resolveTaskId(snap, ref)) as TaskDoc;
  // Independent of the clock: a stale claim turns held into ready, and these read only done and cancelled.
  const index = taskIndex(snap);
  return {
    task,
    scores: computeScores(toPlanTask(task), dependentsClosure(index, task.id)),
    blockedBy: task.dependencies.filter((d) => index.status.get(d) !== "done"),
    dependents: [...(index.dependents.get(task.id) ?? [])],
    reviewCurrent: reviewedContentCurrent(task),
  };
}
