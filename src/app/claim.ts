import { acquireClaim, type AcquireResult } from "../domain/claims/claim.js";
import { parseDuration } from "../domain/claims/duration.js";
import { isAbsolute } from "node:path";
import { validateGlobs } from "../domain/globs/index.js";
import { ClaimConflictError, RemoteError, UsageError, ValidationError } from "../errors.js";
import type { ClaimDoc, Holder, TaskDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { getClaim, leaseClock, liveClaims } from "./state/claims.js";
import { claimPath, taskPath } from "./state/documents.js";
import { readPlan } from "./state/plan.js";
import { getTask, resolveTaskId } from "./state/tasks.js";
import { isSyncError, syncState } from "./sync.js";
import { acknowledgeConflict } from "./conflicts.js";

export interface ClaimInput {
  task: string;
  /** Lease length such as "15m"; default from plan.yaml. */
  lease?: string;
  /** Globs; default the task's scope. */
  scope?: string[];
  /** Create the task branch (planref/<task>) from the caller's HEAD. */
  branch?: boolean;
  /** Add a linked worktree on the task branch; true means the default path. */
  worktree?: string | true;
  forceOverlap?: { reason: string };
}

export interface ClaimResult {
  claim: ClaimDoc;
  task: TaskDoc;
  outcome: AcquireResult["outcome"];
  previousHolder: string | null;
  commit: string | null;
}

/**
 * Team mode: a claim counts only once the push carrying it succeeded. The sync replays the
 * claim on the remote's state; if someone else claimed the task there first, the replay
 * turns it into a conflict record and the caller has lost.
 */
async function confirmRemotely(ctx: AppContext, remote: string | null, claim: ClaimDoc, commit: string): Promise<void> {
  if (!ctx.remotes || remote === null) return;
  let synced;
  try {
    synced = await syncState(ctx, { remote });
  } catch (e) {
    if (!isSyncError(e)) throw e;
    throw new RemoteError(`${claim.task} is claimed here but not on ${remote}: ${e.message}`, {
      code: e.code as "REMOTE_FAILED",
      hint: `In team mode a claim counts once it is pushed. Run planref sync to try again, or release it: planref release ${claim.task}`,
      data: { task: claim.task, epoch: claim.epoch, cause: e.toJSON() },
    });
  }
  const lost = synced.conflicts.find((c) => c.commit === commit);
  if (!lost) return;
  // The claimant learns it right here, so the record need not wait in status for them.
  await acknowledgeConflict(ctx, { id: lost.id, note: "reported to the claimant when the claim was refused" });
  const now = getClaim(await ctx.store.snapshot(), claim.task);
  const holder = now?.state === "live" ? now.holder.actor : null;
  throw new ClaimConflictError(holder ? `${claim.task} was claimed remotely by ${holder} (epoch ${now?.epoch}) before your claim reached ${synced.remote}` : `your claim on ${claim.task} did not stand on ${synced.remote}: ${lost.message}`, {
    hint: "Pick another task: planref next.",
    data: { task: claim.task, holder, ...(now ? { epoch: now.epoch, expiresAt: now.expiresAt } : {}), conflict: lost.id },
  });
}

/** In team mode, the remote a claim must reach; checked before anything is written. */
async function teamRemote(ctx: AppContext): Promise<string | null> {
  if (!ctx.remotes) return null;
  const snap = await ctx.store.snapshot();
  if (snap.commit === null) return null;
  const { sync } = readPlan(snap).settings;
  if (sync.mode !== "team") return null;
  const names = await ctx.remotes.names();
  if (!names.includes(sync.remote)) {
    throw new UsageError(`sync.mode is team, but this repository has no git remote "${sync.remote}" to confirm the claim on`, {
      hint: names.length ? `Point it at one: planref config set sync.remote ${names[0]}` : `Add the team's remote (git remote add ${sync.remote} <url>), or work solo: planref config set sync.mode solo`,
      data: { remote: sync.remote, remotes: names },
    });
  }
  return sync.remote;
}

export function taskBranchName(taskId: string): string {
  return `planref/${taskId}`;
}

/**
 * Claims a task. The decision happens inside the transaction against the tip, so of any
 * number of concurrent claimers exactly one wins; the others re-run and see its claim.
 * Branch and worktree are created afterwards, naming their targets explicitly, so the
 * caller's checkout is never touched.
 */
export async function claimTask(ctx: AppContext, input: ClaimInput): Promise<ClaimResult> {
  if (input.scope) {
    const issues = validateGlobs(input.scope);
    if (issues.length) throw new ValidationError(`invalid --scope glob: ${issues[0]?.message}`, issues);
  }
  const wantsBranch = input.branch === true || input.worktree !== undefined;
  if (typeof input.worktree === "string" && !isAbsolute(input.worktree)) {
    throw new UsageError(`--worktree path must be absolute here, got "${input.worktree}"`, { hint: "Front ends resolve relative paths against the caller's directory." });
  }
  const base = ctx.workspace && (wantsBranch || ctx.session.worktree) ? await ctx.workspace.head() : null;
  if (wantsBranch && !base) throw new UsageError("--branch and --worktree need a commit to start from, and this repository has none yet", { hint: "Make a first commit." });

  // Git's rules are checked before the claim is written, so a claim never names a branch or
  // worktree that cannot exist. A branch already checked out (a crashed holder's worktree)
  // is handed over as it is: the successor continues where the work was left.
  let worktreeChoice: string | null | undefined;
  let branchExists = false;
  let occupied: UsageError | null = null;
  if (wantsBranch && ctx.workspace) {
    const snap0 = await ctx.store.snapshot();
    const branch0 = taskBranchName(resolveTaskId(snap0, input.task));
    const existing = await ctx.workspace.worktreeOf(branch0);
    branchExists = existing !== null || (await ctx.workspace.resolveCommit(`refs/heads/${branch0}`).then(() => true, () => false));
    if (existing && input.worktree !== undefined) {
      if (typeof input.worktree === "string" && input.worktree !== existing) {
        throw new UsageError(`branch ${branch0} is already checked out at ${existing}`, { hint: `Use that worktree (--worktree without a path), or remove it first: git worktree remove ${existing}`, data: { branch: branch0, worktree: existing } });
      }
      worktreeChoice = existing;
    } else if (input.worktree !== undefined) {
      const path = input.worktree === true ? ctx.workspace.defaultWorktreePath(getTask(snap0, resolveTaskId(snap0, input.task))?.localId ?? branch0) : input.worktree;
      // Raised only once the claim itself would succeed: a concurrent winner may be creating this
      // very worktree, and the losers must learn that the task is claimed, not that a directory exists.
      if (ctx.workspace.occupied(path)) occupied = new UsageError(`${path} already exists and is not empty`, { hint: "Pass another --worktree path, or remove that directory." });
      worktreeChoice = path;
    }
  }

  const team = await teamRemote(ctx);
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const clock = leaseClock(ctx, plan);
    const id = resolveTaskId(snap, input.task);
    const task = getTask(snap, id) as TaskDoc;
    const leaseSeconds = parseDuration(input.lease ?? plan.settings.claims.lease, "--lease");
    const branch = wantsBranch ? taskBranchName(id) : null;
    const worktree = worktreeChoice ?? null;
    const holder: Holder = {
      actor: ctx.actor.name,
      kind: ctx.actor.kind,
      host: ctx.session.host,
      ...(ctx.session.worktree ? { worktree: worktree ?? ctx.session.worktree } : {}),
      ...((branch ?? ctx.session.branch) ? { branch: (branch ?? ctx.session.branch) as string } : {}),
      ...(ctx.session.id ? { session: ctx.session.id } : {}),
      ...(ctx.session.model ? { model: ctx.session.model } : {}),
    };
    const current = getClaim(snap, id);
    // An existing task branch is continued as it is, so its base stays the commit it was cut
    // from: the caller's HEAD may have moved on, and every file it moved would count as changed.
    const baseCommit = branchExists && current?.branch === branch && current.baseCommit ? current.baseCommit : base;
    const r = acquireClaim({
      task,
      current,
      statusOf: (d) => getTask(snap, d)?.status,
      otherLive: liveClaims(snap, clock).filter((c) => c.task !== id),
      holder,
      clock,
      leaseSeconds,
      scope: input.scope ?? task.scope,
      baseCommit,
      branch,
      worktree,
      ...(input.forceOverlap ? { forceOverlap: input.forceOverlap } : {}),
    });
    if (occupied) throw occupied;
    if (r.outcome === "already-held") {
      // Asking again for exactly what you hold is idempotent; asking for something else is refused.
      const c = r.claim;
      const changing =
        (input.lease !== undefined && leaseSeconds !== c.leaseSeconds) ||
        (input.scope !== undefined && JSON.stringify(input.scope) !== JSON.stringify(c.scope)) ||
        (wantsBranch && c.branch === null) ||
        (worktree !== null && worktree !== c.worktree) ||
        input.forceOverlap !== undefined;
      if (changing) {
        throw new UsageError(`you already hold ${id} (epoch ${r.claim.epoch}); its lease, scope and branch are set`, {
          hint: `Renew with planref heartbeat ${id}; to change the claim, release it and claim again.`,
          data: { task: id, epoch: r.claim.epoch },
        });
      }
      return { noop: true as const, result: r };
    }
    const extra: Array<[string, string]> = [];
    if (r.previous) extra.push(["Planref-Previous-Holder", r.previous.holder.actor]);
    if (r.claim.forcedOverlap) extra.push(["Planref-Forced-Overlap", r.claim.forcedOverlap.with.join(",")]);
    const subject = r.outcome === "taken-over" ? `claim task ${id} (took over stale claim of ${r.previous?.holder.actor})` : `claim task ${id}`;
    return {
      changes: [
        { path: claimPath(id), value: r.claim },
        { path: taskPath(id), value: r.task },
      ],
      commit: commitInfo(ctx, "claim", subject, { task: id, epoch: r.claim.epoch, extra }, r.claim.forcedOverlap ? `Forced overlap: ${r.claim.forcedOverlap.reason}` : undefined),
      result: r,
    };
  });
  const r = res.result;
  if (res.commit) await confirmRemotely(ctx, team, r.claim, res.commit);
  ctx.leases?.remember(r.claim.task, r.claim.epoch);
  if (ctx.workspace && r.outcome !== "already-held" && r.claim.branch && r.claim.baseCommit) {
    await ctx.workspace.createBranch(r.claim.branch, r.claim.baseCommit);
    if (r.claim.worktree) {
      await ctx.workspace.addWorktree(r.claim.worktree, r.claim.branch);
      ctx.leases?.rememberIn(r.claim.worktree, r.claim.task, r.claim.epoch);
    }
  }
  return { claim: r.claim, task: r.task, outcome: r.outcome, previousHolder: r.previous?.holder.actor ?? null, commit: res.commit };
}
