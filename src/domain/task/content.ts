import type { TaskDoc } from "../../schema/types.js";
import { stableStringify } from "../canonical.js";

/** The fields a review approves; a change to any of them needs a new review. */
export const CONTENT_FIELDS = [
  "title",
  "intent",
  "priority",
  "feature",
  "parent",
  "acceptanceCriteria",
  "verification",
  "scope",
  "nonGoals",
  "dependencies",
  "requiredEvidence",
  "manualSteps",
] as const;

export type ContentField = (typeof CONTENT_FIELDS)[number];
export type TaskContent = Pick<TaskDoc, ContentField>;

/** Canonical text of a task's content; the app layer hashes it (domain code does no crypto). */
export function contentText(task: TaskContent): string {
  return JSON.stringify(CONTENT_FIELDS.map((f) => [f, task[f]]));
}

export function changedFields(a: TaskContent, b: TaskContent): ContentField[] {
  return CONTENT_FIELDS.filter((f) => stableStringify(a[f]) !== stableStringify(b[f]));
}
