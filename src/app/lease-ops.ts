import { releaseClaim, renewClaim } from "../domain/claims/claim.js";
import { isLive } from "../domain/claims/lease.js";
import { NotFoundError, UsageError } from "../errors.js";
import type { ClaimDoc, TaskDoc } from "../schema/types.js";
import type { Snapshot } from "../store/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { allClaims, getClaim, leaseClock } from "./state/claims.js";
import { claimPath, taskPath } from "./state/documents.js";
import { readPlan } from "./state/plan.js";
import { getTask, resolveTaskId } from "./state/tasks.js";

/**
 * The claims this actor holds that belong to this worktree (remembered from `claim` here,
 * or claimed for this worktree's path); failing that, all of this actor's live claims.
 */
export function myLiveClaims(ctx: AppContext, snap: Snapshot): ClaimDoc[] {
  const clock = leaseClock(ctx, readPlan(snap));
  const mine = allClaims(snap).filter((c) => c.holder.actor === ctx.actor.name && isLive(c, clock));
  const remembered = new Set(ctx.leases?.tasks() ?? []);
  const here = mine.filter((c) => remembered.has(c.task) || (ctx.session.worktree !== null && (c.worktree ?? c.holder.worktree) === ctx.session.worktree));
  return here.length > 0 ? here : mine;
}

/** The task a command acts on when none is named: the caller's single live claim. */
export function myTask(ctx: AppContext, snap: Snapshot, explicit: string | undefined): string {
  if (explicit) return resolveTaskId(snap, explicit);
  const pick = myLiveClaims(ctx, snap);
  if (pick.length === 1) return (pick[0] as ClaimDoc).task;
  // A claim this worktree remembers but lost (taken over, expired) is still "mine": naming it
  // lets the lease check report LEASE_LOST instead of a puzzling "no claim".
  const remembered = ctx.leases?.tasks() ?? [];
  if (pick.length === 0 && remembered.length === 1) return remembered[0] as string;
  if (pick.length === 0) throw new NotFoundError("NOT_FOUND", `${ctx.actor.name} holds no live claim`, { hint: "Name the task, or claim one: planref next, then planref claim <task>." });
  throw new UsageError(`${ctx.actor.name} holds ${pick.length} live claims; name the task`, { data: { tasks: pick.map((c) => c.task) } });
}

/** The epoch to fence with: an explicit one, else what this worktree remembers. */
export function fenceEpoch(ctx: AppContext, task: string, explicit: number | undefined): number | undefined {
  return explicit ?? ctx.leases?.recall(task);
}

export interface HeartbeatResult {
  task: string;
  epoch: number;
  expiresAt: string;
  status: TaskDoc["status"];
  commit: string;
}

/** Renews the lease (one commit); fails with LEASE_LOST when the claim is no longer the caller's. */
export async function heartbeat(ctx: AppContext, input: { task?: string; epoch?: number } = {}): Promise<HeartbeatResult> {
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const id = myTask(ctx, snap, input.task);
    const task = getTask(snap, id) as TaskDoc;
    const epoch = fenceEpoch(ctx, id, input.epoch);
    const r = renewClaim(task, getClaim(snap, id) as ClaimDoc, { actor: ctx.actor.name, ...(epoch !== undefined ? { epoch } : {}) }, leaseClock(ctx, plan));
    const changes: Array<{ path: string; value: unknown }> = [{ path: claimPath(id), value: r.claim }];
    if (r.task !== task) changes.push({ path: taskPath(id), value: r.task });
    return {
      changes,
      commit: commitInfo(ctx, "heartbeat", `heartbeat ${id}`, { task: id, epoch: r.claim.epoch }),
      result: { task: id, epoch: r.claim.epoch, expiresAt: r.claim.expiresAt, status: r.task.status },
    };
  });
  return { ...res.result, commit: res.commit as string };
}

export interface ReleaseInput {
  task: string;
  force?: boolean;
  reason?: string;
  epoch?: number;
}

export async function release(ctx: AppContext, input: ReleaseInput): Promise<{ task: string; holder: string; forced: boolean; commit: string }> {
  if (input.force && !input.reason?.trim()) throw new UsageError("release --force needs --reason", { hint: 'planref release <task> --force --reason "why"' });
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const id = resolveTaskId(snap, input.task);
    const epoch = input.force ? undefined : fenceEpoch(ctx, id, input.epoch);
    const r = releaseClaim({
      task: getTask(snap, id) as TaskDoc,
      claim: getClaim(snap, id),
      actor: ctx.actor.name,
      ...(epoch !== undefined ? { epoch } : {}),
      ...(input.force ? { force: { reason: input.reason as string } } : {}),
      clock: leaseClock(ctx, plan),
    });
    const forced = input.force === true;
    return {
      changes: [
        { path: claimPath(id), value: r.claim },
        { path: taskPath(id), value: r.task },
      ],
      commit: commitInfo(
        ctx,
        forced ? "force-release" : "release",
        forced ? `force-release task ${id} held by ${r.holder}` : `release task ${id}`,
        { task: id, epoch: r.claim.epoch, extra: forced ? [["Planref-Holder", r.holder]] : [] },
        input.reason,
      ),
      result: { task: id, holder: r.holder, forced },
    };
  });
  ctx.leases?.forget(res.result.task);
  return { ...res.result, commit: res.commit as string };
}
