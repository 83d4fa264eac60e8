import { checkFence } from "../domain/claims/claim.js";
import { HELD_STATUSES } from "../domain/claims/lease.js";
import { crossCheck } from "../domain/gate/cross-check.js";
import { InvalidTransitionError, UsageError } from "../errors.js";
import type { ClaimDoc, SubmissionDoc, TaskDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { evidenceId, taskEvidence } from "./evidence.js";
import { fenceEpoch, myTask } from "./lease-ops.js";
import { getClaim, leaseClock } from "./state/claims.js";
import { recordPath, SUBMISSIONS, taskPath } from "./state/documents.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { getTask } from "./state/tasks.js";
import { inWorktree, workFacts } from "./work-facts.js";

export interface SubmitInput {
  task?: string;
  summary: string;
  commands?: string[];
  files?: string[];
  epoch?: number;
}


/**
 * Moves the task to submitted, storing the agent's report together with a cross-check of it
 * against the evidence hooks and planref captured and against git.
 */
export async function submitTask(ctx: AppContext, input: SubmitInput): Promise<{ submission: SubmissionDoc; commit: string }> {
  if (!input.summary.trim()) throw new UsageError("submit needs --summary", { hint: 'planref submit <task> --summary "what you delivered"' });
  const snap0 = await loadSnapshot(ctx);
  const taskId0 = myTask(ctx, snap0, input.task);
  const facts = await workFacts(ctx, getClaim(snap0, taskId0));
  const at = ctx.now();
  const id = evidenceId(ctx, at);
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const taskId = myTask(ctx, snap, input.task);
    const task = getTask(snap, taskId) as TaskDoc;
    const epoch = fenceEpoch(ctx, taskId, input.epoch);
    const claim = checkFence(taskId, getClaim(snap, taskId), { actor: ctx.actor.name, ...(epoch !== undefined ? { epoch } : {}) }, leaseClock(ctx, plan)) as ClaimDoc;
    if (!HELD_STATUSES.has(task.status)) throw new InvalidTransitionError("task", taskId, task.status, "submit");
    const findings = crossCheck({
      task,
      reportedCommands: input.commands ?? [],
      declaredFiles: input.files ?? [],
      evidence: inWorktree(taskEvidence(snap, taskId), facts.worktree),
      head: facts.head,
      worktreeState: facts.worktreeState,
      worktree: facts.worktree,
      changedFiles: facts.changedFiles,
      scope: claim.scope,
    });
    const submission: SubmissionDoc = {
      id,
      task: taskId,
      epoch: claim.epoch,
      by: ctx.actor.name,
      at: at.toISOString(),
      summary: input.summary,
      reported: { commands: input.commands ?? [], files: input.files ?? [] },
      head: facts.head,
      ...(facts.worktreeState ? { worktreeState: facts.worktreeState } : {}),
      baseCommit: claim.baseCommit,
      branch: claim.branch,
      changedFiles: facts.changedFiles,
      findings,
    };
    return {
      changes: [
        { path: recordPath(SUBMISSIONS, taskId, id), value: submission },
        { path: taskPath(taskId), value: { ...task, status: "submitted", updatedAt: at.toISOString() } },
      ],
      commit: commitInfo(ctx, "submit", `submit ${taskId} (${findings.length} finding${findings.length === 1 ? "" : "s"})`, { task: taskId, epoch: claim.epoch }, input.summary),
      result: submission,
    };
  });
  return { submission: res.result, commit: res.commit as string };
}
