/**
 * Structural checks and orderings of the dependency graph. Edges point from a task to
 * the tasks it depends on; "T001 -> T003" in a cycle name reads "T001 depends on T003".
 */
import { ValidationError } from "../../errors.js";
import type { Issue } from "../../errors.js";
import { buildGraph, countTransitiveDependents, NodeHeap, representativeCycle, stronglyConnected } from "./graph.js";
import type { PlanTask } from "./types.js";

export type PlanIssueCode =
  | "duplicate-id"
  | "unknown-dependency"
  | "self-dependency"
  | "cycle"
  | "cancelled-dependency";

/** An Issue that also names the task(s) involved, so callers can map it to documents. */
export interface PlanIssue extends Issue {
  code: PlanIssueCode;
  /** The task whose document holds the problem. */
  taskId: string;
  /** Other tasks involved (the missing or cancelled dependency, the cycle's members). */
  related: string[];
  severity: "error" | "warning";
}

/**
 * Every structural problem of the plan: duplicate ids, unknown dependencies,
 * self-dependencies and cycles are errors; a dependency on a cancelled task is a warning,
 * because the plan is still well formed but the dependent can never become claimable.
 * Issues come out grouped by kind and then by task id, so the list is stable.
 */
export function validateDag(tasks: readonly PlanTask[]): PlanIssue[] {
  const graph = buildGraph(tasks);
  const issues: PlanIssue[] = [];

  for (const id of graph.duplicateIds) {
    issues.push({
      code: "duplicate-id",
      taskId: id,
      related: [],
      severity: "error",
      message: `task id ${id} is used by more than one task`,
      hint: "Give every task its own id.",
    });
  }

  graph.tasks.forEach((task, i) => {
    if (graph.selfDependent[i] === true) {
      issues.push({
        code: "self-dependency",
        taskId: task.id,
        related: [task.id],
        severity: "error",
        message: `${task.id} depends on itself`,
        pointer: `/dependencies/${task.dependencies.indexOf(task.id)}`,
        hint: `Remove ${task.id} from its own dependencies.`,
      });
    }
    for (const dep of graph.unknownDeps[i] as readonly string[]) {
      issues.push({
        code: "unknown-dependency",
        taskId: task.id,
        related: [dep],
        severity: "error",
        message: `${task.id} depends on unknown task ${dep}`,
        pointer: `/dependencies/${task.dependencies.indexOf(dep)}`,
        hint: `Add task ${dep} or remove the dependency.`,
      });
    }
  });

  graph.tasks.forEach((task, i) => {
    if (task.status === "cancelled" || task.status === "done") return;
    for (const j of graph.deps[i] as readonly number[]) {
      const dep = graph.tasks[j] as PlanTask;
      if (dep.status !== "cancelled") continue;
      issues.push({
        code: "cancelled-dependency",
        taskId: task.id,
        related: [dep.id],
        severity: "warning",
        message: `${task.id} depends on cancelled task ${dep.id}; it can never become claimable`,
        pointer: `/dependencies/${task.dependencies.indexOf(dep.id)}`,
        hint: `Remove the dependency on ${dep.id}, or cancel ${task.id} too.`,
      });
    }
  });

  for (const component of cyclicComponents(graph)) {
    const cycle = representativeCycle(graph, component).map((v) => graph.ids[v] as string);
    const start = cycle[0] as string;
    const next = cycle[1] as string;
    const startTask = graph.tasks[component[0] as number] as PlanTask;
    const members = component.map((v) => graph.ids[v] as string);
    const others = members.filter((id) => !cycle.includes(id));
    issues.push({
      code: "cycle",
      taskId: start,
      related: members,
      severity: "error",
      message:
        `dependency cycle: ${cycle.join(" -> ")}` +
        (others.length > 0 ? ` (the same knot also involves ${others.join(", ")})` : ""),
      pointer: `/dependencies/${startTask.dependencies.indexOf(next)}`,
      hint: "Each task depends on the next; remove one of these dependencies.",
    });
  }
  return issues;
}

/** Components of two or more tasks that depend on each other in a ring, by smallest id. */
function cyclicComponents(graph: ReturnType<typeof buildGraph>): number[][] {
  const { components } = stronglyConnected(graph.ids.length, (v) => graph.deps[v] as readonly number[]);
  return components.filter((c) => c.length > 1).sort((a, b) => (a[0] as number) - (b[0] as number));
}

/**
 * Every task id with dependencies before dependents; among tasks whose dependencies are
 * all placed, the smallest id comes first, so the order is a pure function of the plan.
 * Unknown dependencies are skipped here (validateDag reports them); duplicate ids and
 * cycles make an order impossible and throw a ValidationError carrying the issues.
 */
export function topologicalOrder(tasks: readonly PlanTask[]): string[] {
  const fatal = validateDag(tasks).filter(
    (issue) => issue.code === "cycle" || issue.code === "self-dependency" || issue.code === "duplicate-id",
  );
  if (fatal.length > 0) {
    throw new ValidationError(`the task graph has no order: ${fatal.map((i) => i.message).join("; ")}`, fatal, {
      hint: "Fix the dependencies named in the issues, then retry.",
    });
  }
  const graph = buildGraph(tasks);
  const waiting = graph.deps.map((d) => d.length);
  const heap = new NodeHeap();
  waiting.forEach((count, v) => {
    if (count === 0) heap.push(v);
  });
  const order: string[] = [];
  for (let v = heap.pop(); v !== undefined; v = heap.pop()) {
    order.push(graph.ids[v] as string);
    for (const d of graph.dependents[v] as readonly number[]) {
      waiting[d] = (waiting[d] as number) - 1;
      if (waiting[d] === 0) heap.push(d);
    }
  }
  return order;
}

/** Direct dependents of every task (ids ascending); every task id is a key. */
export function dependents(tasks: readonly PlanTask[]): Map<string, string[]> {
  const graph = buildGraph(tasks);
  const out = new Map<string, string[]>();
  graph.ids.forEach((id, v) => {
    out.set(
      id,
      (graph.dependents[v] as readonly number[]).map((d) => graph.ids[d] as string),
    );
  });
  return out;
}

/**
 * How many tasks each task unblocks, directly or through others. Cancelled tasks neither
 * count nor pass the count on: work behind a tombstone can never start, so finishing the
 * task would not unblock it. Cycles are tolerated (members count each other).
 */
export function transitiveDependentsCount(tasks: readonly PlanTask[]): Map<string, number> {
  const graph = buildGraph(tasks);
  const counts = countTransitiveDependents(graph, (v) => (graph.tasks[v] as PlanTask).status !== "cancelled");
  const out = new Map<string, number>();
  graph.ids.forEach((id, v) => out.set(id, counts[v] as number));
  return out;
}
