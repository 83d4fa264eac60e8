import { type Issue, ValidationError } from "../../errors.js";
import type { TaskDoc } from "../../schema/types.js";
import { validateGlobs } from "../globs/index.js";
import { validateDag } from "../planning/index.js";
import { type ContentField, changedFields, contentText, type TaskContent } from "./content.js";

export type ContentPatch = Partial<TaskContent>;

export interface EditResult {
  task: TaskDoc;
  fields: ContentField[];
  statusChange?: { from: string; to: string };
}

/**
 * Applies a content edit. A ready task whose content changes goes back to draft: its
 * readiness review approved other content (and other verification commands).
 */
export function editTaskContent(task: TaskDoc, patch: ContentPatch, now: string, hash: (t: string) => string): EditResult {
  if (task.status === "cancelled" || task.status === "done") {
    throw new ValidationError(`task ${task.id} is ${task.status}; its content can no longer change`, [{ message: `task is ${task.status}` }]);
  }
  const next: TaskDoc = { ...task, ...patch, updatedAt: now };
  const fields = changedFields(task, next);
  if (fields.length === 0) return { task, fields };
  next.contentHash = hash(contentText(next));
  if (task.status === "ready") {
    next.status = "draft";
    delete next.readiness;
    return { task: next, fields, statusChange: { from: "ready", to: "draft" } };
  }
  return { task: next, fields };
}

/** Checks a task against the plan it joins: globs, dependencies, parent, cycles. */
export function validateTaskInPlan(task: TaskDoc, plan: readonly TaskDoc[]): void {
  const issues: Issue[] = [];
  for (const i of validateGlobs(task.scope)) issues.push({ ...i, pointer: `/scope${i.pointer ?? ""}` });
  const byId = new Map(plan.map((t) => [t.id, t]));
  byId.set(task.id, task);
  if (task.parent !== null && !byId.has(task.parent)) issues.push({ pointer: "/parent", message: `parent task ${task.parent} does not exist` });
  if (task.parent === task.id) issues.push({ pointer: "/parent", message: "a task cannot be its own parent" });
  const dag = validateDag([...byId.values()].filter((t) => t.status !== "cancelled" || t.id === task.id));
  for (const i of dag) {
    if (i.severity === "error" && (i.taskId === task.id || i.related.includes(task.id))) issues.push(i);
  }
  if (issues.length > 0) {
    throw new ValidationError(`task ${task.id}: ${issues[0]?.message}`, issues, { hint: "Nothing was written; fix the values named above." });
  }
}
