/**
 * Which tasks should be split before anyone claims them. A task is advised when
 *   - it has not started (draft or ready): splitting claimed work would strand its claim
 *     and evidence, and finished work has nothing left to split;
 *   - it has no subtask yet (a task whose `parent` names it and that is not cancelled);
 *   - it is big: effective complexity >= 4 or context load >= 4 (a human override down
 *     to 3 silences the advice, which is the point of overriding);
 *   - it is divisible: at least 3 acceptance criteria, or a broad scope (3+ directories,
 *     5+ globs, or 2+ recursive `**` globs). A big task with one criterion and one
 *     directory has no seam to cut along, so advising a split would be noise.
 * Suggested subtasks = clamp(2..6, max(ceil(criteria / 2), broad ? max(dirs, ceil(globs / 3)) : 1)):
 * about two criteria per subtask, or one per directory of a broad scope.
 * Advice is ordered by max(complexity, contextLoad) descending, then their sum, then id.
 */
import { transitiveDependentsCount } from "./dag.js";
import { compareIds } from "./graph.js";
import { localFeatures, scoreFeatures, scoreTaskWith } from "./scores.js";
import type { PlanTask } from "./types.js";

export interface ExpansionAdvice {
  taskId: string;
  /** Suggested number of subtasks, 2..6. */
  subtasks: number;
  /** One line: the scores and the seams that justify the split. */
  reason: string;
  complexity: number;
  contextLoad: number;
}

export function expansionAdvice(tasks: readonly PlanTask[], plan: readonly PlanTask[]): ExpansionAdvice[] {
  const withSubtasks = new Set(
    plan.filter((t) => t.parent !== null && t.status !== "cancelled").map((t) => t.parent as string),
  );
  const planIds = new Set(plan.map((t) => t.id));
  const unblocks = transitiveDependentsCount(plan);
  const advice: ExpansionAdvice[] = [];
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    if (task.status !== "draft" && task.status !== "ready") continue;
    if (withSubtasks.has(task.id)) continue;
    // A task outside the plan still gets its dependents counted against the plan.
    const count = planIds.has(task.id) ? (unblocks.get(task.id) ?? 0) : scoreFeatures(task, plan).transitiveDependents;
    const scores = scoreTaskWith(task, count);
    const complexity = scores.complexity.value;
    const contextLoad = scores.contextLoad.value;
    if (complexity < 4 && contextLoad < 4) continue;
    const f = localFeatures(task);
    const broad = f.directories >= 3 || f.globs >= 5 || f.recursiveGlobs >= 2;
    if (f.criteria < 3 && !broad) continue;
    const byCriteria = Math.ceil(f.criteria / 2);
    const byScope = broad ? Math.max(f.directories, Math.ceil(f.globs / 3)) : 1;
    const subtasks = Math.max(2, Math.min(6, Math.max(byCriteria, byScope)));
    const seams: string[] = [];
    if (f.criteria >= 3) seams.push(`${f.criteria} acceptance criteria`);
    if (broad) seams.push(`a scope of ${f.globs} globs over ${f.directories} directories`);
    advice.push({
      taskId: task.id,
      subtasks,
      complexity,
      contextLoad,
      reason:
        `complexity ${complexity}, context load ${contextLoad}; ${seams.join(" and ")}: ` +
        `split into about ${subtasks} subtasks` +
        (byCriteria >= byScope ? ` of ~${Math.max(1, Math.round(f.criteria / subtasks))} criteria each` : " along directory lines"),
    });
  }
  return advice.sort(
    (a, b) =>
      Math.max(b.complexity, b.contextLoad) - Math.max(a.complexity, a.contextLoad) ||
      b.complexity + b.contextLoad - (a.complexity + a.contextLoad) ||
      compareIds(a.taskId, b.taskId),
  );
}
