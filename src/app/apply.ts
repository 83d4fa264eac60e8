import { evaluateGate, type GateReport } from "../domain/gate/done-gate.js";

export type { GateReport };
import { GateRefusedError, UsageError } from "../errors.js";
import type { ClaimDoc, TaskDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { taskEvidence } from "./evidence.js";
import { getClaim } from "./state/claims.js";
import { claimPath, taskPath } from "./state/documents.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { latest, taskReviews, taskSubmissions } from "./state/records.js";
import { getTask, resolveTaskId } from "./state/tasks.js";
import { inWorktree, workFacts } from "./work-facts.js";

export interface ApplyInput {
  task: string;
  dryRun?: boolean;
  /** Finding ids to waive, each with a recorded reason. */
  waive?: Array<{ finding: string; reason: string }>;
}

export interface ApplyResult {
  report: GateReport;
  applied: boolean;
  commit: string | null;
}

/**
 * Plan, then apply: `--dry-run` prints the gate report; otherwise an accepted task becomes
 * done only if the gate holds. A refused apply is GATE_REFUSED (exit 6) naming what is missing.
 */
export async function applyTask(ctx: AppContext, input: ApplyInput): Promise<ApplyResult> {
  for (const w of input.waive ?? []) if (!w.reason.trim()) throw new UsageError(`waiving ${w.finding} needs --reason`);
  const snap0 = await loadSnapshot(ctx);
  const id0 = resolveTaskId(snap0, input.task);
  const facts = await workFacts(ctx, getClaim(snap0, id0));
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const taskId = resolveTaskId(snap, input.task);
    const task = getTask(snap, taskId) as TaskDoc;
    const claim = getClaim(snap, taskId);
    const submission = latest(taskSubmissions(snap, taskId));
    const report = evaluateGate({
      task,
      submission,
      reviews: taskReviews(snap, taskId),
      evidence: inWorktree(taskEvidence(snap, taskId), facts.worktree),
      head: facts.head,
      worktreeState: facts.worktreeState,
      changedFiles: facts.changedFiles,
      scope: claim?.scope ?? task.scope,
      claimant: submission?.by ?? claim?.holder.actor ?? null,
      distinctReviewer: plan.settings.gate.distinctReviewer,
      requireFreshVerification: plan.settings.gate.requireFreshVerification,
      waivers: new Map((input.waive ?? []).map((w) => [w.finding, w.reason])),
    });
    const known = new Set(report.findings.map((f) => f.id));
    const unknown = (input.waive ?? []).filter((w) => !known.has(w.finding));
    if (unknown.length) {
      throw new UsageError(`nothing to waive named ${unknown.map((w) => `"${w.finding}"`).join(", ")}`, {
        hint: `Findings of ${taskId}: ${[...known].join(", ") || "none"}.`,
        data: { unknown: unknown.map((w) => w.finding), findings: [...known] },
      });
    }
    if (input.dryRun) return { noop: true as const, result: report };
    if (task.status !== "accepted") {
      throw new GateRefusedError(`task ${taskId} is ${task.status}; only an accepted task can become done`, { hint: "Submit it and have it reviewed first.", data: { task: taskId, status: task.status, report } });
    }
    if (!report.holds) {
      throw new GateRefusedError(`task ${taskId} cannot become done: ${report.blocking.map((f) => f.message).join("; ")}`, {
        hint: `See "planref apply ${taskId} --dry-run". Run the verification (planref verify), get an approving review, or waive a judgement call with --waive <finding> --reason <why>.`,
        data: { task: taskId, report },
      });
    }
    const now = ctx.now().toISOString();
    const waivers = report.findings.filter((f) => f.waived).map((f) => ({ finding: f.id, reason: f.waived as string, by: ctx.actor.name }));
    const done: TaskDoc = {
      ...task,
      status: "done",
      completion: { by: ctx.actor.name, at: now, submission: submission?.id ?? "", review: report.review?.id ?? "", head: facts.head, waivers },
      updatedAt: now,
    };
    const changes: Array<{ path: string; value: unknown }> = [{ path: taskPath(taskId), value: done }];
    if (claim && claim.state === "live") changes.push({ path: claimPath(taskId), value: { ...claim, state: "submitted", ended: { how: "submitted", at: now, by: ctx.actor.name } } satisfies ClaimDoc });
    return {
      changes,
      commit: commitInfo(ctx, "apply", `done: ${taskId}${waivers.length ? ` (${waivers.length} waiver${waivers.length === 1 ? "" : "s"})` : ""}`, { task: taskId, extra: waivers.map((w) => ["Planref-Waiver", w.finding] as [string, string]) }, waivers.map((w) => `Waived ${w.finding}: ${w.reason}`).join("\n")),
      result: report,
    };
  });
  return { report: res.result, applied: !input.dryRun, commit: res.commit };
}
