import type { SpecDoc, TaskDoc } from "../../schema/types.js";
import { isApproved } from "../spec/lifecycle.js";

export interface GateFinding {
  rule: string;
  message: string;
}

/**
 * The readiness gate (draft → ready): at least one acceptance criterion and one
 * verification command, and an approved spec for tasks that come from one.
 */
export function readinessFindings(task: TaskDoc, spec: SpecDoc | undefined): GateFinding[] {
  const out: GateFinding[] = [];
  if (task.acceptanceCriteria.length === 0) out.push({ rule: "acceptance-criteria", message: "the task has no acceptance criteria" });
  if (task.verification.length === 0) out.push({ rule: "verification", message: "the task has no verification command" });
  if (task.spec !== null && !isApproved(spec)) {
    out.push({ rule: "spec-approved", message: `spec ${task.spec} is ${spec ? spec.status : "missing"}${spec?.status === "approved" ? " for other content" : ""}, not approved` });
  }
  return out;
}

/** True when the task's content is exactly what its readiness review approved. */
export function reviewedContentCurrent(task: TaskDoc): boolean {
  return task.readiness?.contentHash === task.contentHash;
}
