import { relative, resolve, sep } from "node:path";
import { isLive } from "../domain/claims/lease.js";
import { matchesAnyGlob } from "../domain/globs/index.js";
import type { ClaimDoc, TaskDoc } from "../schema/types.js";
import type { AppContext, CommandOutcome } from "./context.js";
import { addEvidence } from "./evidence.js";
import { allClaims, leaseClock } from "./state/claims.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { allTasks, getTask } from "./state/tasks.js";

/** The live claim whose worktree contains `cwd`: how a hook knows which task an agent works on. */
export async function claimForDirectory(ctx: AppContext, cwd: string): Promise<{ claim: ClaimDoc; task: TaskDoc; worktree: string } | null> {
  const snap = await loadSnapshot(ctx);
  if (snap.commit === null) return null;
  const clock = leaseClock(ctx, readPlan(snap));
  const dir = resolve(cwd);
  let best: { claim: ClaimDoc; worktree: string } | null = null;
  for (const c of allClaims(snap)) {
    const wt = c.worktree ?? c.holder.worktree;
    if (!wt || !isLive(c, clock)) continue;
    const inside = dir === wt || dir.startsWith(wt.endsWith(sep) ? wt : wt + sep);
    // The deepest worktree wins: a task worktree may sit inside the main checkout.
    if (inside && (!best || wt.length > best.worktree.length)) best = { claim: c, worktree: wt };
  }
  if (!best) return null;
  return { ...best, task: getTask(snap, best.claim.task) as TaskDoc };
}

export type GuardDecision = { action: "allow" } | { action: "warn" | "deny"; reason: string };

/**
 * The scope guard: an edit outside the live claim's scope, or with no claim at all, is
 * allowed, warned about or denied according to plan.yaml's scopeGuard policy.
 */
export async function guardEdit(ctx: AppContext, input: { cwd: string; files: string[] }): Promise<GuardDecision> {
  const snap = await loadSnapshot(ctx);
  if (snap.commit === null || input.files.length === 0) return { action: "allow" };
  const policy = readPlan(snap).settings.scopeGuard;
  const mine = await claimForDirectory(ctx, input.cwd);
  if (!mine) {
    if (policy.noClaim === "allow") return { action: "allow" };
    return { action: policy.noClaim, reason: `No planref claim covers ${input.cwd}. Claim a task first (planref next, then planref claim <task>) so your edits are tracked.` };
  }
  const outside = input.files.map((f) => relative(mine.worktree, resolve(input.cwd, f))).filter((f) => f.startsWith("..") || !matchesAnyGlob(mine.claim.scope, f));
  if (outside.length === 0 || mine.claim.scope.length === 0 || policy.outsideScope === "allow") return { action: "allow" };
  return {
    action: policy.outsideScope,
    reason: `${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} outside the scope of your claim on ${mine.task.id} (${mine.claim.scope.join(", ")}). Stay within scope, or ask a human to widen it.`,
  };
}

export interface ObservedCommand {
  command: string;
  outcome: CommandOutcome;
}

/**
 * Records what a hook saw on the claim of the worktree it ran in: a command with its exit
 * status, or edited files. Nothing happens outside a claimed worktree.
 */
export async function recordObserved(
  ctx: AppContext,
  input: { cwd: string; agent: string; event: string; tool?: string; session?: string; command?: ObservedCommand; files?: string[] },
): Promise<{ recorded: boolean; task?: string }> {
  const mine = await claimForDirectory(ctx, input.cwd);
  if (!mine) return { recorded: false };
  const source = { agent: input.agent, event: input.event, ...(input.tool ? { tool: input.tool } : {}), ...(input.session ? { session: input.session } : {}) };
  const base = { task: mine.task.id, epoch: mine.claim.epoch, actor: mine.claim.holder.actor, capturedBy: "hook" as const, source, cwd: input.cwd, startedAt: ctx.now() };
  if (input.command) {
    await addEvidence(ctx, { ...base, kind: "command", command: input.command.command, outcome: input.command.outcome });
  } else {
    const files = (input.files ?? []).map((f) => relative(mine.worktree, resolve(input.cwd, f)));
    if (files.length === 0) return { recorded: false };
    await addEvidence(ctx, { ...base, kind: "edit", files });
  }
  return { recorded: true, task: mine.task.id };
}

/** What an agent should know when a session starts: who it is, its claim and packet summary, or what is ready. */
export async function sessionContext(ctx: AppContext, input: { cwd: string }): Promise<string> {
  const snap = await loadSnapshot(ctx);
  if (snap.commit === null) return "";
  const plan = readPlan(snap);
  const mine = await claimForDirectory(ctx, input.cwd);
  const lines = [`planref: project ${plan.project.name}; state on refs/plan/state.`];
  if (mine) {
    const t = mine.task;
    lines.push(
      `You (${mine.claim.holder.actor}) hold task ${t.id} "${t.title}" (epoch ${mine.claim.epoch}, lease until ${mine.claim.expiresAt}).`,
      `Scope: ${mine.claim.scope.join(", ") || "(none)"}. Verification: ${t.verification.join("; ") || "(none)"}.`,
      `Full packet: planref packet ${t.id}. Record runs with planref run -- <cmd> or planref verify; submit with planref submit ${t.id} --summary "...".`,
    );
  } else {
    const clock = leaseClock(ctx, plan);
    const held = new Set(allClaims(snap).filter((c) => isLive(c, clock)).map((c) => c.task));
    const status = new Map(allTasks(snap).map((t) => [t.id, t.status]));
    const ready = allTasks(snap).filter((t) => t.status === "ready" && !held.has(t.id) && t.dependencies.every((d) => status.get(d) === "done"));
    lines.push(ready.length ? `No claim in this worktree. Ready to claim: ${ready.slice(0, 5).map((t) => `${t.id} "${t.title}"`).join(", ")}${ready.length > 5 ? ` and ${ready.length - 5} more` : ""}. Pick one with planref next, then planref claim <task>.` : "No claim in this worktree and nothing is ready to claim.");
  }
  return lines.join("\n");
}

/** A reminder when the agent stops while holding unsubmitted work in this worktree. */
export async function stopReminder(ctx: AppContext, input: { cwd: string }): Promise<string | null> {
  const mine = await claimForDirectory(ctx, input.cwd);
  if (!mine || mine.task.status === "submitted" || mine.task.status === "accepted") return null;
  return `You still hold ${mine.task.id} "${mine.task.title}" (status ${mine.task.status}). Before stopping, submit it (planref submit ${mine.task.id} --summary "...") or release it (planref release ${mine.task.id}).`;
}
