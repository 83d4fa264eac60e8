import { InvalidTransitionError } from "../../errors.js";
import type { SpecDoc, SpecStatus, SpecVerdict } from "../../schema/types.js";

export interface SpecReviewInput {
  verdict: SpecVerdict;
  by: string;
  at: string;
  note?: string;
  supersededBy?: string;
}

/**
 * draft → reviewed → approved, plus rejected and superseded. A verdict is recorded as a
 * review row bound to the content hash it saw; approval binds the spec to that hash, so a
 * re-import with other text sends it back to draft.
 */
const ALLOWED: Record<SpecVerdict, { from: SpecStatus[]; to: SpecStatus }> = {
  "mark-reviewed": { from: ["draft"], to: "reviewed" },
  approve: { from: ["draft", "reviewed"], to: "approved" },
  "request-changes": { from: ["draft", "reviewed", "approved"], to: "draft" },
  reject: { from: ["draft", "reviewed", "approved"], to: "rejected" },
  supersede: { from: ["draft", "reviewed", "approved", "rejected"], to: "superseded" },
};

export function reviewSpec(spec: SpecDoc, input: SpecReviewInput): SpecDoc {
  const rule = ALLOWED[input.verdict];
  if (!rule.from.includes(spec.status)) {
    throw new InvalidTransitionError("spec", spec.id, spec.status, input.verdict, `Allowed from: ${rule.from.join(", ")}.`);
  }
  const next: SpecDoc = {
    ...spec,
    status: rule.to,
    reviews: [...spec.reviews, { by: input.by, at: input.at, verdict: input.verdict, contentHash: spec.contentHash, ...(input.note ? { note: input.note } : {}) }],
    updatedAt: input.at,
  };
  if (input.verdict === "approve") next.approval = { by: input.by, at: input.at, contentHash: spec.contentHash };
  if (input.verdict === "supersede" && input.supersededBy) next.supersededBy = input.supersededBy;
  return next;
}

/** Approved, and approved for exactly the text now stored. */
export function isApproved(spec: SpecDoc | undefined): boolean {
  return spec?.status === "approved" && spec.approval?.contentHash === spec.contentHash;
}
