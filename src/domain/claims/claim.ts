import { ClaimConflictError, GateRefusedError, InvalidTransitionError, LeaseLostError, UsageError } from "../../errors.js";
import type { ClaimAttempt, ClaimDoc, ClaimEnding, Holder, TaskDoc } from "../../schema/types.js";
import { findOverlaps } from "../globs/index.js";
import { HELD_STATUSES, isLive, isStale, type LeaseClock } from "./lease.js";

export interface AcquireInput {
  task: TaskDoc;
  current: ClaimDoc | undefined;
  /** Status of every task, for the dependency check. */
  statusOf: (taskId: string) => TaskDoc["status"] | undefined;
  /** Live claims on other tasks, for the scope-overlap check. */
  otherLive: readonly ClaimDoc[];
  holder: Holder;
  clock: LeaseClock;
  leaseSeconds: number;
  scope: string[];
  baseCommit: string | null;
  branch: string | null;
  worktree: string | null;
  forceOverlap?: { reason: string };
}

export interface AcquireResult {
  claim: ClaimDoc;
  task: TaskDoc;
  outcome: "acquired" | "taken-over" | "already-held";
  /** The stale claim that was taken over. */
  previous?: ClaimDoc;
}


/**
 * Decides a claim against the state at the tip. Exclusivity comes from running this inside
 * the CAS transaction: of two claimers, the second re-runs it and sees the first's claim.
 */
export function acquireClaim(input: AcquireInput): AcquireResult {
  const { task, current, clock } = input;
  const at = new Date(clock.now).toISOString();
  if (current && isLive(current, clock)) {
    if (current.holder.actor === input.holder.actor) return { claim: current, task, outcome: "already-held" };
    throw new ClaimConflictError(`task ${task.id} is claimed by ${current.holder.actor} until ${current.expiresAt}`, {
      hint: `Pick another task (planref next), or wait until the lease goes stale after ${current.expiresAt} plus the skew margin.`,
      data: { task: task.id, holder: current.holder, epoch: current.epoch, expiresAt: current.expiresAt },
    });
  }
  const takingOver = current !== undefined && current.state === "live";
  if (!(task.status === "ready" || (takingOver && HELD_STATUSES.has(task.status)))) {
    if (task.status === "draft") {
      throw new GateRefusedError(`task ${task.id} is draft: it needs a readiness review before it can be claimed`, { hint: `planref task review ${task.id} --approve`, data: { task: task.id, status: task.status } });
    }
    throw new InvalidTransitionError("task", task.id, task.status, "claim");
  }
  const waiting = task.dependencies.filter((d) => input.statusOf(d) !== "done");
  if (waiting.length > 0) {
    throw new GateRefusedError(`task ${task.id} waits on ${waiting.join(", ")}`, { hint: "Claim a task whose dependencies are done (planref next).", data: { task: task.id, waitingOn: waiting } });
  }
  const overlaps = input.otherLive.flatMap((c) => findOverlaps(input.scope, c.scope).map(([mine, theirs]) => ({ task: c.task, holder: c.holder.actor, mine, theirs })));
  if (overlaps.length > 0 && !input.forceOverlap) {
    const first = overlaps[0] as (typeof overlaps)[number];
    throw new ClaimConflictError(`scope of ${task.id} overlaps the live claim on ${first.task} by ${first.holder} (${first.mine} vs ${first.theirs})`, {
      hint: "Narrow the scope with --scope, wait for that claim to end, or pass --force-overlap --reason <why>.",
      data: { task: task.id, overlaps },
    });
  }
  if (input.forceOverlap && !input.forceOverlap.reason.trim()) throw new UsageError("--force-overlap needs --reason");

  const attempts: ClaimAttempt[] = [...(current?.attempts ?? [])];
  if (current) attempts.push(toAttempt(current, current.ended ?? { how: "expired", at, by: input.holder.actor }));
  const claim: ClaimDoc = {
    task: task.id,
    epoch: (current?.epoch ?? 0) + 1,
    state: "live",
    holder: input.holder,
    acquiredAt: at,
    renewedAt: at,
    leaseSeconds: input.leaseSeconds,
    expiresAt: new Date(clock.now + input.leaseSeconds * 1000).toISOString(),
    scope: input.scope,
    baseCommit: input.baseCommit,
    branch: input.branch,
    worktree: input.worktree,
    ...(input.forceOverlap && overlaps.length > 0 ? { forcedOverlap: { reason: input.forceOverlap.reason, with: [...new Set(overlaps.map((o) => o.task))] } } : {}),
    attempts,
  };
  return {
    claim,
    task: { ...task, status: "claimed", updatedAt: at },
    outcome: takingOver ? "taken-over" : "acquired",
    ...(takingOver ? { previous: current } : {}),
  };
}

