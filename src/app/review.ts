import { isLive } from "../domain/claims/lease.js";
import { GateRefusedError, InvalidTransitionError, NotFoundError } from "../errors.js";
import type { ClaimDoc, ReviewDoc, TaskDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { evidenceId } from "./evidence.js";
import { getClaim, leaseClock } from "./state/claims.js";
import { claimPath, recordPath, REVIEWS, taskPath } from "./state/documents.js";
import { readPlan } from "./state/plan.js";
import { latest, taskSubmissions } from "./state/records.js";
import { getTask, resolveTaskId } from "./state/tasks.js";

export interface ReviewInput {
  task: string;
  verdict: ReviewDoc["verdict"];
  note?: string;
}

/**
 * A review row on the latest submission. Approve → accepted; request changes → back to the
 * holder (in_progress while the claim is live, else ready); reject → draft, claim ended.
 */
export async function reviewSubmission(ctx: AppContext, input: ReviewInput): Promise<{ review: ReviewDoc; status: TaskDoc["status"]; commit: string }> {
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const taskId = resolveTaskId(snap, input.task);
    const task = getTask(snap, taskId) as TaskDoc;
    if (task.status !== "submitted") throw new InvalidTransitionError("task", taskId, task.status, "review", "Only submitted tasks are reviewed.");
    const sub = latest(taskSubmissions(snap, taskId));
    if (!sub) throw new NotFoundError("NOT_FOUND", `task ${taskId} has no submission`);
    if (input.verdict === "approve" && plan.settings.gate.distinctReviewer && sub.by === ctx.actor.name) {
      throw new GateRefusedError(`${ctx.actor.name} submitted ${taskId} and cannot approve it`, {
        hint: "Ask someone else to review (plan.yaml settings.gate.distinctReviewer is true).",
        data: { task: taskId, claimant: sub.by },
      });
    }
    const now = ctx.now().toISOString();
    const review: ReviewDoc = { id: evidenceId(ctx, ctx.now()), task: taskId, submission: sub.id, by: ctx.actor.name, at: now, verdict: input.verdict, ...(input.note ? { note: input.note } : {}) };
    const claim = getClaim(snap, taskId);
    const live = claim !== undefined && isLive(claim, leaseClock(ctx, plan));
    let status: TaskDoc["status"];
    const changes: Array<{ path: string; value: unknown }> = [{ path: recordPath(REVIEWS, taskId, review.id), value: review }];
    if (input.verdict === "approve") status = "accepted";
    else if (input.verdict === "request-changes") status = live ? "in_progress" : "ready";
    else status = "draft";
    if (claim && claim.state === "live" && (input.verdict === "reject" || (input.verdict === "request-changes" && !live))) {
      const ended: ClaimDoc = { ...claim, state: "released", ended: { how: input.verdict === "reject" ? "released" : "expired", at: now, by: ctx.actor.name, ...(input.note ? { reason: input.note } : {}) } };
      changes.push({ path: claimPath(taskId), value: ended });
    }
    const next: TaskDoc = { ...task, status, updatedAt: now };
    if (status === "draft") delete next.readiness;
    changes.push({ path: taskPath(taskId), value: next });
    return {
      changes,
      commit: commitInfo(ctx, "review", `${input.verdict} ${taskId}: submitted -> ${status}`, { task: taskId, extra: [["Planref-Verdict", input.verdict], ["Planref-Submission", sub.id]] }, input.note),
      result: { review, status },
    };
  });
  return { ...res.result, commit: res.commit as string };
}
