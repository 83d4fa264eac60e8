import { relative, resolve, sep } from "node:path";
import { isLive } from "../domain/claims/lease.js";
import { matchesAnyGlob } from "../domain/globs/index.js";
import type { ClaimDoc, PlanDoc, TaskDoc } from "../schema/types.js";
import { parseDuration } from "../domain/claims/duration.js";
import { getStatus } from "./status.js";
import type { AppContext, CommandOutcome } from "./context.js";
import { addEvidence } from "./evidence.js";
import { allClaims } from "./state/claims.js";
import { readPlan, withFormatCheck } from "./state/plan.js";
import { getTask } from "./state/tasks.js";

interface HookView {
  project: string;
  scopeGuard: PlanDoc["settings"]["scopeGuard"];
  skewMargin: string;
  claims: ClaimDoc[];
  tasks: Record<string, Pick<TaskDoc, "id" | "title" | "status" | "verification">>;
}

/**
 * What hooks read, cached by commit: hooks run on every tool use, and at 10,000 tasks
 * loading every document to find one claim would cost more than the tool call itself.
 */
async function hookView(ctx: AppContext): Promise<HookView | null> {
  if ((await ctx.store.tip()) === null) return null;
  const { value } = await withFormatCheck(() =>
    ctx.store.derive<HookView>("hooks-v1", (snap) => {
      const plan = readPlan(snap);
      const claims = allClaims(snap).filter((c) => c.state === "live");
      const tasks: HookView["tasks"] = {};
      for (const c of claims) {
        const t = getTask(snap, c.task);
        if (t) tasks[t.id] = { id: t.id, title: t.title, status: t.status, verification: t.verification };
      }
      return { project: plan.project.name, scopeGuard: plan.settings.scopeGuard, skewMargin: plan.settings.claims.skewMargin, claims, tasks };
    }),
  );
  return value;
}

/** The live claim whose worktree contains `cwd`: how a hook knows which task an agent works on. */
export async function claimForDirectory(ctx: AppContext, cwd: string, view?: HookView | null): Promise<{ claim: ClaimDoc; task: HookView["tasks"][string]; worktree: string } | null> {
  const v = view === undefined ? await hookView(ctx) : view;
  if (!v) return null;
  const clock = { now: ctx.now().getTime(), skewSeconds: parseDuration(v.skewMargin, "skewMargin") };
  const dir = resolve(cwd);
  let best: { claim: ClaimDoc; worktree: string } | null = null;
  for (const c of v.claims) {
    const wt = c.worktree ?? c.holder.worktree;
    if (!wt || !isLive(c, clock)) continue;
    const inside = dir === wt || dir.startsWith(wt.endsWith(sep) ? wt : wt + sep);
    // The deepest worktree wins: a task worktree may sit inside the main checkout.
    if (inside && (!best || wt.length > best.worktree.length)) best = { claim: c, worktree: wt };
  }
  const task = best ? v.tasks[best.claim.task] : undefined;
  return best && task ? { ...best, task } : null;
}

export type GuardDecision = { action: "allow" } | { action: "warn" | "deny"; reason: string };

/**
 * The scope guard: an edit outside the live claim's scope, or with no claim at all, is
 * allowed, warned about or denied according to plan.yaml's scopeGuard policy.
 */
export async function guardEdit(ctx: AppContext, input: { cwd: string; files: string[] }): Promise<GuardDecision> {
  const view = await hookView(ctx);
  if (!view || input.files.length === 0) return { action: "allow" };
  const policy = view.scopeGuard;
  const mine = await claimForDirectory(ctx, input.cwd, view);
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
  if (input.command && ctx.workspace) {
    // The evidence needs these git facts of the claim's worktree: start them side by side now
    // (a hook's workspace answers each once), instead of one after the other inside addEvidence.
    const ws = ctx.workspace;
    void ws.state(mine.worktree).catch(() => null);
    if (mine.claim.baseCommit) void ws.changedFiles(mine.claim.baseCommit, mine.worktree).catch(() => []);
  }
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
  const view = await hookView(ctx);
  if (!view) return "";
  const mine = await claimForDirectory(ctx, input.cwd, view);
  const lines = [`planref: project ${view.project}; state on refs/plan/state.`];
  if (mine) {
    const t = mine.task;
    lines.push(
      `You (${mine.claim.holder.actor}) hold task ${t.id} "${t.title}" (epoch ${mine.claim.epoch}, lease until ${mine.claim.expiresAt}).`,
      `Scope: ${mine.claim.scope.join(", ") || "(none)"}. Verification: ${t.verification.join("; ") || "(none)"}.`,
      `Full packet: planref packet ${t.id}. Record runs with planref run -- <cmd> or planref verify; submit with planref submit ${t.id} --summary "...".`,
    );
  } else {
    const ready = (await getStatus(ctx)).ready;
    lines.push(ready.length ? `No claim in this worktree. Ready to claim: ${ready.slice(0, 5).join(", ")}${ready.length > 5 ? ` and ${ready.length - 5} more` : ""}. Pick one with planref next, then planref claim <task>.` : "No claim in this worktree and nothing is ready to claim.");
  }
  return lines.join("\n");
}

/** A reminder when the agent stops while holding unsubmitted work in this worktree. */
export async function stopReminder(ctx: AppContext, input: { cwd: string }): Promise<string | null> {
  const mine = await claimForDirectory(ctx, input.cwd);
  if (!mine || mine.task.status === "submitted" || mine.task.status === "accepted") return null;
  return `You still hold ${mine.task.id} "${mine.task.title}" (status ${mine.task.status}). Before stopping, submit it (planref submit ${mine.task.id} --summary "...") or release it (planref release ${mine.task.id}).`;
}
