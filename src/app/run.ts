import { GateRefusedError, UsageError } from "../errors.js";
import { isApproved } from "../domain/spec/lifecycle.js";
import { checkFence } from "../domain/claims/claim.js";
import { reviewedContentCurrent } from "../domain/task/readiness.js";
import type { EvidenceDoc, TaskDoc } from "../schema/types.js";
import type { AppContext, CommandOutcome } from "./context.js";
import { activeTaskFor, addEvidence } from "./evidence.js";
import { fenceEpoch } from "./lease-ops.js";
import { getClaim, leaseClock } from "./state/claims.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { getSpec, getTask } from "./state/tasks.js";

function runner(ctx: AppContext) {
  if (!ctx.runner) throw new UsageError("this front end cannot run commands");
  return ctx.runner;
}

export interface RunResult {
  outcome: CommandOutcome;
  evidence: EvidenceDoc | null;
  /** Why nothing was recorded, when nothing was. */
  notRecorded?: string;
}

/**
 * `planref run -- <cmd>`: runs the command with the user's terminal semantics and records
 * it as evidence on the caller's claim. The lease is checked before the command starts,
 * so a lost lease is reported before any work, not after.
 */
export async function runAndRecord(ctx: AppContext, input: { task?: string; epoch?: number; command: string[]; label?: string; cwd: string }): Promise<RunResult> {
  if (input.command.length === 0) throw new UsageError("nothing to run", { hint: "planref run [--task T] -- <command> [args...]" });
  const task = await activeTaskFor(ctx, input.task);
  if (task) await assertFence(ctx, task, input.epoch);
  const startedAt = ctx.now();
  const outcome = await runner(ctx).run(input.command.length === 1 ? (input.command[0] as string) : input.command, { cwd: input.cwd });
  const command = input.command.length === 1 ? (input.command[0] as string) : input.command.map(shellQuote).join(" ");
  if (!task) return { outcome, evidence: null, notRecorded: "no task named and no single live claim of yours in this worktree" };
  const r = await addEvidence(ctx, { task, ...(input.epoch !== undefined ? { epoch: input.epoch } : {}), kind: "command", capturedBy: "planref", command, outcome, cwd: input.cwd, startedAt, ...(input.label ? { label: input.label } : {}) });
  return { outcome, evidence: r.evidence };
}

async function assertFence(ctx: AppContext, task: string, epoch: number | undefined): Promise<void> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const e = fenceEpoch(ctx, task, epoch);
  checkFence(task, getClaim(snap, task), { actor: ctx.actor.name, ...(e !== undefined ? { epoch: e } : {}) }, leaseClock(ctx, plan));
}

export interface VerifyResult {
  task: string;
  results: Array<{ command: string; exitCode: number | null; durationMs: number; evidence: string }>;
  passed: boolean;
}

/**
 * `planref verify`: runs the task's verification commands in the claim's worktree. They come
 * from the shared state, so they run only as reviewed: the task's readiness review must
 * cover its current content and its spec must be approved for its current text.
 */
export async function verifyTask(ctx: AppContext, input: { task?: string; epoch?: number; cwd: string }): Promise<VerifyResult> {
  const task = await activeTaskFor(ctx, input.task);
  if (!task) throw new UsageError("name the task to verify", { hint: "planref verify <task>" });
  const snap = await loadSnapshot(ctx);
  const doc = getTask(snap, task) as TaskDoc;
  const spec = doc.spec ? getSpec(snap, doc.spec) : undefined;
  if (!reviewedContentCurrent(doc) || (doc.spec !== null && !isApproved(spec))) {
    throw new GateRefusedError(`refusing to run the verification commands of ${task}: they changed since they were reviewed`, {
      hint: doc.spec !== null && !isApproved(spec) ? `Approve the spec again: planref spec review ${doc.spec} --approve` : `Review the task again: planref task review ${task} --approve`,
      data: { task, reviewedContent: doc.readiness?.contentHash ?? null, currentContent: doc.contentHash },
    });
  }
  if (doc.verification.length === 0) throw new GateRefusedError(`task ${task} has no verification commands`, { hint: `planref task edit ${task} --verify "<command>"` });
  await assertFence(ctx, task, input.epoch);
  const claim = getClaim(snap, task);
  const cwd = claim?.worktree ?? claim?.holder.worktree ?? input.cwd;
  const results: VerifyResult["results"] = [];
  for (const command of doc.verification) {
    runner(ctx).announce(`$ ${command}`);
    const startedAt = ctx.now();
    const outcome = await runner(ctx).run(command, { cwd });
    const r = await addEvidence(ctx, { task, ...(input.epoch !== undefined ? { epoch: input.epoch } : {}), kind: "command", capturedBy: "planref", command, outcome, cwd, startedAt });
    results.push({ command, exitCode: outcome.exitCode, durationMs: Math.round(outcome.durationMs), evidence: r.evidence.id });
  }
  return { task, results, passed: results.every((r) => r.exitCode === 0) };
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
