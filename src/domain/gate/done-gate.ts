import type { EvidenceDoc, Finding, ReviewDoc, SubmissionDoc, TaskDoc } from "../../schema/types.js";
import { requiredEvidenceFindings, scopeFindings, verificationFindings } from "./checks.js";

export interface GateInput {
  task: TaskDoc;
  submission: SubmissionDoc | undefined;
  reviews: readonly ReviewDoc[];
  evidence: readonly EvidenceDoc[];
  /** The work branch's HEAD now, and what changed since the claim's base. */
  head: string | null;
  worktreeState?: string | null;
  changedFiles: readonly string[];
  scope: readonly string[];
  claimant: string | null;
  distinctReviewer: boolean;
  requireFreshVerification: boolean;
  waivers: ReadonlyMap<string, string>;
}

export interface GateReport {
  task: string;
  holds: boolean;
  /** Everything found, waived or not. */
  findings: Array<Finding & { waived?: string }>;
  /** What still stops the task from becoming done. */
  blocking: Finding[];
  review: ReviewDoc | null;
}

/** Reviews and waivers can settle judgement calls; only evidence settles facts. */
const WAIVABLE = new Set<Finding["rule"]>(["out-of-scope", "evidence-missing", "declared-unchanged", "unseen-command"]);

/**
 * The done gate (plan, then apply): an approving review of the latest submission, by
 * someone other than the claimant when configured; every verification command passing,
 * captured by planref or a hook, at the work branch's current HEAD after the last change;
 * required evidence satisfied; no unwaived scope violation.
 */
export function evaluateGate(input: GateInput): GateReport {
  const findings: Finding[] = [];
  const sub = input.submission;
  const review = sub ? [...input.reviews].filter((r) => r.submission === sub.id).sort((a, b) => (a.at < b.at ? -1 : 1)).pop() ?? null : null;
  if (!sub) findings.push({ id: "review-missing:submission", rule: "review-missing", message: "the task has no submission" });
  else if (!review) findings.push({ id: "review-missing", rule: "review-missing", message: `submission ${sub.id} has no review yet` });
  else if (review.verdict !== "approve") findings.push({ id: "review-not-approved", rule: "review-not-approved", message: `the latest review (${review.by}) is ${review.verdict}` });
  else if (input.distinctReviewer && input.claimant !== null && review.by === input.claimant) {
    findings.push({ id: "review-by-claimant", rule: "review-by-claimant", message: `${review.by} reviewed their own work; plan.yaml requires a different reviewer` });
  }
  // What the reviewer approved is the submitted work; anything changed since needs a new review.
  if (sub && review?.verdict === "approve") {
    if (input.head !== null && sub.head !== null && sub.head !== input.head) {
      findings.push({ id: "review-stale", rule: "review-stale", message: `the work changed after review: submitted at ${sub.head.slice(0, 10)}, HEAD is now ${input.head.slice(0, 10)}; submit again for a new review` });
    } else if (input.worktreeState && sub.worktreeState && sub.worktreeState !== input.worktreeState) {
      findings.push({ id: "review-stale", rule: "review-stale", message: "the worktree changed after review (uncommitted or untracked changes); submit again for a new review" });
    }
  }
  const verification = input.requireFreshVerification
    ? verificationFindings(input.task, input.evidence, input.head, input.worktreeState ?? null)
    : verificationFindings(input.task, input.evidence, null).filter((f) => f.rule !== "verification-stale");
  findings.push(...verification);
  findings.push(...requiredEvidenceFindings(input.task, input.evidence, verification.length === 0));
  findings.push(...scopeFindings(input.changedFiles, input.scope));

  const all = findings.map((f) => {
    const reason = WAIVABLE.has(f.rule) ? input.waivers.get(f.id) : undefined;
    return reason ? { ...f, waived: reason } : f;
  });
  const blocking = all.filter((f) => !("waived" in f && f.waived));
  return { task: input.task.id, holds: blocking.length === 0, findings: all, blocking, review };
}