/**
 * Every attempt on the task that is over, oldest first: the recorded ones, and the claim
 * document itself once it is not live (released, submitted, or stale and not yet taken over:
 * a crashed holder's work is what the next one most needs to see). A stale claim's attempt
 * ended when its lease expired, by nobody's hand.
 */
export function pastAttempts(claim: ClaimDoc | undefined, live: boolean): ClaimAttempt[] {
  if (!claim) return [];
  if (live) return claim.attempts;
  return [...claim.attempts, toAttempt(claim, claim.ended ?? { how: "expired", at: claim.expiresAt, by: claim.holder.actor })];
}

function toAttempt(c: ClaimDoc, ending: ClaimEnding): ClaimAttempt {
  return { epoch: c.epoch, holder: c.holder, acquiredAt: c.acquiredAt, lastRenewedAt: c.renewedAt, branch: c.branch, worktree: c.worktree, baseCommit: c.baseCommit, ending };
}

export interface Fence {
  actor: string;
  /** The epoch the caller believes it holds; omitted means "whatever this actor holds". */
  epoch?: number;
}

/**
 * Fencing: a write on behalf of a claim is accepted only while that exact claim (actor and
 * epoch) is live. Anything else is LEASE_LOST, so nothing attaches to the wrong claim.
 */
export function checkFence(taskId: string, claim: ClaimDoc | undefined, fence: Fence, clock: LeaseClock): ClaimDoc {
  const lost = (why: string, data: Record<string, unknown> = {}) =>
    new LeaseLostError(`lease lost on ${taskId}: ${why}`, {
      hint: `Stop work on ${taskId}; run "planref claim ${taskId}" to claim it again if it is free.`,
      data: { task: taskId, ...data },
    });
  if (!claim) throw lost("the task has no claim");
  if (fence.epoch !== undefined && fence.epoch !== claim.epoch) {
    throw lost(`your epoch ${fence.epoch} is not the current epoch ${claim.epoch} (held by ${claim.holder.actor})`, { epoch: fence.epoch, currentEpoch: claim.epoch, holder: claim.holder.actor });
  }
  if (claim.holder.actor !== fence.actor) throw lost(`it is held by ${claim.holder.actor}, not ${fence.actor}`, { currentEpoch: claim.epoch, holder: claim.holder.actor });
  if (claim.state !== "live") throw lost(`the claim was ${claim.state}${claim.ended ? ` by ${claim.ended.by}` : ""}`, { currentEpoch: claim.epoch, state: claim.state });
  if (isStale(claim, clock)) throw lost(`the lease expired at ${claim.expiresAt}`, { currentEpoch: claim.epoch, expiresAt: claim.expiresAt });
  return claim;
}

/** Heartbeat: renews the lease; the first activity moves the task from claimed to in_progress. */
export function renewClaim(task: TaskDoc, claim: ClaimDoc, fence: Fence, clock: LeaseClock): { claim: ClaimDoc; task: TaskDoc } {
  checkFence(task.id, claim, fence, clock);
  const at = new Date(clock.now).toISOString();
  return {
    claim: { ...claim, renewedAt: at, expiresAt: new Date(clock.now + claim.leaseSeconds * 1000).toISOString() },
    task: task.status === "claimed" ? { ...task, status: "in_progress", updatedAt: at } : task,
  };
}

export interface ReleaseInput {
  task: TaskDoc;
  claim: ClaimDoc | undefined;
  actor: string;
  epoch?: number;
  force?: { reason: string };
  clock: LeaseClock;
}

/** Release by the holder, or force-release by anyone else with a reason; the task goes back to ready. */
export function releaseClaim(input: ReleaseInput): { claim: ClaimDoc; task: TaskDoc; holder: string } {
  const { task, claim, clock } = input;
  const at = new Date(clock.now).toISOString();
  if (!claim || claim.state !== "live") throw new InvalidTransitionError("task", task.id, claim ? `not claimed (last claim ${claim.state})` : "not claimed", "release");
  let ending: ClaimEnding;
  if (input.force) {
    if (!input.force.reason.trim()) throw new UsageError("--force needs --reason");
    ending = { how: "force-released", at, by: input.actor, reason: input.force.reason };
  } else {
    checkFence(task.id, claim, { actor: input.actor, ...(input.epoch !== undefined ? { epoch: input.epoch } : {}) }, clock);
    ending = { how: "released", at, by: input.actor };
  }
  const back = HELD_STATUSES.has(task.status) ? { ...task, status: "ready" as const, updatedAt: at } : task;
  return { claim: { ...claim, state: ending.how === "released" ? "released" : "force-released", ended: ending }, task: back, holder: claim.holder.actor };
}
