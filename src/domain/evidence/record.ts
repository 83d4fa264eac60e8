import { renewClaim } from "../claims/claim.js";
import type { LeaseClock } from "../claims/lease.js";
import { checkFence, type Fence } from "../claims/claim.js";
import type { ClaimDoc, EvidenceDoc, TaskDoc } from "../../schema/types.js";
import { matchesCommand } from "./output.js";

export interface RecordInput {
  task: TaskDoc;
  claim: ClaimDoc | undefined;
  fence: Fence;
  clock: LeaseClock;
  heartbeatIntervalSeconds: number;
  evidence: Omit<EvidenceDoc, "task" | "epoch" | "verification">;
}

export interface RecordResult {
  evidence: EvidenceDoc;
  claim: ClaimDoc;
  task: TaskDoc;
  renewed: boolean;
}

/**
 * Evidence attaches only to the caller's current claim (fencing), counts as activity
 * (claimed → in_progress), and renews the lease at most once per heartbeat interval.
 */
export function recordEvidence(input: RecordInput): RecordResult {
  const claim = checkFence(input.task.id, input.claim, input.fence, input.clock);
  const due = input.clock.now - Date.parse(claim.renewedAt) >= input.heartbeatIntervalSeconds * 1000;
  let next = { claim, task: input.task };
  if (due || input.task.status === "claimed") next = renewClaim(input.task, claim, input.fence, input.clock);
  const evidence: EvidenceDoc = {
    ...input.evidence,
    task: input.task.id,
    epoch: claim.epoch,
    ...(input.evidence.command !== undefined ? { verification: input.task.verification.some((v) => matchesCommand(input.evidence.command as string, v)) } : {}),
  };
  return { evidence, claim: due ? next.claim : claim, task: next.task, renewed: due };
}
